// What a visitor does in the first view, before the deferred part of the wasm arrived
// (web/shell.js): the page opens (a first visit: the help shows), strokes are drawn and
// predicted, the pointer moves over the view, and the keys the help lists for drawing are
// pressed. Shared by tests/browser/split.test.mjs and tools/wasm-split-profile.mjs.

// The ways a page is first seen: without a hash on a laptop, a large screen and a phone,
// embedded in a post, and on a projector at 200% text. Each lays the Explore view out
// differently. The two lessons a lecture links to first are among them too: the XOR network
// (no canvas: it is read from its weights) and the network with dead neurons. A link to another
// tab than Explore is not among them (it loads the rest at once).
export const FIRST_VIEWS = [
  { name: 'laptop', hash: '', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  { name: 'large screen', hash: '', viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 2 },
  { name: 'phone', hash: '', viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 },
  { name: 'embed', hash: '#embed=1', viewport: { width: 700, height: 500 }, deviceScaleFactor: 1 },
  { name: 'projector', hash: '#scale=2', viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 },
  { name: 'xor lesson', hash: '#model=xor', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, draws: false },
  { name: 'dead-neuron lesson', hash: '#model=mlp6-dead', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
];

export async function firstView(page, view = FIRST_VIEWS[0]) {
  // Where the canvas is comes from the JS API, usable once the test digits are in too.
  await page.waitForFunction(() => window.lens && window.lens.ready, null, { timeout: 120000 });
  await page.evaluate(() => window.lens.ready);
  // The layout settles once the analysis is done (the dead-neuron lesson's banner then moves
  // the canvas down): a stroke that started on the canvas and landed on a panel would drag it.
  await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 120000 });
  if (view.closeHelp) { await page.keyboard.press('Escape'); await page.waitForTimeout(100); }
  // Asked again before each stroke: a banner that appears once the analysis is done (the
  // dead-neuron lesson's) moves the canvas down.
  let r = await page.evaluate(() => window.lens.canvasRect());
  const at = ([x, y]) => [r.x + x * r.width, r.y + y * r.height];
  const stroke = async (points) => {
    if (view.draws === false) return;  // no canvas in this view
    r = await page.evaluate(() => window.lens.canvasRect());
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
  // The window is resized (a phone turned, a browser window dragged) and back.
  await page.setViewportSize({ width: vp.width - 80, height: vp.height - 60 });
  await page.waitForTimeout(200);
  await page.setViewportSize(vp);
  await page.waitForTimeout(200);
  // The visitor pauses: once nothing changes the page stops drawing (main.cpp), and the
  // pointer wakes it again (lens_wake, which also runs when a download arrives meanwhile).
  await page.waitForFunction(() => Module.lensSleeping === true, null, { timeout: 120000 });
  await page.mouse.move(...at([0.5, 0.5]));
  await page.waitForFunction(() => Module.lensSleeping !== true, null, { timeout: 10000 });
  await page.waitForTimeout(200);
}
