// The page draws again only what changed since the last frame (src/app/damage.h) over a
// drawing buffer the browser keeps: what a visitor sees after strokes, hovers and a tab
// switch must be exactly what drawing the whole screen gives, and a frame in which nothing
// changed must not draw at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, waitReady, settled, animationFrames } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

// What is on screen now is what drawing the whole screen again gives.
async function sameAsWhole(page, when) {
  const partial = await page.screenshot();
  await page.evaluate(() => window.lens._test.redrawAll());
  await settled(page);
  assert.equal((await page.evaluate(() => window.lens.perf())).redrawn, 1, 'the last frame drew the whole screen');
  await settled(page);
  const whole = await page.screenshot();
  assert.ok(partial.equals(whole), `${when}, the screen differs from the whole screen drawn again`);
}

for (const [width, height, dpr] of [[1280, 800, 1], [1280, 720, 2]]) {
  test(`at ${width}x${height}@${dpr} partial redraws leave the same pixels as a whole redraw`, { timeout: 180000 }, async () => {
    const { page, errors, context } = await openPage(browser, `${server.url}#model=mlp128&help=0`,
      { viewport: { width, height }, deviceScaleFactor: dpr, skipHelp: true });
    await waitReady(page);
    await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 120000 });
    await settled(page);
    const r = await page.evaluate(() => window.lens.canvasRect());
    const redrawn = [];
    await page.mouse.move(r.x + r.width * 0.3, r.y + r.height * 0.25);
    await page.mouse.down();
    for (let i = 0; i <= 24; i++) {
      const a = Math.PI * 2 * i / 24;
      await page.mouse.move(r.x + r.width * (0.5 + 0.25 * Math.sin(a)), r.y + r.height * (0.5 - 0.3 * Math.cos(a)), { steps: 2 });
      redrawn.push((await page.evaluate(() => window.lens.perf())).redrawn);
    }
    await page.mouse.up();
    // A stroke changes part of the screen: the frames drawn during it redrew only part of it.
    assert.ok(Math.min(...redrawn) < 0.7, `a stroke redrew ${redrawn.map((v) => v.toFixed(2)).join(' ')} of the screen`);
    await settled(page);
    await sameAsWhole(page, 'after a stroke');
    // Hovers that come and go: a card's highlight and tooltip.
    const card = await page.evaluate(() => window.lens._test.itemRect('first card of layer 0'));
    assert.ok(card, 'the first card is on screen');
    await page.mouse.move(card.x + card.width / 2, card.y + card.height / 2);
    await animationFrames(page, 2);  // the highlight and tooltip drawn
    await page.mouse.move(r.x + r.width / 2, r.y + r.height + 2);
    await settled(page);
    await sameAsWhole(page, 'after a hover');
    await page.evaluate(() => window.lens.setTab('neuron'));
    await animationFrames(page, 2);  // the other tab drawn
    await page.evaluate(() => window.lens.setTab('explore'));
    await settled(page);
    await sameAsWhole(page, 'after a tab switch');
    // A resize event (SDL then sets the canvas's size again, which may clear it) is drawn whole.
    await page.evaluate(() => window.dispatchEvent(new Event('resize')));
    await settled(page);
    await sameAsWhole(page, 'after a resize event');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('frames in which nothing changed draw nothing', { timeout: 120000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    try { localStorage.setItem('mnist-lens-visited', '1'); } catch (e) { /* no storage */ }
    const P = WebGL2RenderingContext.prototype, draw = P.drawElements, clear = P.clear;
    window.glCalls = 0;
    P.drawElements = function (...a) { window.glCalls++; return draw.apply(this, a); };
    P.clear = function (...a) { window.glCalls++; return clear.apply(this, a); };
  });
  await page.goto(`${server.url}#model=mlp6&help=0`);
  await waitReady(page);
  await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 120000 });
  await settled(page);
  const frame0 = await page.evaluate(() => window.lens.perf().frame);
  await settled(page);
  const calls = await page.evaluate(() => window.glCalls);
  await page.evaluate(() => window.lens.setTab('explore'));  // the tab it shows: wakes the page for its settle frames, changes nothing
  await settled(page);
  assert.equal(await page.evaluate(() => window.glCalls), calls, 'frames that change nothing draw nothing');
  // setTab wakes the page for its settle frames (kSettleFrames = 20 in main.cpp); reading
  // lens.perf() wakes nothing, so these are the frames setTab caused.
  assert.ok(await page.evaluate(() => window.lens.perf().frame) >= frame0 + 20, 'the page did run its settle frames');
  await settled(page);
  const after = { calls: await page.evaluate(() => window.glCalls) };
  // A real change draws.
  await page.evaluate(() => window.lens.setInput(new Array(784).fill(0.5)));
  await settled(page);
  assert.ok(await page.evaluate(() => window.glCalls) > after.calls, 'a new input is drawn');
  await context.close();
});
