// Frames per second while a person draws (real pointer events, one move every 8 ms for
// 3 s) in headless chromium with software WebGL (SwiftShader), on the Explore tab. Also the
// page's own figures for the last frame (lens.perf: frame and render call ms). Figures only.
//   node tools/bench/bench-draw-fps.mjs [--size WxH] [--dpr N] [--runs N] [MODEL...]
// Defaults: 1280x800, dpr 1, one run, mlp128 mlp32 mlp6.
import { loadavg } from 'node:os';
import { startServer, launchBrowser, openPage, waitReady, drawCirclesFor } from '../../tests/browser/harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const [width, height] = option('--size', '1280x800').split('x').map(Number);
const dpr = Number(option('--dpr', '1'));
const runs = Number(option('--runs', '1'));
if (!(width > 0 && height > 0 && dpr > 0 && runs > 0)) throw new Error('usage: bench-draw-fps.mjs [--size WxH] [--dpr N] [--runs N] [MODEL...]');
const models = args.length ? args : ['mlp128', 'mlp32', 'mlp6'];

const server = await startServer();
const browser = await launchBrowser();
try {
  for (let run = 0; run < runs; ++run)
  for (const model of models) {
    const { page, context } = await openPage(browser, server.url + `#model=${model}&help=0`,
      { skipHelp: true, viewport: { width, height }, deviceScaleFactor: dpr });
    await waitReady(page);
    await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 120000 });
    const frameMs = [], renderMs = [];
    const fps = await drawCirclesFor(page, 3000, 8, (p) => { frameMs.push(p.frameMs); renderMs.push(p.renderMs); });
    const median = (v) => v.sort((x, y) => x - y)[Math.floor(v.length / 2)] || 0;
    console.log(`${model} ${width}x${height}@${dpr}: ${fps.toFixed(1)} frames/s while drawing` +
      ` (frame ${median(frameMs).toFixed(1)} ms, render call ${median(renderMs).toFixed(1)} ms median;` +
      ` load ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}
