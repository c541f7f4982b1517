// Fingers on a 390x844 phone, with real touch events (CDP): a swipe up over the Explore panel
// moves its content with the finger and presses nothing (no card opens where it ends), a fast
// swipe glides on, a tap on a card or a button still clicks, a finger dragged across the
// brush slider changes the brush, a stroke on the canvas draws and scrolls nothing, two
// fingers spread or pinched step the text size, and a pinch that began on the canvas leaves
// the drawing as it was. The page itself never scrolls or zooms (window.scrollY, visualViewport).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, waitReady, animationFrames, settled, fingerStrokeDown } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const W = 390, H = 844;

// One finger along a straight path, one move an animation frame as a finger moves. `lift`:
// 'still' waits until the page is idle before lifting (a finger that stopped: no glide),
// 'moving' lifts right after the last move (a fling).
/** @param {number[]} from @param {number[]} to
 *  @param {{steps?: number, lift?: string, midway?: () => Promise<unknown>}} [how] */
async function fingerPath(page, cdp, from, to, how = {}) {
  const [[x0, y0], [x1, y1]] = [from, to];
  const { steps = 10, lift = 'still', midway = undefined } = how;
  const at = (k) => [{ x: x0 + (x1 - x0) * k / steps, y: y0 + (y1 - y0) * k / steps, id: 1 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let i = 1; i <= steps; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(i) });
    if (lift === 'still' || i < steps) await animationFrames(page, 1);
    if (midway && i === Math.floor(steps / 2)) await midway();
  }
  if (lift === 'still') await settled(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await settled(page);
}

// A tap: down and up where ImGui can see the press and the release (the page spreads them over frames).
async function tap(page, cdp, x, y) {
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y, id: 1 }] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await settled(page);
}

// Two fingers on a horizontal line through (cx, cy), `from` px apart to `to` px apart.
async function pinch(page, cdp, cx, cy, from, to, steps = 8) {
  const pts = (d) => [{ x: cx - d / 2, y: cy, id: 1 }, { x: cx + d / 2, y: cy, id: 2 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: pts(from) });
  for (let i = 1; i <= steps; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: pts(from + (to - from) * i / steps) });
    await animationFrames(page, 1);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await settled(page);
}

/** @returns {number[]} */
const center = (r) => [r.x + r.width / 2, r.y + r.height / 2];
const pageScroll = (page) => page.evaluate(() => ({ x: window.scrollX, y: window.scrollY, top: visualViewport.offsetTop, left: visualViewport.offsetLeft, zoom: visualViewport.scale }));
const still = { x: 0, y: 0, top: 0, left: 0, zoom: 1 };

// The brush slider's grab: the bright blue handle in the row under the canvas (found in a
// screenshot, as the slider carries no label of its own).
async function brushGrab(page) {
  const c = await page.evaluate(() => window.lens.canvasRect());
  const clip = { x: c.x, y: c.y + c.height, width: c.width, height: 50 };
  const png = await page.screenshot({ clip, scale: 'css' });
  // Decoded in the page (createImageBitmap): the bounding box of the grab's colour.
  const { minX, maxX, minY, maxY } = await page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const g = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d');
    g.drawImage(bmp, 0, 0);
    const d = g.getImageData(0, 0, bmp.width, bmp.height).data;
    const box = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
    for (let y = 0; y < bmp.height; y++) for (let x = 0; x < bmp.width; x++) {
      const i = 4 * (y * bmp.width + x);
      if (d[i + 2] > 200 && d[i] < 120 && d[i + 1] > 90) {
        box.minX = Math.min(box.minX, x); box.maxX = Math.max(box.maxX, x); box.minY = Math.min(box.minY, y); box.maxY = Math.max(box.maxY, y);
      }
    }
    return box;
  }, Buffer.from(png).toString('base64'));
  assert.ok(maxX >= minX, 'the brush slider is under the canvas');
  return { x: clip.x + (minX + maxX) / 2, y: clip.y + (minY + maxY) / 2, right: c.x + c.width };
}

