// Frames per second while a person draws (real pointer events, one move every 8 ms for
// 3 s) in headless chromium with software WebGL (SwiftShader), on mlp128. Figures only.
//   node tools/bench/bench-draw-fps.mjs
import { startServer, launchBrowser, openPage, waitReady } from '../../tests/browser/harness.mjs';

const server = await startServer();
const browser = await launchBrowser();
try {
  for (const hash of ['#model=mlp128&help=0', '#model=mlp32&tab=train&help=0']) {
    const { page, context } = await openPage(browser, server.url + hash, { skipHelp: true });
    await waitReady(page);
    await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 120000 });
    if (hash.includes('train')) await page.evaluate(() => window.lens.setTab('explore'));
    const r = await page.evaluate(() => window.lens.canvasRect());
    await page.mouse.move(r.x + r.width * 0.3, r.y + r.height * 0.3);
    await page.mouse.down();
    const f0 = (await page.evaluate(() => window.lens.perf())).frame, t0 = Date.now();
    for (let i = 0; Date.now() - t0 < 3000; i++) {
      const a = i / 40;
      await page.mouse.move(r.x + r.width * (0.5 + 0.3 * Math.cos(a)), r.y + r.height * (0.5 + 0.3 * Math.sin(a)));
      await page.waitForTimeout(8);
    }
    const f1 = (await page.evaluate(() => window.lens.perf())).frame, t1 = Date.now();
    await page.mouse.up();
    console.log(`${hash}: ${((f1 - f0) / ((t1 - t0) / 1000)).toFixed(1)} frames/s while drawing`);
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}
