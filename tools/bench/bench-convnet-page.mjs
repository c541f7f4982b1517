// The PyTorch MNIST example (tests/onnx/pytorch-mnist-example.onnx: 1.2 M weights, about 12 M
// multiply-adds a digit) in the page, in headless chromium: when its statistics, its channels'
// maximization images (each conv layer), the explanations and its dense layers' images are done
// (lens.perf, ms from the analysis' start), and, while the dense layers are still being
// maximized, frames per second as a person draws on Explore (real pointer events, one move every
// 8 ms for 3 s) with the C++ compute per stroke (lens.perf().strokeMs). Figures only.
//   node tools/bench/bench-convnet-page.mjs [--size WxH] [--wait-all]
// --wait-all also waits (up to 15 minutes) for the dense layers' images.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, openPage, waitReady, drawCirclesFor } from '../../tests/browser/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const sizeAt = args.indexOf('--size');
const [width, height] = (sizeAt >= 0 ? args[sizeAt + 1] : '1280x800').split('x').map(Number);
const waitAll = args.includes('--wait-all');
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

const server = await startServer();
const browser = await launchBrowser();
try {
  const { page, context } = await openPage(browser, server.url + '#help=0', { skipHelp: true, viewport: { width, height } });
  await waitReady(page);
  const data = readFileSync(path.join(root, 'tests/onnx/pytorch-mnist-example.onnx')).toString('base64');
  await page.evaluate(async (data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    // the normalization it was trained with, given: the search over frames is convnet.test's
    await window.lens.selectModel(window.lens.loadBundle(bytes, { name: 'PyTorch example', normalize: [0.1307, 0.3081] }));
    window.lens.setTab('explore');
  }, data);
  await page.waitForFunction(() => window.lens.perf().explainedWallMs >= 0, null, { timeout: 600000, polling: 250 });
  const p = await page.evaluate(() => window.lens.perf());
  const { units, shapes } = await page.evaluate(() => window.lens.models().find((m) => m.id === window.lens.model()));
  const lastConv = shapes.map((x) => x.length === 3).lastIndexOf(true);
  const s = (ms) => (ms < 0 ? 'not yet' : `${(ms / 1000).toFixed(2)} s`);
  console.log(`statistics on the 10,000 test digits ${s(p.statsWallMs)}`);
  p.layersMaximizedWallMs.forEach((ms, l) => console.log(`layer ${l} (${units[l]} units): images ${s(ms)}`));
  const convDone = Math.max(...p.layersMaximizedWallMs.slice(0, lastConv + 1));  // in layer order, after the statistics
  console.log(`the channels' images (layers 0 to ${lastConv}) took ${s(convDone - p.statsWallMs)} after the statistics`);
  console.log(`explained ${s(p.explainedWallMs)} after the analysis started (load ${load()})`);

  const strokeMs = [], frameMs = [];
  const fps = await drawCirclesFor(page, 3000, 4, (p) => { strokeMs.push(p.strokeMs); frameMs.push(p.frameMs); });
  const q = (v, at) => [...v].sort((x, y) => x - y)[Math.min(v.length - 1, Math.floor(v.length * at))] || 0;
  const late = await page.evaluate(() => !window.lens.state().analysisDone);
  console.log(`drawing on Explore${late ? ' while the dense layers are maximized' : ''}: ${fps.toFixed(1)} frames/s;` +
    ` stroke compute ${q(strokeMs, 0.5).toFixed(2)} ms median, ${q(strokeMs, 0.95).toFixed(2)} ms p95;` +
    ` frame ${q(frameMs, 0.5).toFixed(1)} ms median (load ${load()})`);
  if (waitAll) {
    await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 900000, polling: 1000 });
    const d = await page.evaluate(() => window.lens.perf());
    d.layersMaximizedWallMs.forEach((ms, l) => console.log(`layer ${l} (${units[l]} units): images ${s(ms)}`));
    console.log(`all done ${s(d.analysisWallMs)} (load ${load()})`);
  }
  await context.close();
} finally {
  await browser.close();
  server.stop();
}
