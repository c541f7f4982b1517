// A convnet trains in the page: lens.train with a one-layer convnet for an epoch of the shipped
// subset reaches a sensible accuracy, the same as lens-train's from the recipe, and joins the
// picker as a convnet, analysed like cnn; the
// Train tab's Convnet preset starts by real clicks and stops with its test digits measured; a
// convnet beyond the page's limits is refused, naming the limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, openPage, waitReady, clickItem } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mnist = process.env.LENS_MNIST_DIR || path.resolve(root, '../shared/data/mnist');

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

// 4 filters of 5x5 then 2x2 pooling and 576 -> 10: about 63,000 multiply-adds a digit, a fifth of
// cnn's, so an epoch of the 18,000 training digits stays well inside the test's time on busy cores.
const small = {
  dataset: 'mnist', conv: [{ channels: 4, kernel: 5, pool: 2 }], layers: ['auto', 10], normalize: [0.1307, 0.3081],
  optimizer: 'adam', lr: 0.003, batch: 32, epochs: 1, seed: 1, validation: 2000,
};

test('lens.train: a 4-channel convnet for 1 epoch of the subset passes 90% on the test set, joins the picker and is analysed', { timeout: 180000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#tab=train&help=0', { skipHelp: true });
  await waitReady(page);
  const count = await page.evaluate(() => window.lens.models().length);
  const done = page.evaluate((r) => window.lens.train(r), small);
  // It goes on over frames: the epoch moves while the page keeps answering.
  await page.waitForFunction(() => window.lens.trainingState().epoch > 0.2, null, { timeout: 60000 });
  const mid = await page.evaluate(() => window.lens.trainingState());
  assert.equal(mid.status, 'running');
  assert.ok(mid.epoch < 1, `epoch ${mid.epoch}`);
  assert.deepEqual(mid.dead, [], 'a convnet\'s channels are judged by their cards, not timed');
  const r = await done;
  assert.equal(r.id, 'trained-1');
  console.log(`in-page convnet 4x5x5 pool 2, 1 epoch: test accuracy ${(100 * r.testAccuracy).toFixed(2)}%, ${Math.round(r.samplesPerSecond)} samples/s`);
  assert.ok(r.testAccuracy > 0.9, `test accuracy ${r.testAccuracy}`);
  const st = await page.evaluate(() => window.lens.trainingState());
  assert.equal(st.status, 'done');
  assert.ok(st.curve.length >= 10, `${st.curve.length} curve points`);
  assert.deepEqual(st.recipe.conv, small.conv);
  // lens-train trains the same weights from the recipe the page recorded (the page's wasm and the
  // native build sum in one order), so it prints the page's accuracy to the last digit.
  const out = mkdtempSync(path.join(os.tmpdir(), 'lens-convtrain-'));
  writeFileSync(path.join(out, 'recipe.json'), JSON.stringify(st.recipe));
  const log = execFileSync(path.join(root, 'build/native/tools/lens-train'), ['--recipe', path.join(out, 'recipe.json'), '--data', mnist, '--quiet', '--out', path.join(out, 'm.lens')]).toString();
  const native = Number(/test: .*accuracy ([\d.]+)%/.exec(log)[1]) / 100;
  assert.ok(Math.abs(native - r.testAccuracy) < 5e-5, `lens-train ${native} vs page ${r.testAccuracy}`);
  const models = await page.evaluate(() => window.lens.models());
  assert.equal(models.length, count + 1, 'the trained model joins the picker');
  const m = models.at(-1);
  assert.equal(m.id, 'trained-1');
  assert.equal(m.accuracy, r.testAccuracy);
  assert.deepEqual(m.shapes, [[4, 24, 24], [10]], 'its first layer is 4 channel maps');
  assert.deepEqual(m.units, [4, 10]);
  assert.equal(await page.evaluate(() => window.lens.model()), 'trained-1');
  // Analysed like cnn: its statistics and explanations on the whole test set.
  await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 120000 });
  const s = await page.evaluate(() => window.lens.state());
  assert.ok(s.statsReady);
  assert.equal(s.layers[0].length, 4 * 24 * 24);
  // Beyond the page's limits: refused with the limit, and nothing starts.
  const refused = await page.evaluate((r) => window.lens.train({ ...r, conv: [1, 2, 3].map(() => ({ channels: 4, kernel: 3, pad: 1 })) }).then(() => 'trained', (e) => e.message), small);
  assert.match(refused, /^lens\.train: recipe: the page trains convnets with at most 2 "conv" layers \(this one has 3\); lens-train takes more/);
  assert.equal(await page.evaluate(() => window.lens.trainingState().status), 'done');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Train tab by real clicks: the Convnet preset trains cnn\'s layers, and Stop keeps the model with its test accuracy', { timeout: 180000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#tab=train&help=0', { skipHelp: true });
  await waitReady(page);
  const presets = await page.evaluate(() => window.lens.trainPresets());
  assert.deepEqual(presets.convnet.layers, ['auto', 10]);
  await clickItem(page, 'Convnet');
  await clickItem(page, 'Train');
  await page.waitForFunction(() => { const t = window.lens.trainingState(); return t.status === 'running' && t.samples >= 640; }, null, { timeout: 60000 });
  const st = await page.evaluate(() => window.lens.trainingState());
  assert.deepEqual(st.recipe.conv.map((c) => [c.channels, c.kernel, c.pool]), [[8, 5, 2], [16, 5, 2]]);
  assert.deepEqual(st.recipe.layers, [256, 10]);
  assert.equal(st.speed, null, 'full speed');
  await clickItem(page, 'Stop');
  // The test digits are measured over the next frames (the status line says so); then it is
  // done, with its accuracy.
  await page.waitForFunction(() => window.lens._test.a11yNodes().some((n) => /^running: measuring the test digits, [\d,]+ of 10,000$/.test(n.name)), null, { timeout: 30000 });
  await page.waitForFunction(() => window.lens.trainingState().status === 'done', null, { timeout: 60000 });
  const end = await page.evaluate(() => window.lens.trainingState());
  assert.ok(end.testAccuracy > 0.3, `test accuracy ${end.testAccuracy} after ${end.samples} samples`);
  const m = (await page.evaluate(() => window.lens.models())).find((x) => x.id === end.model);
  assert.deepEqual(m.units, [8, 16, 10]);
  assert.equal(m.accuracy, end.testAccuracy);
  assert.deepEqual(errors, []);
  await context.close();
});
