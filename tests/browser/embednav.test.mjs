// An embed the reader cannot get lost in, and notices that look like what they are, tried as
// the reader of a blog post does: the page in a 700x500 iframe of a post on another origin
// (the post on http://localhost, the page on http://127.0.0.1), driven with the real mouse,
// keyboard and touch screen. A card, a neuron link in the text, a key and the hash each open
// another view; each shows a way back to the drawing, and Esc goes back too. A click or a tap
// in the frame gives the page the keyboard. Copying the embed code says so calmly and goes
// by itself; a bad link's error is red and stays until the reader's next action.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startServer, launchBrowser, animationFrames, framesDrawn, followLink } from './harness.mjs';

let server, host, browser, context, page, frame, box;
const errors = [];

// The post, served by a second server: same machine, another origin (another host name).
async function startHost(html) {
  const h = createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); res.end(html); });
  await new Promise((done) => h.listen(0, '127.0.0.1', () => done(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (h.address());
  return { url: `http://localhost:${port}/post.html`, stop: () => h.close() };
}

before(async () => {
  server = await startServer();
  host = await startHost(`<!doctype html><meta charset="utf-8"><title>A post</title>
<body style="margin:0;padding:20px;font:18px Georgia,serif">
<p id="intro">A post about neurons. Draw a digit below.</p>
<iframe id="lens" src="${server.url}index.html#model=mlp32&embed=1" width="700" height="500" style="border:0" title="MNIST Lens"></iframe>
<p>The end of the post.</p></body>`);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 900, height: 700 }, hasTouch: true });
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  // What the page hands the clipboard (a headless browser's clipboard needs a focused window).
  await page.addInitScript(() => {
    if (navigator.clipboard) navigator.clipboard.writeText = (t) => { window.copiedText = t; return Promise.resolve(); };
  });
  await page.goto(host.url);
  const element = await page.waitForSelector('#lens');
  frame = await element.contentFrame();
  await frame.waitForFunction(() => window.lens && window.lens.ready, null, { timeout: 60000 });
  await frame.evaluate(() => window.lens.ready);
  box = await element.boundingBox();
});
after(async () => { await browser?.close(); server?.stop(); host?.stop(); });

const state = () => frame.evaluate(() => window.lens.state());
const rectOf = (label) => frame.evaluate((l) => window.lens._test.itemRect(l), label);
const focused = () => frame.evaluate(() => document.hasFocus());
const waitTab = (tab) => frame.waitForFunction((t) => window.lens.state().tab === t, tab, { timeout: 10000 });
// n more frames drawn. Asking wakes the page first: it sleeps once nothing changes (main.cpp),
// and a sleeping page draws no frame to wait for.
async function drawn(n = 2) {
  await frame.evaluate(() => window.lens._test.redrawAll());
  await framesDrawn(frame, n);
}
// Where an item the page drew is, in the post's coordinates, once it stays put over two frames.
async function placeOf(label) {
  await frame.waitForFunction((l) => window.lens._test.itemRect(l), label, { timeout: 10000 });
  let at = await rectOf(label);
  for (let i = 0; i < 20; i++) {
    await drawn(2);
    const again = await rectOf(label);
    if (again && again.x === at.x && again.y === at.y) break;
    at = again;
  }
  assert.ok(at, `"${label}" on screen`);
  return { x: box.x + at.x + at.width / 2, y: box.y + at.y + at.height / 2, rect: at };
}
// A click as a person makes it: move, press, release, each seen by the page in a frame of its own.
async function click(label) {
  const { x, y } = await placeOf(label);
  await page.mouse.move(x, y);
  await drawn(2);
  await page.mouse.down();
  await drawn(2);
  await page.mouse.up();
  await drawn(2);
}
// The way back is on screen, inside the frame, big enough for a finger.
async function assertWayBack(why) {
  const { rect } = await placeOf('Back to the drawing');
  assert.ok(rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= 700 && rect.y + rect.height <= 500, `${why}: ${JSON.stringify(rect)} inside the frame`);
  assert.ok(rect.width >= 44 && rect.height >= 44, `${why}: ${JSON.stringify(rect)} at least 44x44 CSS px`);
}
// The drawing is back, and with it no back button.
async function assertOnDrawing(why) {
  await waitTab('explore');
  await drawn(2);
  assert.equal(await rectOf('Back to the drawing'), null, `${why}: no back button on the drawing`);
  const c = await frame.evaluate(() => window.lens.canvasRect());
  assert.ok(c.width > 0 && c.y >= 0 && c.y + c.height <= 500, `${why}: the canvas on screen`);
}
// Something opened `tab`: it shows the way back, and Esc takes it.
async function escapesFrom(tab, opener) {
  await waitTab(tab);
  await assertWayBack(`after ${opener}`);
  await page.keyboard.press('Escape');
  await assertOnDrawing(`Esc after ${opener}`);
}
// Pixels of the page's canvas in an item's rectangle that are the error red of the light or
// dark theme (src/app/ui.cpp palette().dead), read from the WebGL canvas, which keeps its pixels.
async function redPixels(label) {
  const r = await rectOf(label);
  return frame.evaluate((rr) => {
    const src = /** @type {HTMLCanvasElement} */ (document.getElementById('canvas'));
    const k = src.width / src.clientWidth, c = document.createElement('canvas');
    c.width = Math.ceil(rr.width * k);
    c.height = Math.ceil(rr.height * k);
    const g = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d'));
    g.drawImage(src, rr.x * k, rr.y * k, c.width, c.height, 0, 0, c.width, c.height);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let red = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 180 && d[i + 1] < 110 && d[i + 2] < 110) red++;
    return red;
  }, r);
}

