// The wasm in two parts (src/app/CMakeLists.txt, web/shell.js): lens.wasm, what the first
// view runs, before the first frame; lens.deferred.wasm, everything else, after it. The first
// view must not need the deferred part; a call into it before it arrived must still work
// (loaded synchronously); a failed download of it must not break the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, waitReady, siteDir } from './harness.mjs';
import { firstView, FIRST_VIEWS } from './first-view.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

// wasm-split's placeholder map (index:function), written next to the link output (not part of
// the site: a site from elsewhere, LENS_SITE_DIR, gets indices only).
const mapFile = path.join(siteDir, '../page-link/lens.placeholders');
const placeholders = new Map(existsSync(mapFile) ? readFileSync(mapFile, 'utf8').split('\n').filter(Boolean)
  .map((l) => { const i = l.indexOf(':'); return [Number(l.slice(0, i)), l.slice(i + 1)]; }) : []);
const named = (early) => early.map((i) => placeholders.get(i) || `#${i}`);

// A page whose background fetch of lens.deferred.wasm is held (or answered by `first`) until
// release(); the synchronous load (an XMLHttpRequest) is served at once.
async function open({ first = null, view = FIRST_VIEWS[0], hold = true } = {}) {
  const context = await browser.newContext({ viewport: view.viewport, deviceScaleFactor: view.deviceScaleFactor });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const backgroundFailed = failedInBackground(page);
  let held = null, released = false, requests = 0, syncLoads = 0;
  await page.route('**/lens.deferred.wasm', (route) => {
    requests++;
    if (route.request().resourceType() !== 'fetch') { syncLoads++; return route.continue(); }
    if (!hold || released) return route.continue();  // (the fetch may start after release())
    if (first) return route.fulfill(first);
    held = route;
  });
  await page.goto(server.url + view.hash);
  await page.waitForFunction(() => performance.getEntriesByName('lens-first-frame').length > 0, null, { timeout: 60000 });
  const release = async () => { released = true; if (held) { await held.continue(); held = null; } };
  return { page, errors, context, release, backgroundFailed, requests: () => requests, syncLoads: () => syncLoads };
}
// Watches the console for the page saying that its background download of the deferred part
// failed (web/shell.js compileDeferred: "... it is fetched again when needed"); call before the
// page opens. Returns a function whose Promise resolves once it has said so.
function failedInBackground(page) {
  let said = false, heard = () => {};
  page.on('console', (m) => {
    if (/lens\.deferred\.wasm.*fetched again when needed/.test(m.text())) { said = true; heard(); }
  });
  return () => (said ? Promise.resolve() : new Promise((resolve) => { heard = () => resolve(undefined); }));
}
const deferredState = (page) => page.evaluate(() => Module.lensDeferred());

