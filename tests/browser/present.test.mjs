// The page in a lecture hall and in a blog post, as the lecturer and the blogger meet it (every
// tab at every promised size: layout.test.mjs): the XOR plane fills a projector; the theme and text
// size keys and buttons work; a copied link reopens the exact view (drawing, switched-off
// neuron, explained class); embed mode in a 700x500 iframe of a plain page shows the canvas
// and the prediction, passes the wheel to the post and copies its own embed code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, waitReady, animationFrames, followLink, fingerStrokeDown } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const two = [[0.3, 0.3], [0.38, 0.2], [0.5, 0.17], [0.62, 0.21], [0.67, 0.32], [0.63, 0.45], [0.52, 0.57],
  [0.4, 0.68], [0.3, 0.8], [0.45, 0.79], [0.6, 0.79], [0.72, 0.8]];

async function strokeWithMouse(target, mouse, points, offset = { x: 0, y: 0 }) {
  const r = await target.evaluate(() => window.lens.canvasRect());
  const at = ([x, y]) => [offset.x + r.x + x * r.width, offset.y + r.y + y * r.height];
  await mouse.move(...at(points[0]));
  await mouse.down();
  for (const p of points.slice(1)) await mouse.move(...at(p), { steps: 3 });
  await mouse.up();
  await animationFrames(target, 2);  // handled by the page
}

async function click(target, mouse, label, offset = { x: 0, y: 0 }) {
  const r = await target.waitForFunction((l) => window.lens._test.itemRect(l), label, { timeout: 10000 }).then((h) => h.jsonValue());
  await mouse.click(offset.x + r.x + r.width / 2, offset.y + r.y + r.height / 2);
  await animationFrames(target, 2);  // handled by the page
}

const inside = (r, w, h) => r && r.x >= 0 && r.y >= 0 && r.x + r.width <= w + 0.5 && r.y + r.height <= h + 0.5;

