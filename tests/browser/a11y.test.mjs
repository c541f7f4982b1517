// The accessible mirror (web/a11y.js, src/app/core/a11y.h; docs/accessibility.md): what a
// keyboard and a screen reader get of a page drawn on one canvas. On one page, from a fresh
// load: the keyboard alone closes the help, reaches the tabs, opens the Neuron tab, steps the
// neuron and switches it off; a stroke drawn with the mouse (which the mirror lets through)
// puts the prediction into the accessibility tree; the Neuron tab's summary is there as
// lens.explain words it; axe-core finds no violation on the Explore and Neuron tabs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startServer, launchBrowser, openPage, waitReady, pointerStroke, followLink, settled } from './harness.mjs';

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
// Presses Tab (Shift+Tab with back) until the focused control is `role` named `name` (a string
// or a pattern); fails after `most` presses. Returns the presses it took.
async function tabTo(role, name, most = 80, on = page, back = false) {
  const what = () => on.evaluate(() => {
    const e = document.activeElement;
    return e ? { role: e.getAttribute('role') || e.tagName.toLowerCase(), name: e.getAttribute('aria-label') || '' } : null;
  });
  for (let i = 0; i < most; i++) {
    const f = await what();
    if (f && f.role === role && (typeof name === 'string' ? f.name === name : name.test(f.name))) return i;
    await on.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  assert.fail(`${back ? 'Shift+Tab' : 'Tab'} did not reach the ${role} "${name}" in ${most} presses (at ${JSON.stringify(await what())})`);
}
// Every name and text in Chromium's accessibility tree (what a screen reader is given).
async function axTexts() {
  const cdp = await context.newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  await cdp.detach();
  return nodes.filter((n) => !n.ignored).map((n) => String(n.name?.value ?? '')).filter(Boolean);
}
async function axe(on = page) {
  if (!(await on.evaluate(() => typeof window.axe === 'object'))) await on.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const r = await on.evaluate(() => window.axe.run(document));
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
  // The most active neurons of each hidden layer, readable on demand: the top one is the page's.
  const act = s.layers[0], top = act.indexOf(Math.max(...act));
  const lit = await page.evaluate(() => [...document.querySelectorAll('main#a11y p')].map((e) => e.textContent).find((t) => t.startsWith('Most active in hidden layer 0:')));
  assert.match(lit ?? '', new RegExp(`^Most active in hidden layer 0: neuron ${top} \\(`), `the mirror names neuron ${top} first (${lit})`);
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

// The walk, from a fresh load and with only Tab, Shift+Tab, arrows, Enter, Space and Esc:
// the Train tab, the "Kill the neurons" preset at full speed, its end, a dead neuron's card, its
// switch. The page is only read (to wait for what it says); every action is a key press.
test('keyboard only, from a fresh load: train "Kill the neurons", open a dead neuron, switch a neuron off', { timeout: 240000 }, async () => {
  const fresh = await openPage(browser, server.url);  // a first visit: the help shows
  const p = fresh.page;
  await waitReady(p);
  await p.waitForFunction(() => window.lens.state().help, null, { timeout: 10000 });
  await p.keyboard.press('Escape');
  await p.waitForFunction(() => !window.lens.state().help, null, { timeout: 10000 });
  await tabTo('tab', 'Train', 80, p);
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => window.lens.state().tab === 'train', null, { timeout: 10000 })
    .catch(() => assert.fail('Enter on the Train tab opened it'));
  await tabTo('button', 'Kill the neurons', 80, p);
  await p.keyboard.press('Enter');
  // The preset fills the recipe: a 784-6-10 network (the layer's width slider says 6).
  await p.waitForFunction(() => /** @type {HTMLInputElement} */ (document.querySelector('input[type=range][aria-label="layer 0 width"]'))?.value === '6', null, { timeout: 10000 })
    .catch(() => assert.fail('Enter on "Kill the neurons" set the recipe'));
  // The speed slider: End is full speed (the preset's lesson pace takes a minute an epoch).
  await tabTo('input', 'Training speed', 80, p);
  await p.keyboard.press('End');
  await p.waitForFunction(() => window.lens.trainingState().speed === null, null, { timeout: 10000 })
    .catch(() => assert.fail('End on the speed slider chose full speed'));
  // Back to the Train button, which comes before the speed.
  await tabTo('button', 'Train', 20, p, true);
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => window.lens.trainingState().status === 'done', null, { timeout: 120000 })
    .catch(() => assert.fail('Enter on Train trained the recipe to its end'));
  const t = await p.evaluate(() => window.lens.trainingState());
  const dead = t.dead[0];
  assert.ok(dead.length >= 1, `some neuron died (${JSON.stringify(t.diedAt)})`);
  // The Train tab says so in words: the status and a row per dead neuron.
  const texts = await p.evaluate(() => [...document.querySelectorAll('main#a11y p')].map((e) => e.textContent));
  assert.ok(texts.some((x) => /^done: epoch/.test(x)), `the status is in the mirror (${texts.slice(0, 8).join(' | ')})`);
  for (const u of dead) assert.ok(texts.some((x) => x.startsWith(`Neuron ${u} died at epoch`)), `the mirror says neuron ${u} died`);
  // A dead neuron's card opens it in the Neuron tab.
  await p.waitForFunction(() => [...document.querySelectorAll('main#a11y button')].some((b) => /^Neuron \d+, dead$/.test(b.getAttribute('aria-label') || '')), null, { timeout: 20000 })
    .catch(() => assert.fail('the cards of the trained model are in the mirror, the dead ones named so'));
  await tabTo('button', /^Neuron \d+, dead$/, 120, p);
  const card = await p.evaluate(() => document.activeElement.getAttribute('aria-label'));
  const unit = Number(/^Neuron (\d+)/.exec(card)[1]);
  assert.ok(dead.includes(unit), `the card "${card}" is one of the dead ${JSON.stringify(dead)}`);
  await p.keyboard.press('Enter');
  await p.waitForFunction((u) => { const s = window.lens.state(); return s.tab === 'neuron' && s.selected.neuron === u; }, unit, { timeout: 10000 })
    .catch(() => assert.fail(`Enter on "${card}" opened neuron ${unit}`));
  // The card went with the tab it was on: focus is on the Neuron tab, just before its content.
  await p.waitForFunction(() => document.activeElement?.getAttribute('role') === 'tab' && document.activeElement.getAttribute('aria-label') === 'Neuron', null, { timeout: 10000 })
    .catch(async () => assert.fail(`focus went to the Neuron tab (it is on ${await p.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))})`));
  // Its switch: Space turns it off.
  const presses = await tabTo('switch', 'Neuron switched off', 120, p);
  console.log(`the switch of the dead neuron ${unit}: ${presses} Tab presses from the Neuron tab`);
  await p.keyboard.press('Space');
  await p.waitForFunction((u) => window.lens.state().view.off.some(([l, n]) => l === 0 && n === u), unit, { timeout: 10000 })
    .catch(() => assert.fail('Space on the switch switched the neuron off'));
  assert.deepEqual(fresh.errors, []);
  await fresh.context.close();
});

