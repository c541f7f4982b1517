// The Train tab's Convnet preset (cnn's layers: 8 then 16 filters of 5x5, pool 2, 256 -> 10) in
// the page, in headless chromium, at full speed: wall time and samples a second of each epoch of
// the 18,000 training digits, the validation accuracy at each curve point, the test accuracy at
// the end and how long measuring it took, and the frame times while it trains. Run for 1 and for
// 2 epochs (the cosine schedule makes a 1-epoch run its own run, not the first half of 2).
// Figures only.
//   node tools/bench/bench-convtrain-page.mjs [--epochs 1,2]
import { loadavg } from 'node:os';
import { startServer, launchBrowser, openPage, waitReady } from '../../tests/browser/harness.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--epochs');
const runs = (at >= 0 ? args[at + 1] : '1,2').split(',').map(Number);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

const server = await startServer();
const browser = await launchBrowser();
try {
  for (const epochs of runs) {
    const { page, context } = await openPage(browser, server.url + '#tab=train&help=0', { skipHelp: true });
    await waitReady(page);
    const recipe = { ...(await page.evaluate(() => window.lens.trainPresets().convnet)), epochs };
    const t0 = Date.now();
    const done = page.evaluate((r) => window.lens.train(r), recipe);
    // Frame times while it trains (lens.perf().frameMs, sampled each 200 ms) and when each epoch ended.
    const frames = [];
    const epochEnds = [];
    let measuredAt = 0;
    for (;;) {
      const [st, perf] = await page.evaluate(() => [window.lens.trainingState(), window.lens.perf()]);
      if (st.status === 'running' && st.epoch < epochs) frames.push(perf.frameMs);
      while (epochEnds.length < Math.floor(st.epoch + 1e-9) && epochEnds.length < epochs) epochEnds.push(Date.now() - t0);
      if (!measuredAt && st.epoch >= epochs) measuredAt = Date.now() - t0;
      if (st.status !== 'running' && st.status !== 'waiting for data') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const r = await done;
    const end = Date.now() - t0;
    const st = await page.evaluate(() => window.lens.trainingState());
    frames.sort((a, b) => a - b);
    const q = (p) => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))]?.toFixed(0);
    console.log(`convnet preset, ${epochs} epoch(s): test accuracy ${(100 * r.testAccuracy).toFixed(2)}%, ` +
      `${Math.round(r.samplesPerSecond)} samples/s of compute, wall ${(end / 1000).toFixed(1)} s ` +
      `(epochs ended at ${epochEnds.map((ms) => (ms / 1000).toFixed(1) + ' s').join(', ')}; test digits measured in ` +
      `${((end - measuredAt) / 1000).toFixed(1)} s); frame ms median ${q(0.5)}, p90 ${q(0.9)}, max ${q(1)} (load ${load()})`);
    console.log('  validation accuracy: ' + st.curve.filter((p, i) => i % 5 === 0 || i === st.curve.length - 1)
      .map((p) => `${p.epoch.toFixed(1)}: ${(100 * p.valAccuracy).toFixed(1)}%`).join(', '));
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}
