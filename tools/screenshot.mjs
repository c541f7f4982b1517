// Screenshots of the built page, for the README and for looking at it:
//   node tools/screenshot.mjs OUT_DIR [all]
// Writes desktop.png (1280x800) and tablet.png (820x1180 portrait, 2x); with
// "all", also every tab, the dead-neuron model, XOR, the light theme, a phone, and the example
// post (on a second origin) after its buttons drove the embed (embed-post.png).
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { startServer, launchBrowser, openPage, waitReady, settled } from '../tests/browser/harness.mjs';

const out = process.argv[2] || 'screenshots';
const all = process.argv[3] === 'all';
mkdirSync(out, { recursive: true });

// A handwritten-looking "2": a hook, a diagonal and a base line.
const two = [[0.3, 0.3], [0.38, 0.2], [0.5, 0.17], [0.62, 0.21], [0.67, 0.32], [0.63, 0.45], [0.52, 0.57],
  [0.4, 0.68], [0.3, 0.8], [0.45, 0.79], [0.6, 0.79], [0.72, 0.8]];
const desktop = { width: 1280, height: 800 }, tablet = { width: 820, height: 1180 };
const shots = [
  ['desktop', desktop, 1, '#model=mlp32&help=0', async (p) => p.evaluate((s) => window.lens.drawStroke(s), two)],
  ['tablet', tablet, 2, '#model=mlp32&help=0', async (p) => p.evaluate((s) => window.lens.drawStroke(s), two)],
];
if (all) {
  shots.push(
    ['first-visit', desktop, 1, '', null],
    ['neuron', desktop, 1, '#model=mlp32&tab=neuron&layer=0&neuron=7&help=0', async (p) => p.evaluate((s) => window.lens.drawStroke(s), two)],
    ['outputs', desktop, 1, '#model=mlp128&tab=outputs&help=0', null],
    ['network', desktop, 1, '#model=mlp6-dead&tab=network&help=0', null],
    ['dead', desktop, 1, '#model=mlp6-dead&help=0', async (p) => p.evaluate((s) => window.lens.drawStroke(s), two)],
    ['xor', desktop, 1, '#model=xor&help=0', null],
    ['mlp2x64', desktop, 1, '#model=mlp2x64&help=0&theme=light', async (p) => p.evaluate((s) => window.lens.drawStroke(s), two)],
    ['projector', desktop, 1, '#model=mlp6&help=0&scale=1.5', async (p) => p.evaluate((s) => window.lens.drawStroke(s), two)],
    ['tablet-neuron', tablet, 2, '#model=mlp128&tab=neuron&layer=0&neuron=3&help=0', null],
    ['neuron-shapes', desktop, 1, '#model=mlp6-dead&tab=neuron&layer=0&neuron=1&help=0', null],
    ['xor-720p-200', { width: 1280, height: 720 }, 1, '#model=xor&help=0&scale=2', null],
    // What a 700x500 iframe of a post shows after a click on a card: the way back to the drawing.
    ['embed-neuron', { width: 700, height: 500 }, 1, '#model=mlp6-dead&tab=neuron&layer=0&neuron=1&embed=1', null],
    // A phone held upright (touch): the canvas across the width, then the prediction and the cards.
    ['phone', { width: 390, height: 844 }, 2, '#model=mlp32&help=0', async (p) => p.evaluate((s) => window.lens.drawStroke(s), two)],
  );
}

// The example post on one origin (localhost) driving the page on another (127.0.0.1) through
// embed.js: its buttons draw a 2, open mlp6-dead's neuron 1 and switch it off; the line under the
// figure reads the live prediction.
async function embedPost(browser, server) {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const post = server.url.replace('//127.0.0.1:', '//localhost:');
  await page.goto(`${post}embed-example.html?lens=${encodeURIComponent(server.url)}`);
  for (const id of ['#draw', '#open', '#off']) {
    await page.waitForSelector(`${id}:not([disabled])`);
    await page.click(id);
  }
  await page.waitForFunction(() => /switched off/.test(document.getElementById('live').textContent), null, { timeout: 60000 });
  const frame = await (await page.waitForSelector('#lens')).contentFrame();
  await settled(frame);
  await page.locator('#lens').scrollIntoViewIfNeeded();
  const file = path.join(out, 'embed-post.png');
  await page.screenshot({ path: file });
  console.log(`${file}: 900x1000, console errors: ${errors.length ? errors.join(' | ') : 'none'}`);
  await context.close();
}
const server = await startServer();
const browser = await launchBrowser();
try {
  for (const [name, viewport, dpr, hash, act] of shots) {
    const { page, errors, context } = await openPage(browser, server.url + hash, { viewport, deviceScaleFactor: dpr, skipHelp: name !== 'first-visit', hasTouch: name === 'phone' });
    await waitReady(page);
    await page.waitForFunction(() => window.lens.state().analysis >= 1, null, { timeout: 60000 });
    if (act) await act(page);
    await page.waitForTimeout(400);
    const file = path.join(out, `${name}.png`);
    await page.screenshot({ path: file });
    console.log(`${file}: ${viewport.width}x${viewport.height} @${dpr}x, console errors: ${errors.length ? errors.join(' | ') : 'none'}`);
    await context.close();
  }
  if (all) await embedPost(browser, server);
} finally {
  await browser.close();
  server.stop();
}