// axe-core on every tab in the three themes (mlp6-dead: cards, the dead neurons' story, the
// Train tab's recipe), on the XOR lesson's tabs, and on an embed in a 700x500 frame.
test('axe-core finds nothing on any tab, in the dark, light and high-contrast themes, and in an embed', { timeout: 240000 }, async () => {
  const views = [];
  for (const theme of ['dark', 'light', 'contrast'])
    for (const tab of ['explore', 'neuron', 'outputs', 'network', 'train']) views.push(`#model=mlp6-dead&tab=${tab}&theme=${theme}&help=0`);
  for (const tab of ['explore', 'neuron', 'outputs', 'network', 'train']) views.push(`#model=xor&tab=${tab}&help=0`);
  const { page: p, errors: e, context: c } = await openPage(browser, server.url + '#help=0', { skipHelp: true });
  await waitReady(p);
  const found = [];
  let checked = 0;
  for (const hash of views) {
    await followLink(p, hash);
    const tab = /tab=(\w+)/.exec(hash)[1];
    await p.waitForFunction((t) => window.lens.state().tab === t && window.lens.state().analysisDone, tab, { timeout: 60000 });
    await settled(p);
    await p.waitForFunction((t) => document.querySelector(`main#a11y [role=tab][aria-selected=true]`)?.getAttribute('aria-label')?.toLowerCase() === t, tab, { timeout: 10000 });
    const controls = await p.evaluate(() => document.querySelectorAll('main#a11y .a11y-box').length);
    assert.ok(controls >= 8, `${hash}: the mirror holds the tab's controls (${controls})`);
    for (const v of await axe(p)) found.push(`${hash}: ${v}`);
    checked++;
  }
  await c.close();
  const embed = await openPage(browser, server.url + '#model=mlp32&embed=1', { viewport: { width: 700, height: 500 } });
  await waitReady(embed.page);
  for (const hash of ['#model=mlp32&embed=1&tab=neuron', '#model=mlp32&embed=1&tab=explore']) {
    await followLink(embed.page, hash);
    await settled(embed.page);
    for (const v of await axe(embed.page)) found.push(`embed ${hash}: ${v}`);
    checked++;
  }
  console.log(`axe-core ${require('axe-core/package.json').version}: ${checked} views, ${found.length} violations`);
  assert.deepEqual(found, []);
  assert.deepEqual(e, []);
  assert.deepEqual(embed.errors, []);
  await embed.context.close();
});

