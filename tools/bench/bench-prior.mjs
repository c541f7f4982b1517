// The digit-prior images in the page: how long the page takes to compute those of every unit of
// a layer from scratch (what it does when the layer is first shown), for mlp128's 128 hidden
// neurons and each model's output classes, and how long the decoder's fetch and check take.
// Figures only (the load average is printed with them: the machine is often shared).
//   node tools/bench/bench-prior.mjs [REPEATS=3]
import { execFileSync } from 'node:child_process';
import { startServer, launchBrowser, openPage, waitReady } from '../../tests/browser/harness.mjs';

const repeats = Number(process.argv[2] || 3);
const server = await startServer();
const browser = await launchBrowser();
try {
  const { page, context } = await openPage(browser, server.url + '#model=mlp128&tab=network', { skipHelp: true });
  await waitReady(page);
  const fetchMs = await page.evaluate(async () => { const t0 = performance.now(); await window.lens.actmax(0, 0, { prior: 'digit' }); return performance.now() - t0; });
  console.log(`fetch + check the decoder + one neuron's image: ${fetchMs.toFixed(0)} ms`);
  for (const [model, layer, what] of [['mlp128', 0, '128 hidden neurons'], ['mlp128', 1, '10 classes'], ['mlp2x64', 1, '64 neurons of the second hidden layer']]) {
    await page.evaluate((m) => window.lens.selectModel(m), model);
    const times = [];
    for (let r = 0; r < repeats; r++) times.push(await page.evaluate(async (l) => (await window.lens._test.bench.priorLayer(l)).ms, layer));
    times.sort((a, b) => a - b);
    console.log(`${model}: digit-prior images of ${what}: median ${times[Math.floor(times.length / 2)].toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);
  }
  console.log(execFileSync('uptime').toString().trim());
  await context.close();
} finally {
  await browser.close();
  server.stop();
}