for (const view of FIRST_VIEWS) {
  test(`the first view, ${view.name} (help, strokes, predictions, hover, keys, resize, sleep and wake), runs without the deferred part`, { timeout: 120000 }, async () => {
    const { page, errors, context, release, requests } = await open({ view });
    await firstView(page, view);
    const s = await page.evaluate(() => window.lens.state());
    if (view.draws !== false) assert.ok(s.input.some((v) => v > 0.5), 'the strokes were drawn');
    // On a laptop the last stroke (a 1) reads as a 1; on the phone's small canvas it need not.
    if (view.name === 'laptop') assert.equal(s.predicted, 1, `the last stroke (a 1) was predicted (${s.predicted})`);
    else if (view.draws !== false) assert.ok(s.predicted >= 0 && s.predicted <= 9, `a prediction (${s.predicted})`);
    const d = await deferredState(page);
    assert.deepEqual(named(d.early), [], 'deferred functions the first view called');
    assert.equal(d.ready, false, 'still held back');
    assert.equal(requests(), 1);
    await release();
    await page.waitForFunction(() => Module.lensDeferred().ready, null, { timeout: 30000 });
    assert.ok(await page.evaluate(() => performance.getEntriesByName('lens-deferred-ready').length === 1), 'marked for bench-load');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('a call into deferred code before it arrived loads it on the spot and gives the same result', { timeout: 120000 }, async () => {
  const figure = () => window.lens.figure('weights', { layer: 0, neuron: 3, scale: 2, theme: 'light' }).then((b) => Array.from(b));
  // The reference: a page that got its deferred part in the background.
  const normal = await open({});
  await normal.release();
  await waitReady(normal.page);
  await normal.page.waitForFunction(() => Module.lensDeferred().ready, null, { timeout: 30000 });
  const expected = await normal.page.evaluate(figure);
  assert.deepEqual((await deferredState(normal.page)).early, [], 'nothing loaded on the spot once it is in');
  await normal.context.close();

  const held = await open();
  await waitReady(held.page);
  assert.equal((await deferredState(held.page)).ready, false);
  const got = await held.page.evaluate(figure);
  assert.deepEqual(got.slice(0, 8), [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG');
  assert.deepEqual(got, expected, 'the same bytes as with the deferred part loaded in the background');
  const d = await deferredState(held.page);
  assert.ok(d.ready && d.early.length >= 1, 'loaded synchronously on the first call');
  assert.equal(held.requests(), 2, 'the background fetch (held) and the synchronous load');
  // The background fetch arriving afterwards changes nothing (the page marks when it has taken it).
  await held.release();
  await held.page.waitForFunction(() => performance.getEntriesByName('lens-deferred-ready').length > 0, null, { timeout: 30000 });
  assert.deepEqual(await held.page.evaluate(figure), expected);
  assert.deepEqual(held.errors, []);
  await held.context.close();
});

test('a failed background download of the deferred part is fetched again when needed', { timeout: 120000 }, async () => {
  const { page, errors, context, requests, backgroundFailed } = await open({ first: { status: 503, body: 'busy' } });
  await waitReady(page);
  await backgroundFailed();
  assert.equal((await deferredState(page)).ready, false);
  const png = await page.evaluate(() => window.lens.figure('weights', { layer: 0, neuron: 0 }).then((b) => b.length));
  assert.ok(png > 100, 'the figure was made');
  assert.equal(requests(), 2);
  assert.equal((await deferredState(page)).ready, true);
  // The 503 itself is the only error the browser reported.
  assert.ok(errors.every((e) => /503/.test(e)), errors.join('\n'));
  await context.close();
});

test('a link to another tab fetches the deferred part beside lens.wasm: its first frame needs no synchronous load', { timeout: 120000 }, async () => {
  const view = { name: 'link', hash: '#model=mlp32&tab=neuron&layer=0&neuron=1', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
  const { page, errors, context, syncLoads } = await open({ view, hold: false });
  await waitReady(page);
  const s = await page.evaluate(() => window.lens.state());
  assert.equal(s.tab, 'neuron');
  assert.deepEqual(s.selected, { layer: 0, neuron: 1 });
  assert.ok((await deferredState(page)).ready);
  const started = await page.evaluate(() => ({
    deferred: performance.getEntriesByType('resource').find((e) => /lens\.deferred\.wasm$/.test(e.name)).startTime,
    firstFrame: performance.getEntriesByName('lens-first-frame')[0].startTime,
  }));
  assert.ok(started.deferred < started.firstFrame, `fetched before the first frame (${JSON.stringify(started)})`);
  assert.equal(syncLoads(), 0, 'no synchronous download');
  assert.deepEqual(errors, []);
  await context.close();
});

test('when the deferred part cannot be downloaded at all, a call that needs it says so on the page', { timeout: 120000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.route('**/lens.deferred.wasm', (route) => route.fulfill({ status: 503, body: 'busy' }));
  const backgroundFailed = failedInBackground(page);
  await page.goto(server.url);
  await waitReady(page);
  await backgroundFailed();
  const s = await page.evaluate(() => window.lens.state());
  assert.equal(s.tab, 'explore', 'the first view works without it');
  const outcome = await page.evaluate(() => window.lens.figure('weights', { layer: 0, neuron: 0 })
    .then(() => 'made', (e) => 'rejected: ' + e.message).catch((e) => 'threw: ' + e.message));
  assert.match(outcome, /rejected|threw/, outcome);
  const card = await page.evaluate(() => document.getElementById('card').textContent);
  assert.match(card, /Download failed.*lens\.deferred\.wasm.*HTTP 503/s, card);
  await context.close();
});

test('a browser that refuses to compile the deferred part on the spot: the call fails and the page says why', { timeout: 120000 }, async () => {
  const { page, errors, context } = await open();
  await waitReady(page);
  // The background fetch is held; make synchronous compiles fail, as a stricter browser may.
  await page.evaluate(() => { WebAssembly.Module = /** @type {any} */ (function () { throw new RangeError('sync compile refused'); }); });
  const outcome = await page.evaluate(() => window.lens.figure('weights', { layer: 0, neuron: 0 })
    .then(() => 'made', (e) => 'rejected: ' + e.message).catch((e) => 'threw: ' + e.message));
  assert.match(outcome, /rejected|threw/, outcome);
  const card = await page.evaluate(() => document.getElementById('card').textContent);
  assert.match(card, /Not ready yet.*lens\.deferred\.wasm.*sync compile refused/s, card);
  assert.ok(errors.length <= 1, errors.join('\n'));
  await context.close();
});