// WCAG 1.4.3 and 1.4.11 measured on what the page drew: a screenshot, decoded by the browser,
// and for every text and control the mirror declares, the colour of its background (the commonest
// in its rectangle) against the drawn colour farthest from it (the glyphs' cores). Text needs
// 4.5:1. The focus ring needs 3:1 against the colours just outside it.
const contrastInPage = async (p, png, boxes, inset = 2) => p.evaluate(async ({ b64, boxes, inset }) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
  const cv = new OffscreenCanvas(bitmap.width, bitmap.height), g = cv.getContext('2d');
  g.drawImage(bitmap, 0, 0);
  const lum = (r, gr, b) => {
    const f = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(gr) + 0.0722 * f(b);
  };
  const ratio = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  return boxes.map(({ name, rect: [x, y, w, h] }) => {
    // Inside the rectangle's edge (a control's frame, antialiased, is not its text).
    x = Math.max(0, Math.round(x + inset)); y = Math.max(0, Math.round(y + inset));
    w = Math.min(bitmap.width - x, Math.round(w - 2 * inset)); h = Math.min(bitmap.height - y, Math.round(h - 2 * inset));
    if (w < 2 || h < 2) return null;
    const d = g.getImageData(x, y, w, h).data, counts = new Map();
    for (let i = 0; i < d.length; i += 4) { const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2]; counts.set(k, (counts.get(k) || 0) + 1); }
    let bg = 0, most = -1;
    for (const [k, n] of counts) if (n > most) { most = n; bg = k; }
    const lb = lum(bg >> 16, (bg >> 8) & 255, bg & 255);
    let best = 1, fg = bg;
    for (const k of counts.keys()) { const r = ratio(lb, lum(k >> 16, (k >> 8) & 255, k & 255)); if (r > best) { best = r; fg = k; } }
    const hex = (k) => '#' + k.toString(16).padStart(6, '0');
    return { name, ratio: best, bg: hex(bg), fg: hex(fg) };
  }).filter(Boolean);
}, { b64: png.toString('base64'), boxes, inset });

