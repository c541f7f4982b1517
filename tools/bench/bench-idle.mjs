// What an idle page costs the visitor's machine: main-thread busy time over 10 s after
// the default model's analysis has finished (CDP Performance.getMetrics, TaskDuration),
// on a first visit without a hash and on a deep link. Figures only.
//   node tools/bench/bench-idle.mjs [SECONDS=10]
import { startServer, launchBrowser, openPage, waitReady } from '../../tests/browser/harness.mjs';

const seconds = Number(process.argv[2] || 10);
const server = await startServer();
const browser = await launchBrowser();
try {
  for (const [name, hash] of [['default view', '#help=0'], ['mlp128, Neuron tab', '#model=mlp128&tab=neuron&layer=0&neuron=3']]) {
    const { page, context } = await openPage(browser, server.url + hash, { skipHelp: true });
    await waitReady(page);
    await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 120000 });
    await page.waitForTimeout(1000);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const a = await metric();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const b = await metric();
    const busy = b.TaskDuration - a.TaskDuration, wall = b.Timestamp - a.Timestamp;
    console.log(`${name}: main thread busy ${(1000 * busy).toFixed(0)} ms of ${wall.toFixed(1)} s idle = ${(100 * busy / wall).toFixed(2)}%`);
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}
