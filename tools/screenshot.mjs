// Screenshots of the built page for the README and for looking at it:
//   node tools/screenshot.mjs OUT_DIR [HASH]
// Writes desktop.png (1280x800) and tablet.png (820x1180 portrait, DPR 2).
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { startServer, launchBrowser, openPage, waitReady } from '../tests/browser/harness.mjs';

const out = process.argv[2] || 'screenshots';
const hash = process.argv[3] || '';
mkdirSync(out, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  for (const [name, viewport, dpr] of [['desktop', { width: 1280, height: 800 }, 1], ['tablet', { width: 820, height: 1180 }, 2]]) {
    const { page, errors, context } = await openPage(browser, server.url + hash, { viewport, deviceScaleFactor: dpr });
    await waitReady(page);
    await page.waitForTimeout(800);
    const file = path.join(out, `${name}.png`);
    await page.screenshot({ path: file });
    console.log(`${file}: ${viewport.width}x${viewport.height} @${dpr}x, console errors: ${errors.length ? errors.join(' | ') : 'none'}`);
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}
