// The keyboard and the first visit, as a person meets them: every key the help lists
// works; on a first visit the help shows, a stroke on the canvas dismisses it and is
// predicted; a deep link never opens under the help.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, waitReady, pointerStroke as stroke, animationFrames } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const one = []; for (let i = 0; i <= 12; i++) one.push([0.5, 0.15 + 0.7 * i / 12]);
const bar = []; for (let i = 0; i <= 8; i++) bar.push([0.25 + 0.5 * i / 8, 0.5]);

// A key, then two frames drawn (the frame after the key's has handled it), however slow the machine.
// The frames are counted from after the press: press resolves once the page has the event, and
// frames drawn while it was on its way (a busy machine) would not have handled it.
async function key(page, k) {
  await page.keyboard.press(k);
  const f = await page.evaluate(() => window.lens.perf().frame);
  await page.waitForFunction((f0) => window.lens.perf().frame >= f0 + 2, f, { timeout: 10000 });
}

test('the keys the help lists work (Z, Backspace, C, Delete, R, M, [, ], 1-5, N, P, arrows, ?, Esc)', { timeout: 120000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=mlp128&help=0', { skipHelp: true });
  await waitReady(page);
  await page.waitForFunction(() => window.lens.state().statsReady, null, { timeout: 60000 });
  await stroke(page, one);
  await stroke(page, bar);
  const two = await page.evaluate(() => window.lens.state().input.reduce((a, b) => a + b, 0));
  await key(page, 'z');
  let s = await page.evaluate(() => window.lens.state());
  assert.equal(s.predicted, 1, 'Z took back the bar: a 1 again');
  assert.ok(s.input.reduce((a, b) => a + b, 0) < two);
  await key(page, 'Backspace');
  assert.ok((await page.evaluate(() => window.lens.state())).input.every((v) => v === 0), 'Backspace took back the 1');
  await stroke(page, one);
  await key(page, 'c');
  assert.ok((await page.evaluate(() => window.lens.state())).input.every((v) => v === 0), 'C clears');
  await key(page, 'r');  // the first test digit fetches the test digits (a shipped model needs none before)
  await page.waitForFunction(() => window.lens.state().input.some((v) => v > 0.5), null, { timeout: 30000 })
    .catch(() => assert.fail('R shows a test digit'));
  await key(page, 'Delete');
  assert.ok((await page.evaluate(() => window.lens.state())).input.every((v) => v === 0), 'Delete clears');
  await key(page, 'm');
  assert.ok((await page.evaluate(() => window.lens.state())).input.some((v) => v > 0.5), 'M shows a digit');
  const models = await page.evaluate(() => window.lens.models().map((m) => m.id));
  const modelBecomes = (id) => page.waitForFunction((x) => window.lens.model() === x, id, { timeout: 10000 });
  await key(page, ']');  // the next model is fetched when picked
  await modelBecomes(models[(models.indexOf('mlp128') + 1) % models.length]);
  await key(page, '[');
  await modelBecomes('mlp128');
  for (const [k, tab] of [['2', 'neuron'], ['3', 'outputs'], ['4', 'network'], ['5', 'train'], ['1', 'explore']]) {
    await key(page, k);
    assert.equal((await page.evaluate(() => window.lens.state())).tab, tab, `key ${k}`);
  }
  const k = Math.max(0, (await page.evaluate(() => window.lens.state())).selected.neuron);
  await key(page, 'n');
  s = await page.evaluate(() => window.lens.state());
  assert.equal(s.tab, 'neuron', 'N opens the inspector');
  const first = s.selected.neuron;
  assert.ok(first === k || first === k + 1, `N selected neuron ${first}`);
  await key(page, 'ArrowRight');
  await key(page, 'ArrowRight');
  await key(page, 'p');
  assert.deepEqual((await page.evaluate(() => window.lens.state())).selected, { layer: 0, neuron: first + 1 }, 'two steps on, one back');
  await key(page, '?');
  assert.equal((await page.evaluate(() => window.lens.state())).help, true);
  await key(page, 'Escape');
  assert.equal((await page.evaluate(() => window.lens.state())).help, false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('first visit: the help shows, and a stroke on the canvas dismisses it and is predicted', { timeout: 60000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url, { skipHelp: false });
  await waitReady(page);
  await animationFrames(page, 2);  // the help is on screen, as a visitor first sees it
  assert.equal((await page.evaluate(() => window.lens.state())).help, true, 'a first visit shows the help');
  await stroke(page, one);
  const s = await page.evaluate(() => window.lens.state());
  assert.equal(s.help, false, 'drawing dismissed the help');
  assert.equal(s.predicted, 1, `the stroke was drawn and predicted (${s.predicted})`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a deep link on a first visit opens its view without the help over it', { timeout: 60000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=mlp6-dead&tab=neuron&layer=0&neuron=1', { skipHelp: false });
  // The link is applied, and the help decided on, before lens.ready resolves (lens-api.js).
  await waitReady(page);
  const s = await page.evaluate(() => window.lens.state());
  assert.equal(s.help, false);
  assert.equal(s.tab, 'neuron');
  assert.deepEqual(s.selected, { layer: 0, neuron: 1 });
  assert.deepEqual(errors, []);
  await context.close();
});

// Drawing without a pointer (WCAG 2.1.1): real key presses on a fresh page draw a 1 with the
// keyboard pen; single-key shortcuts can be turned off (WCAG 2.1.4) while the named keys work.
test('without a pointer: the arrows move a pen, Space inks, the page reads the digit; shortcuts can be turned off', { timeout: 120000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=mlp32&help=0', { skipHelp: true });
  await waitReady(page);
  for (let i = 0; i < 10; i++) await key(page, 'ArrowUp');
  let s = await page.evaluate(() => window.lens.state());
  const pen = s.keyboard.pen;
  assert.deepEqual([pen.shown, pen.down, pen.x], [true, false, 0.5]);
  assert.ok(Math.abs(pen.y - (0.5 - 10 / 28)) < 1e-6, `ten MNIST pixels up: y ${pen.y}`);
  assert.ok(s.input.every((v) => v === 0), 'a pen that is up leaves no ink');
  await key(page, ' ');
  for (let i = 0; i < 20; i++) await key(page, 'ArrowDown');
  s = await page.evaluate(() => window.lens.state());
  assert.equal(s.keyboard.pen.down, true);
  assert.equal(s.predicted, 1, 'a bar down the middle, drawn with the keys, reads as a 1');
  await key(page, ' ');
  await key(page, 'Escape');
  s = await page.evaluate(() => window.lens.state());
  assert.deepEqual([s.keyboard.pen.shown, s.keyboard.pen.down], [false, false], 'Space lifts the pen, Esc puts it away');
  assert.equal(s.predicted, 1, 'the ink stays');

  await page.evaluate(() => window.lens.setShortcuts(false));
  await key(page, 'c');
  await key(page, '2');
  s = await page.evaluate(() => window.lens.state());
  assert.deepEqual([s.keyboard.shortcuts, s.tab, s.input.some((v) => v > 0)], [false, 'explore', true], 'C and 2 do nothing with shortcuts off');
  await key(page, 'Delete');
  assert.ok((await page.evaluate(() => window.lens.state().input)).every((v) => v === 0), 'Delete still clears');
  const refused = await page.evaluate(() => { try { window.lens.setShortcuts(/** @type {any} */ ('no')); return 'accepted'; } catch (e) { return e.message; } });
  assert.equal(refused, 'lens.setShortcuts: on must be true or false, got string');
  await page.evaluate(() => window.lens.setShortcuts(true));
  await key(page, '2');
  assert.equal(await page.evaluate(() => window.lens.state().tab), 'neuron');
  assert.deepEqual(errors, []);
  await context.close();
});
