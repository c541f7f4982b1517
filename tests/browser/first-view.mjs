// What a visitor does in the first view, before the deferred part of the wasm arrived
// (web/shell.js): the page opens without a hash, the help shows, strokes are drawn and
// predicted, the pointer moves over the Explore view, and the keys the help lists for
// drawing are pressed. Shared by tests/browser/split.test.mjs and tools/wasm-split-profile.mjs.
export async function firstView(page) {
  // Where the canvas is comes from the JS API, usable once the test digits are in too.
  await page.waitForFunction(() => window.lens && window.lens.ready, null, { timeout: 120000 });
  await page.evaluate(() => window.lens.ready);
  const r = await page.evaluate(() => window.lens.canvasRect());
  const at = ([x, y]) => [r.x + x * r.width, r.y + y * r.height];
  const stroke = async (points) => {
    await page.mouse.move(...at(points[0]));
    await page.mouse.down();
    for (const p of points.slice(1)) { await page.mouse.move(...at(p)); await page.waitForTimeout(16); }
    await page.mouse.up();
    await page.waitForTimeout(100);
  };
  const one = []; for (let i = 0; i <= 12; i++) one.push([0.5, 0.15 + 0.7 * i / 12]);
  const bar = []; for (let i = 0; i <= 8; i++) bar.push([0.25 + 0.5 * i / 8, 0.5]);
  await stroke(one);
  await stroke(bar);
  // The pointer over the whole view (cards, prediction, tabs: hover effects and tooltips).
  const vp = page.viewportSize();
  for (let y = 20; y < vp.height; y += 60) {
    for (let x = 20; x < vp.width; x += 90) { await page.mouse.move(x, y); }
    await page.waitForTimeout(16);
  }
  for (const k of ['z', 'Backspace', 'c']) { await page.keyboard.press(k); await page.waitForTimeout(50); }
  await stroke(one);
  await page.waitForTimeout(200);
}
