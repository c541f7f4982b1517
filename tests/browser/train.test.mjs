// Training in the page: through real clicks where a person would click, and through
// lens.train. The healthy recipe learns, "kill the neurons" kills them, XOR from its
// lesson seed gets all four corners, drawing keeps working while a model trains, and
// the trained model downloads as a bundle lens-report reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, openPage, waitReady, clickItem } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mnist = process.env.LENS_MNIST_DIR || path.resolve(root, '../shared/data/mnist');
let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const one = []; for (let i = 0; i <= 12; i++) one.push([0.5, 0.15 + 0.7 * i / 12]);
const loop = []; for (let i = 0; i <= 40; i++) { const t = 2 * Math.PI * i / 40; loop.push([0.5 + 0.22 * Math.sin(t), 0.5 - 0.32 * Math.cos(t)]); }


test('lens.train: 784-32-10 for 2 epochs on the shipped subset reaches 92% on the test set; drawing works meanwhile', { timeout: 300000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#help=0', { skipHelp: true });
  await waitReady(page);
  const models = await page.evaluate(() => window.lens.models().length);
  const done = page.evaluate(() => window.lens.train({ dataset: 'mnist', layers: [784, 32, 10], lr: 0.003, batch: 32, epochs: 2, seed: 1, validation: 2000 }));
  // While it trains, a drawn digit is answered by the network as it is now, and changes as it learns.
  await page.waitForFunction(() => window.lens.trainingState().status === 'running', null, { timeout: 60000 });
  const early = await page.evaluate((s) => { window.lens.clear(); window.lens.drawStroke(s); return window.lens.state(); }, loop);
  assert.equal(early.model, 'trained-1');
  await page.waitForFunction(() => window.lens.trainingState().epoch > 1, null, { timeout: 120000 });
  const later = await page.evaluate(() => window.lens.state());
  assert.notDeepEqual(later.probs, early.probs, 'the prediction of the drawn digit moves as the network learns');
  const r = await done;
  assert.equal(r.id, 'trained-1');
  assert.equal(r.epochs, 2);
  assert.ok(r.testAccuracy >= 0.92, `test accuracy ${r.testAccuracy}`);
  console.log(`in-page training 784-32-10, 2 epochs: test accuracy ${(100 * r.testAccuracy).toFixed(2)}%, ${Math.round(r.samplesPerSecond)} samples/s`);
  const st = await page.evaluate(() => window.lens.trainingState());
  assert.ok(st.curve.length >= 20, `${st.curve.length} curve points`);
  assert.ok(st.curve.at(-1).valAccuracy > 0.9);
  const ms = await page.evaluate(() => window.lens.models());
  assert.equal(ms.length, models + 1, 'the trained model joins the picker');
  assert.equal(ms.at(-1).accuracy, r.testAccuracy);
  // The same recipe and seed through lens-train trains the same weights (core/numerics/gemm.h: one
  // summation order natively and in wasm), so it prints the page's accuracy to the last digit.
  const out = mkdtempSync(path.join(os.tmpdir(), 'lens-train-'));
  const recipe = path.join(out, 'recipe.json');
  writeFileSync(recipe, JSON.stringify(st.recipe));
  const log = execFileSync(path.join(root, 'build/native/tools/lens-train'), ['--recipe', recipe, '--data', mnist, '--quiet', '--out', path.join(out, 'm.lens')]).toString();
  const native = Number(/test: .*accuracy ([\d.]+)%/.exec(log)[1]) / 100;
  assert.ok(Math.abs(native - r.testAccuracy) < 5e-5, `lens-train ${native} vs page ${r.testAccuracy}`);
  // The model downloads as a bundle with its recipe and seed, and lens-report reads it.
  const bytes = Buffer.from(await page.evaluate(() => Array.from(window.lens.modelBundle())));
  writeFileSync(path.join(out, 'trained.lens'), bytes);
  execFileSync(path.join(root, 'build/native/tools/lens-report'), ['--quiet', '--model', path.join(out, 'trained.lens'), '--data', mnist, '--out', path.join(out, 'report')]);
  const md = readFileSync(path.join(out, 'report/README.md'), 'utf8');
  assert.match(md, /\| `dataset` \| mnist-subset \|/);
  assert.match(md, /\| `seed` \| 1 \|/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Train tab by real clicks: "Kill the neurons" ends with at least 4 of 6 neurons dead', { timeout: 300000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#tab=train&help=0', { skipHelp: true });
  await waitReady(page);
  await clickItem(page, 'Kill the neurons');
  await clickItem(page, 'Train');
  await page.waitForFunction(() => window.lens.trainingState().status === 'done', null, { timeout: 240000 });
  const st = await page.evaluate(() => window.lens.trainingState());
  assert.deepEqual(st.recipe.layers, [784, 6, 10]);
  assert.equal(st.recipe.bias_init, -2);
  const dead = st.dead[0].length;
  assert.ok(dead >= 4, `${dead} of 6 dead`);
  for (const at of st.diedAt[0]) if (at !== null) assert.ok(at >= 0 && at <= 5);
  // The Download button saves the model as a .lens bundle.
  const [download] = await Promise.all([page.waitForEvent('download'), clickItem(page, 'Download .lens')]);
  assert.equal(download.suggestedFilename(), `${st.model}.lens`);
  const saved = readFileSync(await download.path());
  assert.equal(saved.subarray(0, 5).toString('latin1'), '\x89LENS');
  // The page's own analysis of the finished model agrees.
  await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 60000 });
  assert.ok((await page.evaluate(() => window.lens.state())).dead[0].length >= 4);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the XOR lesson: training from the lesson seed gets 4 of 4 corners within 100 epochs; a new seed starts over', { timeout: 180000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=xor&help=0', { skipHelp: true });
  await waitReady(page);
  await clickItem(page, 'Train');
  // It trains a few mini-batches a frame (a number, not a time: app_training.cpp), so the lesson
  // can be watched: still running after its first epochs, however fast the machine.
  await page.waitForFunction(() => window.lens.trainingState().epoch > 1, null, { timeout: 60000 });
  assert.equal(await page.evaluate(() => window.lens.trainingState().status), 'running');
  await page.waitForFunction(() => window.lens.trainingState().status === 'done', null, { timeout: 150000 });
  let st = await page.evaluate(() => window.lens.trainingState());
  assert.equal(st.recipe.dataset, 'xor');
  assert.equal(st.epochs, 100);
  assert.equal(st.testAccuracy, 1, '4 of 4 corners');
  const s = await page.evaluate(() => window.lens.state());
  assert.equal(s.model, st.model);
  await clickItem(page, 'New seed');
  st = await page.evaluate(() => window.lens.trainingState());
  assert.equal(st.recipe.seed, 3);
  assert.ok(st.epoch < 100);
  assert.deepEqual(errors, []);
  await context.close();
});

