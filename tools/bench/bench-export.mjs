// What export costs in the page (headless chromium, software WebGL): each lens.figure at
// scale 1 and 4 (median of 5 calls, from the call to the PNG bytes in JS), the whole view
// at 1x and 4x (one frame drawn twice, read back, encoded), and the report as Markdown and
// as a zip with its figures. Figures only.
//   node tools/bench/bench-export.mjs [MODEL=mlp128]
import { execFileSync } from 'node:child_process';
import { startServer, launchBrowser, openPage, waitReady } from '../../tests/browser/harness.mjs';

const model = process.argv[2] || 'mlp128';
const server = await startServer();
const browser = await launchBrowser();
try {
  const { page, context } = await openPage(browser, server.url + `#model=${model}&help=0&layer=0&neuron=3`, { skipHelp: true });
  await waitReady(page);
  await page.evaluate(() => window.lens.drawStroke([[0.5, 0.2], [0.5, 0.8]]));
  await page.evaluate(() => window.lens.report());  // the analysis has finished
  console.log(`${model}, load: ${execFileSync('uptime').toString().trim().replace(/.*load/, 'load')}`);
  const time = (name, opts, runs) => page.evaluate(async ([n, o, k]) => {
    const ms = [];
    let bytes = 0;
    for (let i = 0; i < k; i++) {
      const t0 = performance.now();
      bytes = (await window.lens.figure(n, o)).length;
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    return { ms: ms[Math.floor(k / 2)], bytes };
  }, [name, opts, runs]);
  for (const name of ['actmax', 'weights', 'grid', 'prediction', 'classes', 'confusion'])
    for (const scale of [1, 4]) {
      const r = await time(name, { scale }, 5);
      console.log(`  ${name.padEnd(10)} ${scale}x: ${r.ms.toFixed(1).padStart(7)} ms, ${(r.bytes / 1024).toFixed(0).padStart(5)} KB`);
    }
  for (const scale of [1, 4]) {
    const r = await time('view', { scale }, 3);
    console.log(`  view       ${scale}x: ${r.ms.toFixed(1).padStart(7)} ms, ${(r.bytes / 1024).toFixed(0).padStart(5)} KB (1280x800 page)`);
  }
  const rep = await page.evaluate(() => {
    const t0 = performance.now();
    // A reply of src/app/js_api.cpp: {ok: size} (the analysis is done by now).
    const report = (zip) => JSON.parse(Module.UTF8ToString(Module.ccall('lens_report', 'number', ['number'], [zip]))).ok;
    const md = report(0);
    const t1 = performance.now();
    const zip = report(1);
    return { md, mdMs: t1 - t0, zip, zipMs: performance.now() - t1 };
  });
  console.log(`  report Markdown: ${rep.mdMs.toFixed(0)} ms (${(rep.md / 1024).toFixed(0)} KB); zip with figures: ${rep.zipMs.toFixed(0)} ms (${(rep.zip / 1024).toFixed(0)} KB)`);
  await context.close();
} finally {
  await browser.close();
  server.stop();
}