test('contrast measured from screenshots: text at least 4.5:1 and the focus ring at least 3:1, in each theme', { timeout: 180000 }, async () => {
  const { page: p, errors: e, context: c } = await openPage(browser, server.url + '#help=0', { skipHelp: true });
  await waitReady(p);
  const low = [], lowest = {};
  let measured = 0;
  for (const theme of ['dark', 'light', 'contrast']) {
    for (const tab of ['explore', 'neuron', 'network', 'train']) {
      await followLink(p, `#model=mlp6-dead&tab=${tab}&theme=${theme}&help=0`);
      await p.waitForFunction((t) => window.lens.state().tab === t && window.lens.state().analysisDone, tab, { timeout: 60000 });
      await settled(p);
      // Text and the controls that carry a label; not pictures, the canvas or sliders (their text is
      // measured with the rest of the row), and only what is on screen whole.
      const nodes = (await p.evaluate(() => window.lens._test.a11yNodes()))
        .filter((n) => ['text', 'heading', 'button', 'tab', 'combobox'].includes(n.role) && !/^Neuron \d+/.test(n.name) && n.rect[2] > 4 && n.rect[3] > 4
          && n.rect[1] >= 0 && n.rect[1] + n.rect[3] <= 800);
      const shot = await p.screenshot();
      for (const r of await contrastInPage(p, shot, nodes)) {
        measured++;
        if (!lowest[theme] || r.ratio < lowest[theme].ratio) lowest[theme] = { ...r, tab };
        if (r.ratio < 4.5) low.push(`${theme} ${tab}: "${r.name.slice(0, 60)}" ${r.ratio.toFixed(2)}:1 (${r.fg} on ${r.bg})`);
      }
    }
    // The focus ring around a focused control, against the page just outside it.
    await p.evaluate(() => /** @type {HTMLElement} */ (document.querySelector('main#a11y [role=tab]')).focus());
    await p.keyboard.press('Tab');
    await p.keyboard.press('Shift+Tab');  // a keyboard focus, so :focus-visible applies
    const ring = await p.evaluate(() => {
      const el = document.activeElement, r = el.getBoundingClientRect();
      return { color: getComputedStyle(el).outlineColor, width: getComputedStyle(el).outlineWidth, rect: [r.x - 9, r.y + r.height, r.width + 18, 9], name: el.getAttribute('aria-label') };
    });
    assert.equal(ring.width, '3px');
    const shot = await p.screenshot();
    // The band below it: 3 rows of ring (1 px off the control), then the page beyond.
    const [m] = await contrastInPage(p, shot, [{ name: 'focus ring around ' + ring.name, rect: ring.rect }], 0);
    console.log(`${theme}: focus ring ${ring.color} around "${ring.name}": ${m.ratio.toFixed(2)}:1 (${m.fg} on ${m.bg})`);
    assert.ok(m.ratio >= 3, `${theme}: the focus ring is ${m.ratio.toFixed(2)}:1 (${m.fg} on ${m.bg})`);
  }
  for (const [theme, r] of Object.entries(lowest))
    console.log(`${theme}: lowest text contrast ${r.ratio.toFixed(2)}:1 on ${r.tab}, "${r.name.slice(0, 50)}" (${r.fg} on ${r.bg})`);
  console.log(`${measured} texts and controls measured`);
  assert.deepEqual(low, []);
  assert.deepEqual(e, []);
  await c.close();
});

// A control scrolled out of its panel's view is still in the Tab order; reached by Tab, the
// panel scrolls it into view, and the focus ring sits on it there (a phone's Neuron tab is
// taller than the screen).
test('Tab reaches a control scrolled out of view, and its panel scrolls it into view', { timeout: 120000 }, async () => {
  const phone = await openPage(browser, server.url + '#model=mlp32&tab=neuron&help=0', { skipHelp: true, viewport: { width: 390, height: 844 }, hasTouch: true });
  const p = phone.page;
  await waitReady(p);
  await settled(p);
  const nodes = await p.evaluate(() => window.lens._test.a11yNodes());
  const hidden = nodes.filter((n) => n.offscreen && (n.role === 'button' || n.role === 'switch'));
  assert.ok(hidden.length > 0, `some button is below the fold (${nodes.filter((n) => n.offscreen).map((n) => n.name).join(', ')})`);
  const target = hidden[0];
  assert.equal(nodes.filter((n) => n.name === target.name && n.role === target.role).length, 1);
  await p.evaluate(() => /** @type {HTMLElement} */ (document.querySelector('main#a11y [role=tab][aria-selected=true]')).focus());
  await tabTo(target.role, target.name, 120, p);
  await p.waitForFunction(([name, role]) => {
    const n = window.lens._test.a11yNodes().find((x) => x.name === name && x.role === role);
    return n && !n.offscreen && n.rect[1] >= 0 && n.rect[1] + n.rect[3] <= innerHeight && n.rect[3] > 0;
  }, [target.name, target.role], { timeout: 10000 }).catch(() => assert.fail(`"${target.name}" was scrolled into view when Tab reached it`));
  // The focus ring is where the control now is.
  const [box, node] = await p.evaluate(([name, role]) => [document.activeElement.getBoundingClientRect().toJSON(),
    window.lens._test.a11yNodes().find((x) => x.name === name && x.role === role)], [target.name, target.role]);
  assert.ok(Math.abs(box.y - node.rect[1]) < 2 && box.height > 4, `the focused element sits on the control (${JSON.stringify(box)} vs ${node.rect})`);
  console.log(`phone, Neuron tab: ${hidden.length} buttons and switches below the fold; Tab brought "${target.name}" into view at y = ${Math.round(node.rect[1])}`);
  assert.deepEqual(phone.errors, []);
  await phone.context.close();
});

