// In-page training speed: lens.train in headless chromium (single-threaded wasm, the
// page's per-frame slices) beside lens-train natively, same recipe, same data.
//   node tools/bench/bench-train-page.mjs [EPOCHS=1]
// Prints a table; figures only, never a pass/fail.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, openPage, waitReady } from '../../tests/browser/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mnist = process.env.LENS_MNIST_DIR || path.resolve(root, '../shared/data/mnist');
const epochs = Number(process.argv[2] || 1);
const recipes = [
  { name: '784-128-10 Adam, batch 64', recipe: { dataset: 'mnist-subset', layers: [784, 128, 10], optimizer: 'adam', lr: 0.001, batch: 64, epochs, seed: 1, validation: 2000 } },
  { name: '784-32-10 Adam, batch 32', recipe: { dataset: 'mnist-subset', layers: [784, 32, 10], optimizer: 'adam', lr: 0.003, batch: 32, epochs, seed: 1, validation: 2000 } },
];

const server = await startServer();
const browser = await launchBrowser();
const rows = [];
try {
  const { page } = await openPage(browser, server.url + '#help=0', { skipHelp: true });
  await waitReady(page);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-train-'));
  for (const { name, recipe } of recipes) {
    const t0 = Date.now();
    const f0 = (await page.evaluate(() => window.lens.perf())).frame;
    const training = page.evaluate((rec) => window.lens.train(rec), recipe);
    // Frame times while it trains (lens.perf(): the last frame's total), polled between frames.
    let finished = false;
    training.then(() => { finished = true; }, () => { finished = true; });
    const frameMs = [];
    while (!finished) {
      const p = await page.evaluate(() => window.lens.perf());
      if (p.frameMs > 0) frameMs.push(p.frameMs);
      await new Promise((res) => setTimeout(res, 25));
    }
    const r = await training;
    const wall = (Date.now() - t0) / 1000;
    const frames = (await page.evaluate(() => window.lens.perf())).frame - f0;
    frameMs.sort((a, b) => a - b);
    const q = (x) => frameMs.length ? frameMs[Math.min(frameMs.length - 1, Math.floor(x * frameMs.length))] : NaN;
    // The last epoch alone: after the browser's optimizing compiler has taken over the wasm.
    const curve = await page.evaluate(() => window.lens.trainingState().curve);
    const end = curve.at(-1), start = curve.findLast((p) => p.epoch <= end.epoch - 1 + 1e-6) || curve[0];
    const last = (end.samples - start.samples) / ((end.computeMs - start.computeMs) / 1000);
    const file = path.join(tmp, 'recipe.json');
    writeFileSync(file, JSON.stringify(recipe));
    const log = execFileSync(path.join(root, 'build/native/tools/lens-train'),
      ['--recipe', file, '--data', mnist, '--threads', '1', '--quiet', '--out', path.join(tmp, 'm.lens')]).toString();
    const native = [...log.matchAll(/ (\d+) samples\/s/g)].map((m) => Number(m[1]));
    const nativeAcc = Number(/test: .*accuracy ([\d.]+)%/.exec(log)[1]);
    rows.push({ name, page: r.samplesPerSecond, last, wall, fps: frames / wall, fmed: q(0.5), f95: q(0.95), pageAcc: 100 * r.testAccuracy, native: native.reduce((a, b) => a + b, 0) / native.length, nativeAcc });
  }
} finally {
  await browser.close();
  server.stop();
}
console.log(`| recipe (${epochs} epoch${epochs > 1 ? 's' : ''}, 18,000 images) | page, samples/s (whole run) | page, last epoch | page wall time | frames/s, frame ms median / p95 | page test acc. | lens-train native, samples/s | native test acc. |`);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows)
  console.log(`| ${r.name} | ${Math.round(r.page).toLocaleString('en')} | ${Math.round(r.last).toLocaleString('en')} | ${r.wall.toFixed(1)} s | ${r.fps.toFixed(0)}, ${r.fmed.toFixed(1)} / ${r.f95.toFixed(1)} | ${r.pageAcc.toFixed(2)}% | ${Math.round(r.native).toLocaleString('en')} | ${r.nativeAcc.toFixed(2)}% |`);
console.log(`load average: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
