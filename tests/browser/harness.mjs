// Shared set-up for the browser tests: serve the built site on loopback and
// drive Debian's chromium (headless, SwiftShader WebGL2) with playwright-core.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const siteDir = process.env.LENS_SITE_DIR || path.resolve(here, '../../build/web/site');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = /** @type {import('node:net').AddressInfo} */ (s.address()); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

// Polls until the server answers (it takes a moment to bind); a clear error if it never does.
async function waitForHttp(url, ms) {
  const end = Date.now() + ms;
  let last = 'no answer';
  while (Date.now() < end) {
    try { const r = await fetch(url); if (r.ok) return; last = `HTTP ${r.status}`; } catch (e) { last = String(e.cause?.code || e.message); }
    await new Promise((r) => setTimeout(r, 100));  // the next poll; not a wait for the page
  }
  throw new Error(`server at ${url} did not come up in ${ms} ms (last try: ${last})`);
}

export async function startServer() {
  const port = await freePort();
  const proc = spawn('/usr/bin/python3', ['-m', 'http.server', '--bind', '127.0.0.1', String(port)],
    { cwd: siteDir, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  await waitForHttp(url, 10000);
  return { url, stop: () => proc.kill() };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-quic',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // LENS_DEBUG_PORT=9333: attach to a test's browser (chromium.connectOverCDP) to look at a page that seems stuck.
      ...(process.env.LENS_DEBUG_PORT ? ['--remote-debugging-port=' + process.env.LENS_DEBUG_PORT] : [])],
    // playwright gives every launch a fresh, empty user data dir of its own.
  });
}

// Opens the page and collects console errors and uncaught exceptions.
export async function openPage(browser, url, { viewport = { width: 1280, height: 800 }, deviceScaleFactor = 1, skipHelp = false, hasTouch = false } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor, hasTouch });
  const page = await context.newPage();
  // A returning visitor: no first-visit help overlay.
  if (skipHelp) await page.addInitScript(() => { try { localStorage.setItem('mnist-lens-visited', '1'); } catch (e) {} });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  return { page, errors, context };
}

export async function waitReady(page, ms = 30000) {
  await page.waitForFunction(() => window.lens && window.lens.ready, null, { timeout: ms });
  await page.evaluate(() => window.lens.ready);
}

export const repoRoot = path.resolve(here, '../..');
export const mnistDir = process.env.LENS_MNIST_DIR || path.resolve(repoRoot, '../shared/data/mnist');

// Resolves after the browser has run `n` more animation frames. The page's main loop runs once
// in every animation frame while it is awake (main.cpp), and every input event and every call
// into the app wakes it (lens-api.js): an event sent before this has been handled after n = 2.
// Counts the browser's frames rather than lens.perf().frame: asking perf() is a call into the
// app, which would wake it (settled() must not) and would add lens_perf_json to the first
// view's wasm profile (first-view.mjs).
export async function animationFrames(page, n = 2) {
  await page.evaluate((count) => new Promise((done) => {
    const step = () => (--count <= 0 ? done(undefined) : requestAnimationFrame(step));
    requestAnimationFrame(step);
  }), n);
}

// Resolves once the app itself has drawn `n` more frames (lens.perf().frame; the call wakes it).
export async function framesDrawn(page, n = 2, timeout = 30000) {
  const f = await page.evaluate(() => window.lens.perf().frame);
  await page.waitForFunction(([f0, k]) => window.lens.perf().frame >= f0 + k, [f, n], { timeout });
}

// Waits until the page has stopped drawing: once nothing changes it draws a few settle frames
// and pauses its loop (main.cpp sets Module.lensSleeping) until an event or a call wakes it.
// Two animation frames first, so that an input event sent just before has been dispatched and
// has woken the page. Reads only a flag: polling wakes nothing.
export async function settled(page, timeout = 60000) {
  await animationFrames(page, 2);
  await page.waitForFunction(() => window.Module && window.Module.lensSleeping === true, null, { timeout })
    .catch(() => { throw new Error(`the page was still drawing after ${timeout} ms (it never went idle)`); });
}