test('bad recipes are refused with a message and change nothing', { timeout: 60000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#help=0', { skipHelp: true });
  await waitReady(page);
  const before = await page.evaluate(() => [window.lens.models().length, window.lens.model()]);
  const msgs = await page.evaluate(() => Promise.all(/** @type {any[]} */ ([
    { layers: [784, 999, 10] }, { layers: [784, 8, 10], epochs: 0 }, { layers: [784, 8, 10], lr: 'fast' }, { dataset: 'cifar' },
    { layers: [784, 8, 10], colour: 3 }, 'not a recipe', null,
  ]).map((r) => window.lens.train(r).then(() => 'no error', (e) => e.message))));
  assert.match(msgs[0], /2 to 256 neurons/);
  assert.match(msgs[1], /"epochs" must be an integer from 1 to 50 in the page \(got 0\)/, 'the page\'s limits, not lens-train\'s');
  assert.match(msgs[2], /"lr"/);
  assert.match(msgs[3], /unknown dataset "cifar"/);
  assert.match(msgs[4], /unknown key "colour"/);
  assert.match(msgs[5], /expected a recipe object/);
  assert.match(msgs[6], /expected a recipe object/);
  assert.deepEqual(await page.evaluate(() => [window.lens.models().length, window.lens.model()]), before);
  // A run that diverges stops, says so, and leaves no model: nothing to explore or download.
  const diverged = await page.evaluate(() => window.lens.train({ dataset: 'xor', layers: [2, 2, 1], head: 'sigmoid',
    activation: 'tanh', optimizer: 'sgd', lr: 100, l2: 10, batch: 16, epochs: 5, validation: 0 }).then(() => 'no error', (e) => e.message));
  assert.match(diverged, /^lens\.train: training diverged at epoch 1, step \d+: .*; try a smaller learning rate$/);
  const st = await page.evaluate(() => window.lens.trainingState());
  assert.equal(st.status, 'diverged');
  assert.equal(st.model, null);
  assert.equal(`lens.train: ${st.error}`, diverged);
  assert.deepEqual(await page.evaluate(() => [window.lens.models().length, window.lens.model()]), before);
  const shown = await page.evaluate(() => window.lens._test.shownText());
  assert.doesNotMatch(JSON.stringify(shown), /\bnan\b|\binf\b/i, 'no NaN or infinity shown as a number');
  assert.deepEqual(errors, []);
  await context.close();
});

// lens.train never hangs: a paused training keeps it waiting until it is stopped, and a training
// started over it makes it reject.
test('lens.train settles: stopping a paused training resolves it; a newer training rejects the older one', { timeout: 60000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=xor&help=0', { skipHelp: true });
  await waitReady(page);
  const xor = { dataset: 'xor', layers: [2, 2, 1], activation: 'tanh', head: 'sigmoid', init: 'xavier', optimizer: 'adam',
                lr: 0.05, batch: 16, epochs: 100, seed: 2, validation: 0 };
  const stopped = await page.evaluate(async (recipe) => {
    const done = window.lens.train(recipe);
    window.lens.pauseTraining();
    const paused = window.lens.trainingState().status;
    window.lens.stopTraining();
    return { paused, result: await done };
  }, xor);
  assert.equal(stopped.paused, 'paused');
  assert.ok(stopped.result.epochs < 100, `stopped at epoch ${stopped.result.epochs}`);
  assert.equal(stopped.result.id, await page.evaluate(() => window.lens.model()));
  const overtaken = await page.evaluate(async (recipe) => {
    const first = window.lens.train(recipe).then(() => 'resolved', (e) => e.message);
    const second = window.lens.train({ ...recipe, seed: 3 });
    window.lens.stopTraining();
    return [await first, (await second).epochs < 100];
  }, xor);
  assert.match(overtaken[0], /lens\.train: another training started before this one ended/);
  assert.equal(overtaken[1], true);
  assert.deepEqual(errors, []);
  await context.close();
});