test('the embed is on another origin and starts on the drawing without the keyboard', async () => {
  const origins = [await page.evaluate(() => location.origin), await frame.evaluate(() => location.origin)];
  assert.notEqual(origins[0], origins[1], `post ${origins[0]}, page ${origins[1]}`);
  assert.equal((await state()).view.embed, true);
  await assertOnDrawing('at first');
  assert.equal(await focused(), false, 'the post has the keyboard until the reader clicks into the frame');
});

test('a card click opens the neuron with a way back; the button goes back; the click gave the page the keyboard', { timeout: 120000 }, async () => {
  await click('first card of layer 0');
  await waitTab('neuron');
  assert.equal((await state()).selected.neuron, 0);
  assert.equal(await focused(), true, 'the click gave the page the keyboard');
  await assertWayBack('after a card click');
  await click('Back to the drawing');
  await assertOnDrawing('after the back button');
});

test('keys after a click reach the page: 4 opens the Network tab, Esc goes back', { timeout: 60000 }, async () => {
  await page.keyboard.press('4');
  await escapesFrom('network', 'the key 4');
  await page.keyboard.press('n');  // the next neuron, in the Neuron tab
  await escapesFrom('neuron', 'the key N');
});

test('a link to another tab (the hash) shows the way back too', { timeout: 60000 }, async () => {
  await followLink(frame, '#model=mlp32&tab=outputs&embed=1');
  await escapesFrom('outputs', 'the hash');
});

test('a neuron link in the text opens the neuron; a tap goes back and gives the page the keyboard', { timeout: 120000 }, async () => {
  await followLink(frame, '#model=mlp6-dead&embed=1');
  await frame.waitForFunction(() => window.lens.state().model === 'mlp6-dead' && window.lens.state().analysisDone, null, { timeout: 60000 });
  await page.keyboard.press('4');  // the Network tab, which names the neuron that carries the work
  await waitTab('network');
  await click('link:0.1');  // "neuron 1" in its text
  await waitTab('neuron');
  assert.deepEqual((await state()).selected, { layer: 0, neuron: 1 });
  await assertWayBack('after a neuron link');
  // The reader clicks in the post, then taps the way back with a finger.
  const intro = await page.$('#intro');
  await intro?.click();
  await frame.waitForFunction(() => !document.hasFocus(), null, { timeout: 5000 });
  const back = await placeOf('Back to the drawing');
  await page.touchscreen.tap(back.x, back.y);
  await assertOnDrawing('after a tap on the back button');
  assert.equal(await focused(), true, 'the tap gave the page the keyboard');
  await page.keyboard.press('3');
  await escapesFrom('outputs', 'the key 3 after a tap');
});

