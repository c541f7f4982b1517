// The accessible mirror (web/a11y.js, src/app/core/a11y.h; docs/accessibility.md): what a
// keyboard and a screen reader get of a page drawn on one canvas. On one page, from a fresh
// load: the keyboard alone closes the help, reaches the tabs, opens the Neuron tab, steps the
// neuron and switches it off; a stroke drawn with the mouse (which the mirror lets through)
// puts the prediction into the accessibility tree; the Neuron tab's summary is there as
// lens.explain words it; axe-core finds no violation on the Explore and Neuron tabs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startServer, launchBrowser, openPage, waitReady, pointerStroke } from './harness.mjs';

const require = createRequire(import.meta.url);
let server, browser, page, errors, context;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ page, errors, context } = await openPage(browser, server.url));  // a first visit: the help shows
  await waitReady(page);
});
after(async () => { await browser?.close(); server?.stop(); });

const state = () => page.evaluate(() => window.lens.state());
// What has keyboard focus: its role and accessible name as the mirror gives them.
const focused = () => page.evaluate(() => {
  const e = document.activeElement;
  return e ? { role: e.getAttribute('role') || e.tagName.toLowerCase(), name: e.getAttribute('aria-label') || '' } : null;
});
// Presses Tab until the focused control is `role` named `name`; fails after `most` presses.
async function tabTo(role, name, most = 80) {
  for (let i = 0; i < most; i++) {
    const f = await focused();
    if (f && f.role === role && f.name === name) return i;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab did not reach the ${role} "${name}" in ${most} presses (at ${JSON.stringify(await focused())})`);
}
// Every name and text in Chromium's accessibility tree (what a screen reader is given).
async function axTexts() {
  const cdp = await context.newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  await cdp.detach();
  return nodes.filter((n) => !n.ignored).map((n) => String(n.name?.value ?? '')).filter(Boolean);
}
async function axe() {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const r = await page.evaluate(() => window.axe.run(document));
  return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
}

test('the keyboard alone: Esc closes the help, Tab reaches the tabs, Enter opens Neuron, arrows step, Space switches off', { timeout: 120000 }, async () => {
  await page.waitForFunction(() => window.lens.state().help, null, { timeout: 10000 });
  await page.waitForFunction(() => document.querySelector('main#a11y [role=tab]'), null, { timeout: 10000 });
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !window.lens.state().help, null, { timeout: 10000 });
  await tabTo('tab', 'Neuron');
  // The tabs are one tablist, the current one selected.
  const tabs = await page.evaluate(() => [...document.querySelectorAll('[role=tablist] [role=tab]')].map((t) => t.getAttribute('aria-label') + ':' + t.getAttribute('aria-selected')));
  assert.deepEqual(tabs, ['Explore:true', 'Neuron:false', 'Outputs:false', 'Network:false', 'Train:false']);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.lens.state().tab === 'neuron', null, { timeout: 10000 })
    .catch(() => assert.fail('Enter on the Neuron tab opened it'));
  assert.equal((await focused()).name, 'Neuron', 'focus stays on the tab');
  await page.waitForFunction(() => document.querySelector('[role=tab][aria-label=Neuron]').getAttribute('aria-selected') === 'true', null, { timeout: 10000 });

  // The neuron slider: an arrow key selects the next neuron, as dragging it would.
  await tabTo('input', 'Neuron');
  const before = (await state()).selected.neuron;
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((n) => window.lens.state().selected.neuron === n + 1, before, { timeout: 10000 })
    .catch(() => assert.fail(`ArrowRight on the neuron slider selected neuron ${before + 1}`));
  await page.waitForFunction((n) => /** @type {HTMLInputElement} */ (document.querySelector('input[type=range][aria-label=Neuron]')).value === String(n + 1), before, { timeout: 10000 });

  const sw = await tabTo('switch', 'Neuron switched off');
  assert.ok(sw > 0);
  assert.equal(await page.evaluate(() => /** @type {HTMLInputElement} */ (document.activeElement).checked), false);
  await page.keyboard.press('Space');
  await page.waitForFunction((n) => window.lens.state().view.off.some(([l, u]) => l === 0 && u === n), before + 1, { timeout: 10000 })
    .catch(() => assert.fail('Space on the switch switched the neuron off'));
  await page.waitForFunction(() => document.activeElement.getAttribute('role') === 'switch' && /** @type {HTMLInputElement} */ (document.activeElement).checked, null, { timeout: 10000 });
  assert.deepEqual(errors, []);
});

test('the Neuron tab: its summary is in the accessibility tree as lens.explain words it; axe finds nothing', { timeout: 120000 }, async () => {
  await page.evaluate(() => {
    for (const [l, u] of window.lens.state().view.off) window.lens.setNeuronOff(l, u, false);
    window.lens.select(0, 3);
  });
  const summary = (await page.evaluate(() => window.lens.explain(0, 3))).summary;
  assert.ok(summary.length > 20, summary);
  await page.waitForFunction((t) => [...document.querySelectorAll('main#a11y p')].some((p) => p.textContent === t), summary, { timeout: 20000 })
    .catch(() => assert.fail(`the mirror shows the summary "${summary}"`));
  assert.ok((await axTexts()).includes(summary), 'the accessibility tree holds the summary');
  const v = await axe();
  assert.deepEqual(v, [], 'axe-core on the Neuron tab');
});

test('a stroke with the mouse draws through the mirror and its prediction reaches the tree; axe on Explore finds nothing', { timeout: 120000 }, async () => {
  await page.evaluate(() => { window.lens.setTab('explore'); window.lens.clear(); });
  await page.waitForFunction(() => window.lens.canvasRect().width > 0, null, { timeout: 10000 });
  // The status is heard once a stroke: it changes when the stroke ends, not with every move.
  await page.waitForFunction(() => document.querySelector('main#a11y [role=status][aria-live=polite]')?.textContent === 'Nothing drawn yet.', null, { timeout: 10000 });
  await page.evaluate(() => {
    window.__statusChanges = 0;
    new MutationObserver(() => { window.__statusChanges++; })
      .observe(document.querySelector('main#a11y [role=status][aria-live=polite]'), { childList: true, characterData: true, subtree: true });
  });
  const one = []; for (let i = 0; i <= 12; i++) one.push([0.5, 0.15 + 0.7 * i / 12]);
  await pointerStroke(page, one);
  const s = await state();
  assert.ok(s.input.some((x) => x > 0.5), 'the mouse drew on the canvas under the mirror');
  const status = await page.waitForFunction(() => {
    const e = document.querySelector('main#a11y [role=status][aria-live=polite]');
    return e && /^Predicted \d/.test(e.textContent) && e.textContent;
  }, null, { timeout: 10000 }).then((h) => h.jsonValue());
  assert.match(status, new RegExp(`^Predicted ${s.predicted}, \\d+%\\. Next: \\d, \\d+%\\.$`));
  assert.equal(await page.evaluate(() => window.__statusChanges), 1, 'the status changed once in a 12-move stroke');
  assert.ok((await axTexts()).some((t) => t.includes(`Predicted ${s.predicted},`)), 'the accessibility tree holds the prediction');
  // Every control of the tab is in the mirror: the canvas, its buttons, the brush, the cards.
  const names = await page.evaluate(() => [...document.querySelectorAll('main#a11y [aria-label]')].map((e) => e.getAttribute('aria-label')));
  for (const n of ['Undo', 'Clear', 'Random test digit', 'Next mistake', 'Brush size', 'Help', 'Share', 'Export', 'Neuron 0'])
    assert.ok(names.includes(n), `the mirror has "${n}" (has ${names.length} controls)`);
  assert.ok(names.some((n) => n.startsWith('Drawing canvas')));
  const v = await axe();
  assert.deepEqual(v, [], 'axe-core on the Explore tab');
  assert.deepEqual(errors, []);
});

test('a list: Enter on the model button opens it as a listbox of the models, Esc closes it and focus goes back', { timeout: 60000 }, async () => {
  const model = await page.evaluate(() => window.lens.model());
  await page.evaluate(() => /** @type {HTMLElement} */ (document.querySelector('main#a11y button[aria-haspopup=listbox][aria-label^="Model:"]')).focus());
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[aria-label^="Model:"]').getAttribute('aria-expanded') === 'true', null, { timeout: 10000 })
    .catch(() => assert.fail('Enter opened the model list'));
  // The list is drawn over the next frames (ImGui sizes a popup in its first): wait for it to settle.
  const count = await page.evaluate(() => window.lens.models().length);
  await page.waitForFunction((n) => document.querySelectorAll('[role=listbox][aria-label=Model] [role=option]').length >= n, count, { timeout: 10000 })
    .catch(() => {});
  const options = await page.evaluate(() => [...document.querySelectorAll('[role=listbox][aria-label=Model] [role=option]')]
    .map((o) => [o.getAttribute('aria-label'), o.getAttribute('aria-selected')]));
  const models = await page.evaluate(() => window.lens.models());
  assert.equal(options.length, models.length, JSON.stringify(options));
  assert.equal(options.filter(([, sel]) => sel === 'true').length, 1, 'one option is the model shown');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.querySelector('[aria-label^="Model:"]').getAttribute('aria-expanded') === 'false' &&
    !document.querySelector('[role=listbox]'), null, { timeout: 10000 }).catch(() => assert.fail('Esc closed the list'));
  assert.match((await focused()).name, /^Model: /, 'focus is on the model button');
  assert.equal(await page.evaluate(() => window.lens.model()), model, 'Esc picked nothing');
  assert.deepEqual(errors, []);
});
