// What one inference costs through the page's state API: lens.setInput(x) then
// lens.state().probs, per sample, on mlp128 over 100 test digits (median and p95 over 200
// groups of calls), beside lens.predict(x) when the page has it. For issue 14's before/after:
//   node tools/bench/peers/bench-setinput.mjs [SITE_DIR]   (default build/web/site)
import { chromium } from 'playwright-core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchServer } from './serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const site = path.resolve(process.argv[2] || path.join(root, 'build/web/site'));
const server = await startBenchServer({ site });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--no-first-run', '--disable-background-networking'] });
try {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript(() => { try { localStorage.setItem('mnist-lens-visited', '1'); } catch (e) {} });
  await page.goto(server.url + '#model=mlp128&help=0');
  await page.waitForFunction(() => window.lens && window.lens.ready, null, { timeout: 60000 });
  await page.evaluate(() => window.lens.ready);
  await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 180000, polling: 500 });
  const r = await page.evaluate(async () => {
    const { B, setup } = await import('/bench/page-bench.mjs');
    await setup({ tfjs: false, ort: false });
    const xs = B.checkImages.map((x) => Array.from(x));  // what an embedder had to pass before: Arrays
    const time = (f, groups = 500) => {
      let sink = 0, i = 0;
      const run = (g) => { for (let j = 0; j < g; j++) sink += f(xs[i++ % xs.length]); };
      run(100);
      let t0 = performance.now();
      run(20);
      const g = Math.max(1, Math.ceil(0.2 / ((performance.now() - t0) / 20)));
      const per = [];
      for (let k = 0; k < groups; k++) { t0 = performance.now(); run(g); per.push((performance.now() - t0) / g * 1000); }
      per.sort((a, b) => a - b);
      return { medianUs: per[groups >> 1], p95Us: per[Math.floor(groups * 0.95)], calls: g * groups, sink };
    };
    const L = window.lens;
    return { setInputState: time((x) => { L.setInput(x); return L.state().probs[0]; }),
             predict: L.predict ? time((x) => L.predict(x)[0]) : null };
  });
  const f = (t) => (t ? `median ${t.medianUs.toFixed(1)} us, p95 ${t.p95Us.toFixed(1)} us (${t.calls} calls)` : 'n/a (no lens.predict)');
  console.log(`site ${site}; load ${(await import('node:os')).loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  console.log(`setInput + state().probs per sample: ${f(r.setInputState)}`);
  console.log(`lens.predict per sample:             ${f(r.predict)}`);
} finally {
  await browser.close();
  server.close();
}
