// What a first visit downloads: every file the page fetches before its first interactive
// frame (lens.ready: the canvas takes strokes), and until the default view's statistics are
// ready (analysis done), in a fresh browser profile without a hash; and when the deferred part
// of the wasm (lens.deferred.wasm, fetched after the first frame) was ready. Sizes as sent by a host
// that gzips (gzip -9 of each file, what a static host with compression sends) and by one that
// does not (the file as it is). Figures only.
//   node tools/bench/bench-load.mjs ['#hash']
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, openPage, waitReady, siteDir } from '../../tests/browser/harness.mjs';

const hash = process.argv[2] || '';
const server = await startServer();
const browser = await launchBrowser();
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(server.url + hash);
  await page.waitForFunction(() => performance.getEntriesByName('lens-first-frame').length > 0, null, { timeout: 120000 });
  const tReady = Date.now() - t0;
  // The rest of the wasm (lens.deferred.wasm), fetched and compiled after the first frame.
  // (A page built without the split has none: Module.lensDeferred is missing.)
  await page.waitForFunction(() => !window.Module.lensDeferred || performance.getEntriesByName('lens-deferred-ready').length > 0,
    null, { timeout: 120000 });
  const marks = await page.evaluate(() => ({
    first: performance.getEntriesByName('lens-first-frame')[0].startTime,
    deferred: (performance.getEntriesByName('lens-deferred-ready')[0] || { startTime: NaN }).startTime,
  }));
  await waitReady(page, 120000);
  await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 180000 });
  const tDone = Date.now() - t0;
  await page.waitForTimeout(500);
  // Every file the page asked for, and whether it asked before its first frame was drawn.
  const entries = await page.evaluate(() => {
    const first = performance.getEntriesByName('lens-first-frame')[0].startTime;
    return [{ name: location.href, startTime: 0 }, ...performance.getEntriesByType('resource')]
      .map((e) => ({ url: e.name, before: e.startTime < first }));
  });
  const files = entries.filter((e) => new URL(e.url).origin === new URL(server.url).origin).map((e) => {
    const rel = decodeURIComponent(new URL(e.url).pathname.replace(/^\//, '')) || 'index.html';
    const raw = readFileSync(path.join(siteDir, rel));
    // .gz files are sent as they are: gzip again gains nothing.
    const gz = rel.endsWith('.gz') ? raw.length : gzipSync(raw, { level: 9 }).length;
    return { rel, raw: raw.length, gz, phase: e.before ? 'before the first frame' : 'for the statistics' };
  });
  const sum = (ph, k) => files.filter((f) => !ph || f.phase === ph).reduce((a, f) => a + f[k], 0);
  console.log(`first visit ${hash || '(no hash)'}: first interactive frame after ${tReady} ms, statistics after ${tDone} ms (local server)`);
  console.log(`  since navigation start: first frame ${marks.first.toFixed(0)} ms, deferred wasm ready ${marks.deferred.toFixed(0)} ms`);
  for (const ph of ['before the first frame', 'for the statistics']) {
    console.log(`\n${ph}:`);
    for (const f of files.filter((x) => x.phase === ph)) console.log(`  ${f.rel.padEnd(40)} ${kb(f.gz).padStart(8)} gzip  ${kb(f.raw).padStart(8)} as is`);
    console.log(`  ${'total'.padEnd(40)} ${kb(sum(ph, 'gz')).padStart(8)} gzip  ${kb(sum(ph, 'raw')).padStart(8)} as is`);
  }
  console.log(`\neverything the default view needs: ${kb(sum(null, 'gz'))} gzip, ${kb(sum(null, 'raw'))} as is`);
  await context.close();
} finally {
  await browser.close();
  server.stop();
}
