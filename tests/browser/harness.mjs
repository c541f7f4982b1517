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

async function waitForHttp(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { const r = await fetch(url); if (r.ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not come up in ${ms} ms`);
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
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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

// Clicks the ImGui item whose label is `label` (ui::track in the page), found by asking the
// page where it drew it, with real pointer events.
export async function clickItem(page, label) {
  // The page draws the item in its next frame (it draws only when something changed).
  await page.waitForFunction((l) => window.lens._test.itemRect(l), label, { timeout: 5000 }).catch(() => {});
  // A window that just appeared (a popup menu) is measured in its first frame and placed in
  // the next: wait until the item stays put over two frames drawn.
  let at = await page.evaluate((l) => window.lens._test.itemRect(l), label);
  for (let i = 0; at && i < 20; i++) {
    const frame = await page.evaluate(() => window.lens.perf().frame);
    await page.waitForFunction((f) => window.lens.perf().frame >= f + 2, frame, { timeout: 5000 }).catch(() => {});
    const again = await page.evaluate((l) => window.lens._test.itemRect(l), label);
    if (again && again.x === at.x && again.y === at.y) break;
    at = again;
  }
  if (!at) throw new Error(`no item "${label}" on screen`);
  await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
  await page.waitForTimeout(50);
  await page.mouse.down();
  await page.waitForTimeout(50);
  await page.mouse.up();
  await page.waitForTimeout(150);
}
