// The page's JS API, real pointer drawing, URL deep links and agreement with the
// native library, in headless chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, openPage, waitReady, pointerStroke, animationFrames, framesDrawn, fingerStrokeDown } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

async function open(hash = '') {
  const { page, errors, context } = await openPage(browser, server.url + hash, { skipHelp: true });
  await waitReady(page);
  return { page, errors, context };
}

// Waits until the page's background analysis of the current model has finished.
async function analysed(page) {
  await page.waitForFunction(() => window.lens.state().analysis >= 1, null, { timeout: 60000 });
}

test('drawing with real pointer events: a vertical stroke is a 1, a closed loop is a 0 (mlp128)', async () => {
  const { page, errors, context } = await open('#model=mlp128&help=0');
  assert.equal(await page.evaluate(() => window.lens.model()), 'mlp128');
  const line = [];
  for (let i = 0; i <= 12; i++) line.push([0.5, 0.15 + 0.7 * i / 12]);
  await pointerStroke(page, line);
  let s = await page.evaluate(() => window.lens.state());
  assert.equal(s.predicted, 1, `vertical stroke predicted ${s.predicted}, probs ${s.probs.map((p) => p.toFixed(2))}`);
  assert.ok(s.input.some((v) => v > 0.5), 'the stroke reached the network input');

  await page.evaluate(() => window.lens.clear());
  const loop = [];
  for (let i = 0; i <= 40; i++) {
    const t = 2 * Math.PI * i / 40;
    loop.push([0.5 + 0.22 * Math.sin(t), 0.5 - 0.32 * Math.cos(t)]);
  }
  await pointerStroke(page, loop);
  s = await page.evaluate(() => window.lens.state());
  assert.equal(s.predicted, 0, `loop predicted ${s.predicted}, probs ${s.probs.map((p) => p.toFixed(2))}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('drawStroke goes through the same brush and preprocessing as a pointer stroke', async () => {
  const { page, context } = await open('#model=mlp128&help=0');
  const line = [];
  for (let i = 0; i <= 12; i++) line.push([0.45 + 0.1 * i / 12, 0.15 + 0.7 * i / 12]);
  await pointerStroke(page, line);
  const byPointer = await page.evaluate(() => window.lens.state());
  await page.evaluate((pts) => { window.lens.clear(); window.lens.drawStroke(pts); }, line);
  const byScript = await page.evaluate(() => window.lens.state());
  assert.equal(byScript.predicted, byPointer.predicted);
  // Pointer positions are whole CSS pixels, so the centring may round one pixel the other
  // way; the ink itself must agree.
  const ink = (s) => s.input.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(ink(byScript) - ink(byPointer)) < 0.05 * ink(byPointer), `ink ${ink(byScript)} vs ${ink(byPointer)}`);
  assert.ok(Math.abs(byScript.probs[byScript.predicted] - byPointer.probs[byPointer.predicted]) < 0.1);
  await context.close();
});

test('setInput with 100 MNIST test images gives the native library\'s predictions', async () => {
  const mnist = process.env.LENS_MNIST_DIR || path.resolve(root, '../shared/data/mnist');
  const images = gunzipSync(readFileSync(path.join(mnist, 't10k-images-idx3-ubyte.gz')));
  const native = JSON.parse(execFileSync(path.join(root, 'build/native/tools/lens-predict'),
    ['--model', path.join(root, 'assets/models/mlp128.lens'), '--data', mnist, '--count', '100']).toString());
  const { page, errors, context } = await open('#model=mlp128&help=0');
  const pixels = [];
  for (let i = 0; i < 100; i++) pixels.push(Array.from(images.subarray(16 + 784 * i, 16 + 784 * (i + 1)), (b) => b / 255));
  const page_pred = await page.evaluate((all) => all.map((x) => { window.lens.setInput(x); const s = window.lens.state(); return [s.predicted, s.probs[s.predicted]]; }), pixels);
  assert.deepEqual(page_pred.map((p) => p[0]), native.predicted);
  for (let i = 0; i < 100; i++) assert.ok(Math.abs(page_pred[i][1] - native.confidence[i]) < 1e-4, `image ${i}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('actmax returns 784 values in [0,1] for hidden neurons and output classes', async () => {
  const { page, context } = await open('#model=mlp32&help=0');
  const hidden = await page.evaluate(() => window.lens.actmax(0, 2));
  assert.equal(hidden.length, 784);
  assert.ok(hidden.every((v) => v >= 0 && v <= 1));
  assert.ok(hidden.some((v) => v > 0.5), 'the image has ink');
  const output = await page.evaluate(() => window.lens.actmax(1, 3));
  assert.equal(output.length, 784);
  assert.ok(output.every((v) => v >= 0 && v <= 1));
  await context.close();
});

test('a deep link opens the model, tab and neuron', async () => {
  const { page, errors, context } = await open('#model=mlp6-dead&tab=neuron&layer=0&neuron=1&help=0');
  const s = await page.evaluate(() => window.lens.state());
  assert.equal(s.model, 'mlp6-dead');
  assert.equal(s.tab, 'neuron');
  assert.deepEqual(s.selected, { layer: 0, neuron: 1 });
  await analysed(page);
  const dead = (await page.evaluate(() => window.lens.state())).dead[0];
  assert.ok(dead.length >= 4, `mlp6-dead reports dead neurons ${dead}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a bad link shows a message and opens the default view', async () => {
  const { page, errors, context } = await open('#model=nope&tab=neuron&help=0');
  const s = await page.evaluate(() => window.lens.state());
  assert.equal(s.model, 'mlp32', 'default model');
  assert.equal(s.tab, 'explore', 'default tab');
  assert.deepEqual(errors, []);
  await context.close();
});

test('bad API arguments throw (or reject, for calls that wait) and change nothing', async () => {
  const { page, errors, context } = await open('#model=mlp32&help=0');
  await page.evaluate(() => window.lens.drawStroke([[0.5, 0.2], [0.5, 0.8]]));
  // Everything but the background analysis' progress.
  const snapshot = () => page.evaluate(() => { const s = window.lens.state(); delete s.analysis; delete s.statsReady; delete s.analysisDone; delete s.dead; return JSON.stringify(s); });
  const before = await snapshot();
  const messages = await page.evaluate(async () => {
    const tryIt = (f) => { try { f(); return null; } catch (e) { return e.message; } };
    // Calls that can wait return a Promise: bad arguments reject it, never throw.
    const rejected = (f) => { try { return f().then(() => null, (e) => e.message); } catch (e) { return 'threw: ' + e.message; } };
    const L = window.lens;
    return {
      shortInput: tryIt(() => L.setInput([0.5, 0.5])),
      nanInput: tryIt(() => L.setInput(new Array(784).fill(NaN))),
      bigInput: tryIt(() => L.setInput(new Array(784).fill(2))),
      // @ts-expect-error: not an array, on purpose
      notArray: tryIt(() => L.setInput('hello')),
      strokeOut: tryIt(() => L.drawStroke([[0.5, 1.5]])),
      // @ts-expect-error: not a pair, on purpose
      strokeShape: tryIt(() => L.drawStroke([[0.5]])),
      strokeEmpty: tryIt(() => L.drawStroke([])),
      model: await rejected(() => L.selectModel('mlp9000')),
      modelNul: await rejected(() => L.selectModel('mlp6\u0000x')),
      // @ts-expect-error: not a tab, on purpose
      tab: tryIt(() => L.setTab('kitchen')),
      layer: tryIt(() => L.select(5, 0)),
      neuron: tryIt(() => L.select(0, 999)),
      // @ts-expect-error: a string, on purpose
      actmaxType: await rejected(() => L.actmax('0', 1)),
      actmaxRange: await rejected(() => L.actmax(0, -1)),
      actmaxOptions: await rejected(() => L.actmax(0, 1, { count: 0 })),
    };
  });
  for (const [k, m] of Object.entries(messages)) assert.ok(m && m.startsWith('lens.'), `${k}: ${m}`);
  assert.match(messages.shortInput, /expected 784 values, got 2/);
  assert.match(messages.nanInput, /not a finite number/);
  assert.match(messages.model, /unknown model id "mlp9000"/);
  assert.match(messages.modelNul, /^lens\.selectModel: id contains a NUL character \(U\+0000\) at position 4/);
  assert.match(messages.neuron, /neuron 999 does not exist/);
  assert.equal(await snapshot(), before, 'state unchanged');
  assert.deepEqual(errors, []);
  await context.close();
});

// Every call that waits settles: what it waits for is held back here (a request that never gets
// an answer), so the calls are surely pending when the model changes under them.
test('no promise hangs: a model switch rejects what waits for the old model, a newer pick rejects selectModel', async () => {
  const { page, errors, context } = await open('#model=mlp32&help=0');
  const held = [];
  for (const url of ['**/models/mlp128.stats', '**/models/digit-prior.lens', '**/models/mlp6.lens'])
    await page.route(url, (route) => { held.push(route); });
  await page.route('**/models/mlp2x64.lens', (route) => route.fulfill({ status: 404, body: '' }));
  const outcome = await page.evaluate(async () => {
    const L = window.lens;
    const settled = (p) => p.then((v) => 'resolved ' + (v && v.constructor.name), (e) => e.message);
    const image = settled(L.actmax(0, 1, { prior: 'digit' }));  // the prior never arrives
    await L.selectModel('mlp128');                              // its sidecar never arrives
    const waiting = [settled(L.explain(0, 1)), settled(L.figure('classes', { layer: 0, neuron: 1 })), settled(L.report())];
    await L.selectModel('mlp32');
    const picked = settled(L.selectModel('mlp6'));              // its bundle never arrives
    await L.selectModel('mlp32');
    return { image: await image, waiting: await Promise.all(waiting), picked: await picked,
             missing: await settled(L.selectModel('mlp2x64')), model: L.model() };
  });
  assert.match(outcome.image, /^lens\.actmax: the model changed to mlp128 before the image of mlp32 was ready/);
  assert.match(outcome.waiting[0], /^lens\.explain: the model changed to mlp32 before the analysis of mlp128 was ready/);
  assert.match(outcome.waiting[1], /^lens\.figure: the model changed to mlp32/);
  assert.match(outcome.waiting[2], /^lens\.report: the model changed to mlp32/);
  assert.match(outcome.picked, /^lens\.selectModel: another model \(mlp32\) was picked before mlp6 was loaded/);
  assert.match(outcome.missing, /^lens\.selectModel: mlp2x64 could not be loaded \(.*HTTP 404\)/);
  assert.equal(outcome.model, 'mlp32');
  assert.ok(held.length >= 2, 'the held requests were made');
  assert.deepEqual(errors.filter((e) => !/404/.test(e)), []);
  await context.close();
});

test('every model can be selected and analysed without errors', async () => {
  const { page, errors, context } = await open('#help=0');
  for (const m of await page.evaluate(() => window.lens.models())) {
    await page.evaluate((id) => window.lens.selectModel(id), m.id);
    await analysed(page);
    for (const tab of ['explore', 'neuron', 'outputs', 'network']) {
      await page.evaluate((t) => window.lens.setTab(t), tab);
      await framesDrawn(page, 2);  // the tab drawn with this model
    }
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('drawing with a finger (touch events) works like a mouse', async () => {
  const { page, context } = await openPage(browser, server.url + '#model=mlp128&help=0', { skipHelp: true, hasTouch: true });
  await waitReady(page);
  await fingerStrokeDown(page, context);
  const s = await page.evaluate(() => window.lens.state());
  assert.equal(s.predicted, 1, `touch stroke predicted ${s.predicted}`);
  await context.close();
});

test('the address bar follows the view, so it can be shared', async () => {
  const { page, context } = await open('#model=mlp32&help=0');
  await page.evaluate(async () => { await window.lens.selectModel('mlp6'); window.lens.select(0, 4); window.lens.setTab('neuron'); });
  await animationFrames(page, 2);  // the frame after the change writes the link (main.cpp sync_url_hash)
  assert.equal(await page.evaluate(() => location.hash), '#model=mlp6&tab=neuron&layer=0&neuron=4');
  await context.close();
});

test('a dropped bundle is validated: a good one is added and selected, a corrupt one is refused', async () => {
  const { page, errors, context } = await open('#model=mlp32&help=0');
  const good = Array.from(readFileSync(path.join(root, 'assets/models/mlp6.lens')));
  const id = await page.evaluate((b) => window.lens.loadBundle(new Uint8Array(b)), good);
  assert.equal(id, 'mlp6-2', 'a clashing id gets a suffix');
  assert.equal(await page.evaluate(() => window.lens.model()), 'mlp6-2');
  assert.equal((await page.evaluate(() => window.lens.models())).length, 8);
  const bad = good.slice(0, good.length - 100);
  const message = await page.evaluate((b) => { try { window.lens.loadBundle(new Uint8Array(b)); return null; } catch (e) { return e.message; } }, bad);
  assert.match(message ?? '', /truncated/);
  assert.equal(await page.evaluate(() => window.lens.model()), 'mlp6-2', 'nothing changed');
  assert.equal((await page.evaluate(() => window.lens.models())).length, 8);
  // A loaded model is not shipped, and can be removed: the page then shows a shipped model.
  const listed = await page.evaluate(() => window.lens.models());
  assert.deepEqual(listed.filter((m) => !m.shipped).map((m) => m.id), ['mlp6-2']);
  assert.equal(await page.evaluate(() => window.lens.unloadModel('mlp6-2')), 'mlp32');
  assert.equal(await page.evaluate(() => window.lens.model()), 'mlp32');
  assert.equal((await page.evaluate(() => window.lens.models())).length, 7);
  // The page's Remove button does the same for the model shown; a shipped model has none.
  await page.evaluate((b) => window.lens.loadBundle(new Uint8Array(b)), good);
  await framesDrawn(page, 2);
  const button = await page.evaluate(() => window.lens._test.itemRect('Remove model'));
  assert.ok(button, 'a Remove button beside a loaded model');
  await page.mouse.click(button.x + button.width / 2, button.y + button.height / 2);
  await page.waitForFunction(() => window.lens.model() === 'mlp32');
  assert.equal((await page.evaluate(() => window.lens.models())).length, 7);
  await framesDrawn(page, 2);
  assert.equal(await page.evaluate(() => window.lens._test.itemRect('Remove model')), null, 'no Remove button beside a shipped model');
  assert.deepEqual(errors, []);
  await context.close();
});