// Follows a link within the page: sets location.hash and resolves once the page's own
// hashchange handler (lens-api.js, registered first) has applied it. The hash must differ from
// the current one, or no event fires. (A link to a model not fetched yet is applied when it arrives.)
export async function followLink(target, hash) {
  await target.evaluate((h) => new Promise((done) => {
    window.addEventListener('hashchange', () => done(undefined), { once: true });
    location.hash = h;
  }), hash);
}

// A stroke on the drawing canvas with real pointer events, one move per animation frame, as a
// person draws; points are [x, y] in [0, 1] of the canvas. Resolves once the page has handled it.
export async function pointerStroke(page, points) {
  const r = await page.evaluate(() => window.lens.canvasRect());
  if (!(r.width > 0 && r.height > 0)) throw new Error(`no drawing canvas on screen (${JSON.stringify(r)})`);
  const at = ([x, y]) => [r.x + x * r.width, r.y + y * r.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) {
    await page.mouse.move(...at(p));
    await animationFrames(page, 1);
  }
  await page.mouse.up();
  await animationFrames(page, 2);
}

// A person drawing circles on the canvas for `ms` milliseconds with real pointer events, one move
// every 8 ms (the benchmarks' load): every `every` moves, sample(lens.perf()) is called. Resolves
// with the frames drawn per second meanwhile.
export async function drawCirclesFor(page, ms, every, sample) {
  const r = await page.evaluate(() => window.lens.canvasRect());
  await page.mouse.move(r.x + r.width * 0.3, r.y + r.height * 0.3);
  await page.mouse.down();
  const f0 = (await page.evaluate(() => window.lens.perf())).frame, t0 = Date.now();
  for (let i = 0; Date.now() - t0 < ms; i++) {
    const a = i / 40;
    await page.mouse.move(r.x + r.width * (0.5 + 0.3 * Math.cos(a)), r.y + r.height * (0.5 + 0.3 * Math.sin(a)));
    await page.waitForTimeout(8);
    if (i % every === 0) sample(await page.evaluate(() => window.lens.perf()));
  }
  const f1 = (await page.evaluate(() => window.lens.perf())).frame, t1 = Date.now();
  await page.mouse.up();
  return (f1 - f0) / ((t1 - t0) / 1000);
}

// A finger's stroke down the middle of the canvas (a 1), from 15% to 85% of its height, with
// real touch events (CDP), one move a frame as a finger draws. Resolves once the page handled it.
export async function fingerStrokeDown(page, context) {
  const r = await page.evaluate(() => window.lens.canvasRect());
  const cdp = await context.newCDPSession(page);
  const at = (y) => [{ x: r.x + 0.5 * r.width, y: r.y + y * r.height, id: 1 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0.15) });
  for (let i = 1; i <= 12; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(0.15 + 0.7 * i / 12) });
    await animationFrames(page, 1);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await animationFrames(page, 2);
}

// Clicks the ImGui item whose label is `label` (ui::track in the page), found by asking the
// page where it drew it, with real pointer events. Resolves once the page has handled the click.
export async function clickItem(page, label) {
  // The page draws the item in its next frame (it draws only when something changed).
  await page.waitForFunction((l) => window.lens._test.itemRect(l), label, { timeout: 5000 }).catch(() => {});
  // A window that just appeared (a popup menu) is measured in its first frame and placed in
  // the next: wait until the item stays put over two frames drawn.
  let at = await page.evaluate((l) => window.lens._test.itemRect(l), label);
  for (let i = 0; at && i < 20; i++) {
    await framesDrawn(page, 2, 5000).catch(() => {});
    const again = await page.evaluate((l) => window.lens._test.itemRect(l), label);
    if (again && again.x === at.x && again.y === at.y) break;
    at = again;
  }
  if (!at) throw new Error(`no item "${label}" on screen`);
  // Hovered in one frame, pressed in a later one, released in a later one: what ImGui needs
  // to see a click, however long the machine takes for a frame.
  await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
  await framesDrawn(page, 2);
  await page.mouse.down();
  await framesDrawn(page, 2);
  await page.mouse.up();
  await framesDrawn(page, 2);
}