// The XOR half of a lecture, projected: the header keeps to two rows, the plane is a large
// square on screen (at least 40% of the window's height, as it fills the height at 100%), and
// a click on a corner of the square with the mouse sets the input to that corner.
test('XOR at the projector settings: two header rows, a plane at least 40% of the height, a real click picks a corner', { timeout: 120000 }, async () => {
  for (const [width, height, scale] of [[1280, 720, 2], [1280, 720, 2.5], [1920, 1080, 3], [1280, 800, 1]]) {
    const { page, errors, context } = await openPage(browser, `${server.url}#model=xor&scale=${scale}`, { viewport: { width, height }, skipHelp: true });
    await waitReady(page);
    await animationFrames(page, 3);
    const where = `${width}x${height} at ${scale * 100}%`;
    const tabs = await page.evaluate(() => window.lens._test.itemRect('tab bar'));
    assert.ok(tabs && tabs.y < 1.5 * tabs.height + 20, `${where}: the tabs ${JSON.stringify(tabs)} are on the header's second row at most`);
    const plane = await page.evaluate(() => window.lens.canvasRect());
    assert.ok(inside(plane, width, height), `${where}: the plane ${JSON.stringify(plane)} is on screen`);
    assert.ok(plane.height >= 0.4 * height && plane.width === plane.height, `${where}: the plane is ${plane.height} px tall, under 40% of ${height}`);
    // The square spans -0.25..1.25 on both axes, x2 up: the corner (1, 0) is at 5/6 across and 5/6 down.
    await page.mouse.click(plane.x + (5 / 6) * plane.width, plane.y + (5 / 6) * plane.height);
    await animationFrames(page, 2);
    const st = await page.evaluate(() => ({ input: Array.from(window.lens.state().input), predicted: window.lens.state().predicted }));
    assert.ok(Math.abs(st.input[0] - 1) < 0.02 && Math.abs(st.input[1]) < 0.02, `${where}: the click set the input to ${st.input}`);
    assert.equal(st.predicted, 1, `${where}: XOR(1, 0) = 1`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

// The Outputs tab at the projector settings: every class's images and captions lie within the
// window's width, and the wheel scrolls the last class into view.
test('Outputs at the projector settings: no class cut off at the side, the wheel reaches class 9', { timeout: 120000 }, async () => {
  for (const [width, height, scale] of [[1280, 720, 2], [1280, 720, 2.5], [1920, 1080, 3]]) {
    const { page, errors, context } = await openPage(browser, `${server.url}#model=mlp32&tab=outputs&scale=${scale}`, { viewport: { width, height }, skipHelp: true });
    await waitReady(page);
    await animationFrames(page, 3);
    const where = `${width}x${height} at ${scale * 100}%`;
    const rects = await page.evaluate(() => Array.from({ length: 10 }, (_, k) => window.lens._test.itemRect(`output class ${k}`)));
    for (const [k, r] of rects.entries()) assert.ok(r && r.x >= 0 && r.x + r.width <= width + 0.5, `${where}: class ${k} at ${JSON.stringify(r)}`);
    await page.mouse.move(width / 2, height * 0.7);
    for (let i = 0; i < 40; i++) {
      const r = await page.evaluate(() => window.lens._test.itemRect('output class 9'));
      if (r.y >= 0 && r.y + r.height <= height + 0.5) break;
      await page.mouse.wheel(0, 200);
      await animationFrames(page, 2);
    }
    const last = await page.evaluate(() => window.lens._test.itemRect('output class 9'));
    assert.ok(inside(last, width, height), `${where}: the wheel brought class 9 into view: ${JSON.stringify(last)}`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

// mlp6-dead at the projector settings: the banner keeps the sentence that matters, in whole
// sentences, and the Train tab has its curves beside the recipe, on screen.
test('mlp6-dead at the projector settings: the banner says which neuron carries the work; the Train tab shows its curves beside the recipe', { timeout: 180000 }, async () => {
  for (const [width, height, scale] of [[1280, 720, 2], [1280, 720, 2.5], [1920, 1080, 3]]) {
    const { page, errors, context } = await openPage(browser, `${server.url}#model=mlp6-dead&scale=${scale}`, { viewport: { width, height }, skipHelp: true });
    await waitReady(page);
    await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 120000 });
    await animationFrames(page, 3);
    const where = `${width}x${height} at ${scale * 100}%`;
    const shown = await page.evaluate(() => window.lens._test.shownText());
    const banner = shown.find((t) => t.includes('carries all the work'));
    assert.ok(banner, `${where}: the banner names the survivor; shown:\n${shown.join('\n')}`);
    assert.match(banner, /^Neuron 1 carries all the work: the other 5 of 6 are dead \(\d+% accuracy\)\.$/);
    await page.evaluate(() => window.lens.setTab('train'));
    await animationFrames(page, 3);
    const curves = await page.evaluate(() => window.lens._test.itemRect('learning curves'));
    const kill = await page.evaluate(() => window.lens._test.itemRect('Kill the neurons'));
    assert.ok(inside(curves, width, height) && inside(kill, width, height), `${where}: curves ${JSON.stringify(curves)}, preset ${JSON.stringify(kill)}`);
    assert.ok(curves.x > kill.x + kill.width, `${where}: the curves are beside the recipe`);
    // The help overlay, opened with its key, is whole on screen, its title too.
    await page.keyboard.press('?');
    await page.waitForFunction(() => window.lens.state().help, null, { timeout: 10000 });
    await animationFrames(page, 2);
    const help = await page.evaluate(() => window.lens._test.itemRect('help window'));
    assert.ok(inside(help, width, height), `${where}: the help ${JSON.stringify(help)} is on screen`);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !window.lens.state().help, null, { timeout: 10000 });
    assert.deepEqual(errors, []);
    await context.close();
  }
});

// A phone held upright: the canvas spans most of the width (at least 60%), on screen, and a
// finger's stroke on it draws (a vertical line reads as a 1).
test('on a 390x844 phone the canvas is at least 60% of the width and a finger draws on it', { timeout: 60000 }, async () => {
  const { page, errors, context } = await openPage(browser, `${server.url}#model=mlp128&help=0`, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true, skipHelp: true });
  await waitReady(page);
  await animationFrames(page, 3);
  const r = await page.evaluate(() => window.lens.canvasRect());
  assert.ok(inside(r, 390, 844) && r.width >= 0.6 * 390, `canvas ${JSON.stringify(r)}`);
  await fingerStrokeDown(page, context);
  assert.equal(await page.evaluate(() => window.lens.state().predicted), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('theme and text size: the buttons cycle dark, light, contrast; + and - step the text size', { timeout: 60000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=mlp32', { skipHelp: true });
  await waitReady(page);
  const view = () => page.evaluate(() => window.lens.state().view);
  const themeBecomes = (t) => page.waitForFunction((x) => window.lens.state().view.theme === x, t, { timeout: 10000 });
  assert.equal((await view()).theme, 'dark');
  await click(page, page.mouse, 'Light');
  await themeBecomes('light');
  await click(page, page.mouse, 'Contrast');
  await themeBecomes('contrast');
  assert.match(await page.evaluate(() => location.hash), /theme=contrast/);
  await click(page, page.mouse, 'Dark');
  await themeBecomes('dark');
  const scaleBecomes = (v) => page.waitForFunction((x) => window.lens.state().view.scale === x, v, { timeout: 10000 });
  await page.keyboard.press('+');
  await scaleBecomes(1.25);
  for (let i = 0; i < 6; i++) { await page.keyboard.press('+'); await animationFrames(page, 2); }
  assert.equal((await view()).scale, 3, '+ stops at 300%');
  await page.keyboard.press('-');
  await scaleBecomes(2.5);
  assert.match(await page.evaluate(() => location.hash), /scale=2.5/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a copied link reopens the view: the drawn digit, a switched-off neuron, the explained class', { timeout: 90000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=mlp32', { skipHelp: true });
  await waitReady(page);
  await strokeWithMouse(page, page.mouse, two);
  await page.evaluate(() => { window.lens.setNeuronOff(0, 5, true); window.lens.setExplainClass(3); });
  await animationFrames(page, 2);  // the frame after the change writes the link (main.cpp sync_url_hash)
  const before = await page.evaluate(() => window.lens.state());
  assert.deepEqual(before.view.off, [[0, 5]]);
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /ink=[A-Za-z0-9_-]+/);
  assert.match(hash, /class=3/);
  assert.match(hash, /off=0\.5/);
  assert.ok(hash.length < 2000, `the link is ${hash.length} characters`);

  const again = await openPage(browser, server.url + hash, { skipHelp: true });
  await waitReady(again.page);
  const after = await again.page.evaluate(() => window.lens.state());
  assert.deepEqual(after.input, before.input, 'the very same 784 pixels');
  assert.deepEqual(after.probs, before.probs);
  assert.deepEqual(after.view, before.view);
  assert.equal(await again.page.evaluate(() => location.hash), hash, 'and the same link');
  await again.page.keyboard.press('z');  // strokes, not only pixels: undo takes back the one stroke
  await again.page.waitForFunction(() => window.lens.state().input.every((v) => v === 0), null, { timeout: 10000 });

  // A test digit and a bad link.
  await again.page.evaluate(() => { location.hash = '#model=mlp32&test=17'; });
  await again.page.waitForFunction(() => window.lens.state().view.testDigit === 17, null, { timeout: 30000 });
  await followLink(again.page, '#model=mlp32&off=0.99');
  assert.equal((await again.page.evaluate(() => window.lens.state())).view.testDigit, 17, 'a bad link changes nothing');
  assert.deepEqual([...errors, ...again.errors], []);
  await again.context.close();
  await context.close();
});

test('embed mode in a 700x500 iframe: canvas and prediction, drawing predicts, the wheel scrolls the post, embed code', { timeout: 120000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  // What the page gives the clipboard (a headless browser's clipboard needs the window focused).
  await page.addInitScript(() => {
    if (navigator.clipboard) navigator.clipboard.writeText = (t) => { window.copiedText = t; return Promise.resolve(); };
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url + 'embed-example.html');
  const element = await page.waitForSelector('#lens');
  const frame = await element.contentFrame();
  await frame.waitForFunction(() => window.lens && window.lens.ready, null, { timeout: 60000 });
  await frame.evaluate(() => window.lens.ready);
  await frame.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 60000 });
  const box = await element.boundingBox();
  assert.equal(Math.round(box.width), 700);
  assert.equal(Math.round(box.height), 500);
  const state = await frame.evaluate(() => window.lens.state());
  assert.equal(state.view.embed, true);
  assert.equal(state.help, false, 'no help overlay in embed mode');
  const canvas = await frame.evaluate(() => window.lens.canvasRect());
  assert.ok(inside(canvas, 700, 500), `canvas ${JSON.stringify(canvas)} inside the iframe`);
  assert.ok(canvas.width >= 200, 'a canvas big enough to draw on');
  assert.equal(await frame.evaluate(() => window.lens._test.itemRect('Share')), null, 'no full-page chrome');

  await strokeWithMouse(frame, page.mouse, two, box);
  const drawn = await frame.evaluate(() => window.lens.state());
  assert.equal(drawn.predicted, 2, 'a stroke drawn in the iframe predicts');

  // The wheel over the canvas (which does not scroll) scrolls the post.
  const y0 = await page.evaluate(() => window.scrollY);
  await page.mouse.move(box.x + canvas.x + canvas.width / 2, box.y + canvas.y + canvas.height / 2);
  await page.mouse.wheel(0, 300);
  await page.waitForFunction((y) => window.scrollY > y, y0, { timeout: 5000 });

  // The embed code, by click, reaches the clipboard and names this view.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => window.scrollY === 0, null, { timeout: 10000 });
  const box2 = await element.boundingBox();
  await click(frame, page.mouse, 'Embed', box2);
  // The click's frame hands the code to the clipboard (lens-api.js _share, a Promise).
  const copied = await frame.waitForFunction(() => window.copiedText, null, { timeout: 10000 }).then((h) => h.jsonValue());
  assert.match(copied, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/index\.html#model=mlp32&amp;tab=explore&amp;ink=[A-Za-z0-9_-]+&amp;embed=1" width="700" height="500"/);
  assert.equal(copied, await frame.evaluate(() => window.lens.embedCode()));
  assert.match(await frame.evaluate(() => window.lens.embedCode({ width: 560, height: 400 })), /width="560" height="400"/);
  for (const bad of [{ width: 10 }, { height: 1.5 }, 'big', [700, 500]])
    await assert.rejects(frame.evaluate((b) => window.lens.embedCode(b), bad), /lens\.embedCode: /);
  assert.deepEqual(errors, []);
  await context.close();
});

test('?embed=1 as a query parameter opens embed mode too', { timeout: 60000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '?embed=1#model=mlp6', { viewport: { width: 560, height: 400 } });
  await waitReady(page);
  const s = await page.evaluate(() => window.lens.state());
  assert.equal(s.view.embed, true);
  assert.equal(s.help, false);
  assert.ok(inside(await page.evaluate(() => window.lens.canvasRect()), 560, 400));
  assert.deepEqual(errors, []);
  await context.close();
});
