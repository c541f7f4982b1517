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

test('the Train tab by real clicks: "Kill the neurons" starts alive at lesson pace, and at least 4 of 6 die one after another, marked on the curves', { timeout: 300000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#tab=train&help=0', { skipHelp: true });
  await waitReady(page);
  const presets = await page.evaluate(() => window.lens.trainPresets());
  assert.deepEqual(Object.keys(presets).sort(), ['convnet', 'healthy', 'kill']);
  await clickItem(page, 'Kill the neurons');
  await clickItem(page, 'Train');
  // The preset trains at lesson pace, its six neurons alive at the start.
  await page.waitForFunction(() => { const t = window.lens.trainingState(); return t.status === 'running' && t.curve.length >= 1; }, null, { timeout: 60000 });
  let st = await page.evaluate(() => window.lens.trainingState());
  for (const key of ['layers', 'activation', 'bias_init', 'optimizer', 'lr', 'batch', 'epochs', 'seed']) {
    const [got, want] = [st.recipe[key], presets.kill[key]];  // the form keeps numbers as 32-bit floats
    if (typeof want === 'number') assert.ok(Math.abs(got - want) <= 1e-6 * Math.abs(want), `the preset's ${key}: ${got} vs ${want}`);
    else assert.deepEqual(got, want, `the preset's ${key}`);
  }
  assert.equal(st.speed, 300, 'lesson pace');
  assert.deepEqual(st.dead, [[]], 'none dead at the start');
  // At a pace the samples follow the clock: never more than the pace allows since the run began.
  const t0 = Date.now();
  const s0 = st.samples;
  await page.waitForFunction((n) => window.lens.trainingState().samples >= n + 320, s0, { timeout: 60000 });
  const paced = await page.evaluate(() => window.lens.trainingState().samples);
  assert.ok(paced - s0 <= 300 * (Date.now() - t0 + 300) / 1000 + 2 * st.recipe.batch, `${paced - s0} samples in ${Date.now() - t0} ms at 300 a second`);
  // Full speed for the rest (the pace is a control of the page, for any run).
  assert.equal(await page.evaluate(() => window.lens.trainSpeed('full')), null);
  await page.waitForFunction(() => window.lens.trainingState().status === 'done', null, { timeout: 240000 });
  st = await page.evaluate(() => window.lens.trainingState());
  assert.deepEqual(st.recipe.layers, [784, 6, 10]);
  const dead = st.dead[0].length;
  assert.ok(dead >= 4, `${dead} of 6 dead`);
  const died = st.diedAt[0].filter((at) => at !== null);
  for (const at of died) assert.ok(at > 0 && at <= st.epochs, `died at epoch ${at}`);
  assert.ok(Math.max(...died) - Math.min(...died) >= 0.2, `deaths spread over ${Math.max(...died) - Math.min(...died)} epochs: ${died}`);
  // Each death is marked on the curves, at its epoch.
  const box = await page.evaluate(() => window.lens._test.itemRect('learning curves'));
  for (const u of st.dead[0]) {
    const mark = await page.evaluate((l) => window.lens._test.itemRect(l), `death mark 0.${u}`);
    assert.ok(mark, `a mark for neuron ${u}`);
    const x = box.x + box.width * st.diedAt[0][u] / st.epochs;
    assert.ok(Math.abs(mark.x + mark.width / 2 - x) <= 1.5, `neuron ${u}'s mark at ${mark.x + mark.width / 2}, its epoch at ${x}`);
    assert.ok(mark.y >= box.y && mark.y + mark.height <= box.y + box.height + 0.5, 'inside the curves');
  }
  // The Download button saves the model as a .lens bundle.
  const [download] = await Promise.all([page.waitForEvent('download'), clickItem(page, 'Download .lens')]);
  assert.equal(download.suggestedFilename(), `${st.model}.lens`);
  const saved = readFileSync(await download.path());
  assert.equal(saved.subarray(0, 5).toString('latin1'), '\x89LENS');
  // The page's own analysis of the finished model agrees.
  await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 60000 });
  assert.deepEqual((await page.evaluate(() => window.lens.state())).dead[0], st.dead[0]);
  // Bad speeds are refused with the limits, and change nothing.
  const msg = await page.evaluate(() => { try { window.lens.trainSpeed(5); return 'no error'; } catch (e) { return e.message; } });
  assert.match(msg, /^lens\.trainSpeed: speed must be "lesson" \(300 samples a second\), "full" or a number of samples a second from 10 to 1,000,000 \(got 5\)$/);
  assert.equal(await page.evaluate(() => window.lens.trainingState().speed), null);
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
