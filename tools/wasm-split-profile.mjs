// Records which wasm functions the page's first view runs, for splitting lens.wasm
// (src/app/CMakeLists.txt runs this on every link; the build's only browser run).
//
//   node tools/wasm-split-profile.mjs --link DIR --web DIR --models DIR --mnist DIR --out FILE
//
// DIR of --link holds the freshly linked lens.js, lens.data and the instrumented lens.wasm
// (Emscripten's -sSPLIT_MODULE: every function notes when it first ran). A throw-away site is
// assembled next to it from those, the page's own files, the models and the test digits, and
// opened in headless Chromium (tests/browser/harness.mjs) as a first visit, once for each way
// the page is first seen (FIRST_VIEWS in tests/browser/first-view.mjs: without a hash on a
// laptop, a large screen and a phone, embedded, on a projector at 200%): the help shows,
// strokes are drawn and predicted, the pointer goes over the whole view, the drawing keys are
// pressed, and the default view's statistics are computed. Then the instrumented module
// writes its profile (__write_profile); the profiles are merged (wasm-split --merge-profiles),
// and `wasm-split --profile` keeps every function that ran in lens.wasm and moves the others
// to lens.deferred.wasm, which the page fetches after its first frame (web/shell.js).
//
// What runs does not depend on timing: the profile is written only once the statistics are
// done, so every function of the startup, the first view and the analysis has run by then,
// whatever the machine's speed. A function the profile missed still works before the deferred
// part arrives (loaded synchronously on its first call); tests/browser/split.test.mjs checks
// that the first view needs none.
import { cpSync, mkdirSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['link', 'web', 'models', 'mnist', 'out']) {
  if (!args[k]) { console.error(`wasm-split-profile: --${k} is missing`); process.exit(2); }
}

const site = path.join(args.link, 'profile-site');
rmSync(site, { recursive: true, force: true });
mkdirSync(site, { recursive: true });
for (const f of readdirSync(args.web)) cpSync(path.join(args.web, f), path.join(site, f));
for (const f of ['lens.js', 'lens.wasm', 'lens.data']) cpSync(path.join(args.link, f), path.join(site, f));
cpSync(args.models, path.join(site, 'models'), { recursive: true });
cpSync(args.mnist, path.join(site, 'mnist'), { recursive: true });

process.env.LENS_SITE_DIR = site;
const { startServer, launchBrowser } = await import('../tests/browser/harness.mjs');
const { firstView, FIRST_VIEWS } = await import('../tests/browser/first-view.mjs');

const server = await startServer();
const browser = await launchBrowser();
let failed = false;
// One page per first view (FIRST_VIEWS): a fresh instance, so a profile of its own; merged below.
async function profileOf(view) {
  const context = await browser.newContext({ viewport: view.viewport, deviceScaleFactor: view.deviceScaleFactor });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  // The unsplit module has no deferred part: its request is left unanswered.
  await page.route('**/lens.deferred.wasm', () => {});
  await page.goto(server.url + view.hash);
  await page.waitForFunction(() => performance.getEntriesByName('lens-first-frame').length > 0, null, { timeout: 120000 });
  await firstView(page, view);
  await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 300000 });
  const profile = await page.evaluate(() => {
    const size = 1 << 20;
    const at = Module._malloc(size);
    const n = Module.asm.__write_profile(at, size);
    return Array.from(Module.HEAPU8.subarray(at, at + n));
  });
  await context.close();
  if (errors.length) throw new Error(`${view.name}: the page reported errors: ${errors.join('; ')}`);
  if (profile.length < 16) throw new Error(`${view.name}: no profile (${profile.length} bytes)`);
  return Buffer.from(profile);
}
// After an 8-byte module hash, one 32-bit first-call stamp per function (0: never ran).
const ran = (p) => { let n = 0; for (let i = 8; i + 4 <= p.length; i += 4) if (p.readUInt32LE(i)) n++; return n; };
// Two views at a time, each in its own page: a page waits on its frames and downloads much of the
// time, so on two idle cores the seven views take 53 s instead of 69 s. What a view records does
// not depend on the other (each page has its own instance of the module).
const parallel = 2;
try {
  const files = FIRST_VIEWS.map((_, i) => path.join(args.link, `first-view-${i}.profile`));
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < FIRST_VIEWS.length; i = next++) {
      const view = FIRST_VIEWS[i];
      const p = await profileOf(view);
      writeFileSync(files[i], p);
      console.log(`wasm-split-profile: ${view.name} (${view.viewport.width}x${view.viewport.height}${view.hash ? ' ' + view.hash : ''}): ${ran(p)} of ${(p.length - 8) / 4} functions ran`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  execFileSync('wasm-split', ['--merge-profiles', ...files, '-o', args.out], { stdio: 'inherit' });
  for (const f of files) rmSync(f);
  console.log(`wasm-split-profile: ${ran(readFileSync(args.out))} functions ran in some first view (${args.out})`);
} catch (e) {
  console.error('wasm-split-profile: ' + (e && e.stack || e));
  failed = true;
} finally {
  await browser.close();
  server.stop();
  rmSync(site, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