test('on a phone a swipe scrolls the panel under the finger, a tap clicks, a stroke draws, two fingers set the text size', { timeout: 240000 }, async () => {
  const { page, errors, context } = await openPage(browser, `${server.url}#model=mlp32`, { viewport: { width: W, height: H }, deviceScaleFactor: 1, hasTouch: true, skipHelp: true });
  await waitReady(page);
  await settled(page);
  const cdp = await context.newCDPSession(page);
  const state = () => page.evaluate(() => { const s = window.lens.state(); return { tab: s.tab, selected: s.selected, scale: s.view.scale, predicted: s.predicted, input: s.input }; });
  const canvasY = async () => (await page.evaluate(() => window.lens.canvasRect())).y;

  // A swipe up over the prediction, below the canvas: the Explore panel's content follows the finger.
  const y0 = await canvasY();
  await fingerPath(page, cdp, [W / 2, 700], [W / 2, 400], { midway: () => page.screenshot({ path: process.env.LENS_TOUCH_SHOTS ? `${process.env.LENS_TOUCH_SHOTS}/mid-swipe.png` : undefined }) });
  const moved = y0 - await canvasY();
  assert.ok(Math.abs(moved - 300) <= 12, `a 300 px swipe moved the content ${moved} px`);
  assert.deepEqual(await pageScroll(page), still, 'the page itself does not scroll');
  assert.equal((await state()).tab, 'explore', 'the swipe pressed nothing');

  // Swipes over the panel (above the cards, which scroll in a window of their own) until the
  // first neuron card is high on the screen; then a swipe that starts and ends on it opens nothing:
  // it scrolls the cards' own window, the innermost under the finger.
  let card = await page.evaluate(() => window.lens._test.itemRect('first card of layer 0'));
  for (let i = 0; i < 4 && (!card || card.y > 520); i++) {
    await fingerPath(page, cdp, [W / 2, 450], [W / 2, card ? Math.max(250, 450 - (card.y - 500)) : 150]);
    card = await page.evaluate(() => window.lens._test.itemRect('first card of layer 0'));
  }
  assert.ok(card && card.y <= 520, `swiping brought the neuron cards up: ${JSON.stringify(card)}`);
  // A tap on the card opens it; a tap on the Explore tab (a button) goes back, the panel where it was.
  await tap(page, cdp, ...center(card));
  let s = await state();
  assert.equal(s.tab, 'neuron', 'a tap on a card opens it');
  assert.equal(s.selected.neuron, 0);
  await tap(page, cdp, ...center(await page.evaluate(() => window.lens._test.itemRect('tab bar'))));
  assert.equal((await state()).tab, 'explore', 'a tap on a tab button switches to it');
  assert.equal((await page.evaluate(() => window.lens._test.itemRect('first card of layer 0'))).y, card.y, 'the panel kept its scroll');

  // A swipe that starts and ends on the card scrolls the cards' own window and opens nothing.
  const [cx, cy] = center(card);
  await fingerPath(page, cdp, [cx, cy], [cx, cy - 60]);
  const cardAfter = await page.evaluate(() => window.lens._test.itemRect('first card of layer 0'));
  assert.ok(cardAfter && Math.abs(card.y - cardAfter.y - 60) <= 8, `the card moved with the finger: ${card.y} -> ${cardAfter?.y}`);
  s = await state();
  assert.equal(s.tab, 'explore', 'a swipe that ends over a card does not open it');
  // Back down by 60: the cards are at their top again. A swipe further down on them scrolls the panel around them.
  await fingerPath(page, cdp, center(cardAfter), [cx, cy]);
  assert.ok(Math.abs((await page.evaluate(() => window.lens._test.itemRect('first card of layer 0'))).y - card.y) <= 8, 'the cards back at their top');
  const panelBefore = await canvasY();
  await fingerPath(page, cdp, [cx, cy], [cx, cy + 100]);
  assert.ok(Math.abs(await canvasY() - panelBefore - 100) <= 10, `at the cards' top a swipe down moves the panel: ${panelBefore} -> ${await canvasY()}`);
  card = await page.evaluate(() => window.lens._test.itemRect('first card of layer 0'));

  // A fling: a fast swipe down, lifted while moving, glides on past the finger's path (here back to the top).
  const before = await canvasY();
  await fingerPath(page, cdp, [W / 2, 300], [W / 2, 420], { steps: 4, lift: 'moving' });
  const glided = await canvasY() - before;
  assert.ok(glided > 120 + 10, `a 120 px fling moved the content ${glided} px`);
  while (await canvasY() < y0 - 0.5) await fingerPath(page, cdp, [W / 2, 500], [W / 2, 800], { steps: 4, lift: 'moving' });
  assert.equal(await canvasY(), y0, 'back at the top');

  // A finger dragged across the brush slider changes the brush: a stroke drawn with it has more ink.
  const ink = async () => {
    await page.evaluate(() => { window.lens.clear(); window.lens.drawStroke([[0.5, 0.2], [0.5, 0.8]]); });
    await animationFrames(page, 2);
    const v = (await state()).input;
    return Object.values(v).reduce((a, b) => a + b, 0);
  };
  const inkBefore = await ink();
  const grab = await brushGrab(page);
  await fingerPath(page, cdp, [grab.x, grab.y], [Math.min(grab.right - 4, grab.x + 120), grab.y + 3]);
  const grabAfter = await brushGrab(page);
  assert.ok(grabAfter.x > grab.x + 40, `the slider's grab followed the finger: ${grab.x} -> ${grabAfter.x}`);
  assert.equal(await canvasY(), y0, 'the drag across scrolled nothing');
  assert.ok(await ink() > inkBefore * 1.2, 'a wider brush');
  await page.evaluate(() => window.lens.clear());

  // A stroke on the canvas draws (a 1) and scrolls nothing.
  await fingerStrokeDown(page, context);
  assert.equal((await state()).predicted, 1);
  assert.equal(await canvasY(), y0, 'the stroke scrolled nothing');
  assert.deepEqual(await pageScroll(page), still);

  // Two fingers spread: the text size goes up a step at a time (100 -> 200 px apart: 100% -> 200%); pinched, down.
  await pinch(page, cdp, W / 2, 650, 100, 200);
  assert.equal((await state()).scale, 2, 'pinch out: 200%');
  assert.match(await page.evaluate(() => location.hash), /scale=2(&|$)/);
  if (process.env.LENS_TOUCH_SHOTS) await page.screenshot({ path: `${process.env.LENS_TOUCH_SHOTS}/after-pinch.png` });
  await pinch(page, cdp, W / 2, 500, 240, 120);
  assert.equal((await state()).scale, 1, 'pinch in: back to 100%');
  assert.deepEqual(await pageScroll(page), still, 'the browser did not zoom');

  // A pinch whose first finger drew on the canvas: the drawing is as it was before it.
  const drawn = (await state()).input;
  const c = await page.evaluate(() => window.lens.canvasRect());
  const f1 = (dy) => ({ x: c.x + 0.3 * c.width, y: c.y + 0.3 * c.height + dy, id: 1 });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [f1(0)] });
  for (let i = 1; i <= 3; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [f1(12 * i)] });
    await animationFrames(page, 1);
  }
  await animationFrames(page, 2);
  assert.notDeepEqual((await state()).input, drawn, 'the first finger drew');
  const f2 = (dx) => ({ x: c.x + 0.3 * c.width + 60 + dx, y: c.y + 0.3 * c.height + 36, id: 2 });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [f1(36), f2(0)] });
  for (let i = 1; i <= 3; i++) {  // 60 -> 63 px apart: too little to change the text size
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [f1(36), f2(i)] });
    await animationFrames(page, 1);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await settled(page);
  const after = await state();
  assert.deepEqual(after.input, drawn, 'the stroke the pinch began with was taken back');
  assert.equal(after.predicted, 1);
  assert.equal(after.scale, 1, 'a small spread keeps the text size');

  // The XOR plane: a finger on it picks the point under it; a pinch begun on it puts the point back.
  await page.evaluate(() => window.lens.selectModel('xor'));
  await settled(page);
  const plane = await page.evaluate(() => window.lens.canvasRect());
  const inputAt = () => page.evaluate(() => Object.values(window.lens.state().input));
  await tap(page, cdp, plane.x + 0.25 * plane.width, plane.y + 0.5 * plane.height);
  const picked = await inputAt();
  assert.ok(Math.abs(picked[0] - 0.125) < 0.05 && Math.abs(picked[1] - 0.5) < 0.05, `a tap picks the point under it: ${picked}`);
  const p1 = { x: plane.x + 0.75 * plane.width, y: plane.y + 0.25 * plane.height, id: 1 };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [p1] });
  await page.waitForFunction((x) => Object.values(window.lens.state().input)[0] > x + 0.3, picked[0], { timeout: 10000 });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [p1, { x: p1.x - 40, y: p1.y + 40, id: 2 }] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await settled(page);
  assert.deepEqual(await inputAt(), picked, 'the pinch put the picked point back');
  assert.deepEqual(errors, []);
  await context.close();
});
