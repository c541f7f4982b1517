// The served page loads in a real browser, reports ready and logs no errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, waitReady, framesDrawn } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

test('page loads, reports ready, no console errors', async () => {
  const { page, errors, context } = await openPage(browser, server.url);
  await waitReady(page);
  const models = await page.evaluate(() => window.lens.models());
  assert.deepEqual(models.map((m) => m.id), ['xor', 'mlp6-dead', 'mlp6', 'mlp32', 'mlp128', 'mlp2x64', 'cnn']);
  assert.deepEqual(models.find((m) => m.id === 'cnn').shapes, [[8, 24, 24], [16, 8, 8], [10]], 'a convnet\'s layers as channel maps');
  const mlp128 = models.find((m) => m.id === 'mlp128');
  assert.deepEqual(mlp128.layers, [784, 128, 10]);
  assert.ok(mlp128.accuracy >= 0.98, `mlp128 accuracy ${mlp128.accuracy}`);
  assert.equal(await page.evaluate(() => window.lens.model()), 'mlp32', 'the default model');
  await page.evaluate(() => window.lens.selectModel('mlp6-dead'));
  assert.equal(await page.evaluate(() => window.lens.model()), 'mlp6-dead');
  const overlayHidden = await page.evaluate(() => document.getElementById('overlay').classList.contains('hidden'));
  assert.ok(overlayHidden, 'the loading overlay is gone once ready');
  await framesDrawn(page, 5);  // a few more frames, with the other model
  assert.deepEqual(errors, []);
  await context.close();
});

test('an unknown model id rejects and changes nothing', async () => {
  const { page, errors, context } = await openPage(browser, server.url);
  await waitReady(page);
  const before = await page.evaluate(() => window.lens.model());
  const message = await page.evaluate(() => window.lens.selectModel('no-such-model').then(() => null, (e) => e.message));
  assert.match(message ?? '', /unknown model id "no-such-model"/);
  assert.equal(await page.evaluate(() => window.lens.model()), before);
  // @ts-expect-error: a number, on purpose
  const typeMessage = await page.evaluate(() => window.lens.selectModel(42).then(() => null, (e) => e.message));
  assert.match(typeMessage ?? '', /must be a string/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('without WebGL2 the page explains instead of staying blank', async () => {
  const { page, context } = await openPage(browser, 'about:blank');
  await page.addInitScript(() => {
    const orig = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
      return kind === 'webgl2' ? null : orig.call(this, kind, ...rest);
    };
  });
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelector('#card.error'), null, { timeout: 10000 });
  const text = await page.textContent('#card');
  assert.match(text, /WebGL2 is not available/);
  await context.close();
});