test('copying the embed code is a success, not red, and goes after the next key or by itself', { timeout: 60000 }, async () => {
  await click('Embed');
  await frame.waitForFunction(() => window.lens.state().notice, null, { timeout: 10000 });
  const n = (await state()).notice;
  assert.equal(n.kind, 'success', JSON.stringify(n));
  assert.match(n.text, /^Copied the embed code/);
  assert.match(await frame.evaluate(() => window.copiedText), /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/index\.html#model=mlp6-dead/);
  await drawn(2);
  assert.equal(await redPixels('notice'), 0, 'no error red in a success notice');
  await page.keyboard.press('z');  // the next action: undo (nothing drawn, nothing undone)
  await frame.waitForFunction(() => window.lens.state().notice === null, null, { timeout: 5000 });
  await click('Embed');
  await frame.waitForFunction(() => window.lens.state().notice?.kind === 'success', null, { timeout: 10000 });
  // Left alone, it fades (notice.h: kNoticeFadeMs, 6 s) even though the page sleeps meanwhile.
  await frame.waitForFunction(() => window.lens.state().notice === null, null, { timeout: 30000, polling: 500 });
});

test('a bad link is an error in red that stays until the next action, then goes', { timeout: 60000 }, async () => {
  await followLink(frame, '#model=mlp32&layer=0&neuron=999&embed=1');
  await frame.waitForFunction(() => window.lens.state().notice, null, { timeout: 10000 });
  const n = (await state()).notice;
  assert.equal(n.kind, 'error', JSON.stringify(n));
  assert.match(n.text, /^This link could not be opened \(.*999.*\), so the default view is shown\.$/);
  await drawn(2);
  assert.ok(await redPixels('notice') > 20, 'the error is drawn in the error red');
  // Reading is no action: the pointer over it, frames going by, a call from a script.
  const at = await placeOf('notice');
  await page.mouse.move(at.x, at.y);
  await drawn(10);
  await frame.evaluate(() => window.lens.setTab('explore'));
  await animationFrames(frame, 2);
  assert.equal((await state()).notice?.kind, 'error', 'still there');
  await page.mouse.down();  // the next action
  await page.mouse.up();
  await frame.waitForFunction(() => window.lens.state().notice === null, null, { timeout: 5000 });
  assert.deepEqual(errors, [], 'no console errors in the post or the embed');
});

// The real clipboard, no stub: the embed's own Embed button copies its code when the post's
// iframe allows clipboard-write (as lens.embedCode() writes it), and says it cannot when not.
test('the Embed button copies to the real clipboard when the iframe allows it, and says why not when not', { timeout: 90000 }, async () => {
  for (const allow of ['fullscreen; clipboard-write', 'fullscreen']) {
    const post = await startHost(`<!doctype html><meta charset="utf-8"><title>A post</title><body>
<iframe id="lens" src="${server.url}index.html#model=mlp32&embed=1" width="700" height="500" style="border:0" title="MNIST Lens" allow="${allow}"></iframe></body>`);
    const ctx = await browser.newContext({ viewport: { width: 900, height: 700 } });
    try {
      await ctx.grantPermissions(['clipboard-read', 'clipboard-write']);
      const p = await ctx.newPage();
      await p.goto(post.url);
      const el = await p.waitForSelector('#lens');
      const f = await el.contentFrame();
      await f.waitForFunction(() => window.lens && window.lens.ready, null, { timeout: 60000 });
      await f.evaluate(() => window.lens.ready);
      const at = await el.boundingBox();
      const r = await f.waitForFunction(() => window.lens._test.itemRect('Embed'), null, { timeout: 10000 }).then((h) => h.jsonValue());
      await p.mouse.click(at.x + r.x + r.width / 2, at.y + r.y + r.height / 2);
      await f.waitForFunction(() => window.lens.state().notice, null, { timeout: 10000 });
      const n = await f.evaluate(() => window.lens.state().notice);
      if (allow.includes('clipboard-write')) {
        assert.equal(n.kind, 'success', JSON.stringify(n));
        assert.match(await p.evaluate(() => navigator.clipboard.readText()), /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/index\.html#model=mlp32.*allow="fullscreen; clipboard-write"><\/iframe>$/);
      } else {
        assert.equal(n.kind, 'error', JSON.stringify(n));
        assert.match(n.text, /^This frame may not use the clipboard: open the full page/);
      }
    } finally {
      await ctx.close();
      post.stop();
    }
  }
});