// The arrow keys within a group, as ARIA's patterns have them: the tabs (Home, End too) and a
// layer's grid of cards (right: the next card, down: the card below). An open list's options
// take the same keys (a11y.js, neighbour).
test('arrows move within the tabs and the grid of cards', { timeout: 60000 }, async () => {
  const { page: p, errors: e, context: c } = await openPage(browser, server.url + '#model=mlp32&help=0', { skipHelp: true });
  await waitReady(p);
  await settled(p);
  const at = () => p.evaluate(() => document.activeElement?.getAttribute('aria-label'));
  await tabTo('tab', 'Neuron', 40, p);
  await p.keyboard.press('ArrowRight');
  assert.equal(await at(), 'Outputs');
  await p.keyboard.press('End');
  assert.equal(await at(), 'Train');
  await p.keyboard.press('Home');
  assert.equal(await at(), 'Explore');
  assert.equal(await p.evaluate(() => window.lens.state().tab), 'explore', 'the arrows move focus; Enter chooses');
  await tabTo('button', 'Neuron 0', 80, p);
  const first = await p.evaluate(() => document.activeElement.getBoundingClientRect().toJSON());
  await p.keyboard.press('ArrowRight');
  assert.equal(await at(), 'Neuron 1');
  await p.keyboard.press('ArrowLeft');
  await p.keyboard.press('ArrowDown');
  const below = await at();
  const r = await p.evaluate(() => document.activeElement.getBoundingClientRect().toJSON());
  assert.match(below ?? '', /^Neuron \d+/);
  assert.ok(r.top > first.top + first.height / 2 && Math.abs(r.left - first.left) < 2, `ArrowDown went to the card below Neuron 0 (${below})`);
  assert.equal((await p.evaluate(() => window.lens.state())).keyboard.pen.shown, false, 'the arrows on a card do not steer the pen');
  assert.deepEqual(e, []);
  await c.close();
});

// A neuron named in a story is a link: its button follows it as a click on the words does.
test('a neuron link in the Network story is a button: Enter opens that neuron', { timeout: 180000 }, async () => {
  const { page: p, errors: e, context: c } = await openPage(browser, server.url + '#model=mlp6-dead&tab=network&help=0', { skipHelp: true });
  await waitReady(p);
  await p.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 60000 });
  await settled(p);
  await p.evaluate(() => /** @type {HTMLElement} */ (document.querySelector('main#a11y [role=tab][aria-selected=true]')).focus());
  await tabTo('button', /^Open neuron \d+$/, 80, p);
  const name = await p.evaluate(() => document.activeElement.getAttribute('aria-label'));
  const unit = Number(/(\d+)$/.exec(name)[1]);
  await p.keyboard.press('Enter');
  await p.waitForFunction((u) => { const s = window.lens.state(); return s.tab === 'neuron' && s.selected.neuron === u; }, unit, { timeout: 10000 })
    .catch(() => assert.fail(`Enter on "${name}" opened neuron ${unit}`));
  assert.deepEqual(e, []);
  await c.close();
});
