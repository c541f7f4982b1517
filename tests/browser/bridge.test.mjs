// The host page talks to the embed (docs/embedding.md): a post on one origin (localhost) drives
// MNIST Lens in a 700x500 iframe on another (127.0.0.1) through embed.js, as a blog author's
// post would. The example post's buttons drive the embed; connect, call and on with real pointer
// input; the page ignores other protocols and windows other than its parent, refuses private or
// inherited names, malformed calls and a 17th listening connection, and changes nothing for
// them; a reload closes the connection; a page that cannot start, or an iframe that never
// answers, makes connect reject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, animationFrames, settled } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

// The same server reached by two names: two origins as far as the browser is concerned.
const pageUrl = () => server.url;                                   // http://127.0.0.1:PORT/
const postUrl = () => server.url.replace('//127.0.0.1:', '//localhost:');

const one = []; for (let i = 0; i <= 12; i++) one.push([0.5, 0.15 + 0.7 * i / 12]);
const two = [[0.3, 0.3], [0.38, 0.2], [0.5, 0.17], [0.62, 0.21], [0.67, 0.32], [0.63, 0.45], [0.52, 0.57],
  [0.4, 0.68], [0.3, 0.8], [0.45, 0.79], [0.6, 0.79], [0.72, 0.8]];

async function openPost(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${postUrl()}embed-example.html?lens=${encodeURIComponent(pageUrl())}`);
  const element = await page.waitForSelector('#lens');
  return { page, errors, element, frame: await element.contentFrame() };
}

// The post's own line under the figure, once it says what is asked.
const liveSays = (page, re) => page.waitForFunction((s) => new RegExp(s).test(document.getElementById('live').textContent), re.source, { timeout: 60000 })
  .catch(async () => assert.fail(`the prediction line says "${await page.textContent('#live')}", not ${re}`));

// What the post's line should say for the page's state now (the post's own words).
const lineOf = (frame) => frame.evaluate(() => {
  const s = window.lens.state(), answer = (a) => `a ${a.predicted}, ${Math.round(100 * a.probs[a.predicted])}% sure`;
  return `The network reads ${answer(s)}.${s.ablated ? ` With neurons switched off: ${answer(s.ablated)}.` : ''}`;
});
const liveIs = (page, text) => page.waitForFunction((t) => document.getElementById('live').textContent === t, text, { timeout: 10000 })
  .catch(async () => assert.fail(`the prediction line says "${await page.textContent('#live')}", not "${text}"`));

// A click on one of the post's buttons, scrolled into view first as a reader would. Input goes
// where the last frame drawn put things: after a scroll, two of the post's frames before the
// pointer moves (else a click or a stroke can miss, with a cross-origin iframe in the page).
async function press(page, selector) {
  await page.locator(selector).scrollIntoViewIfNeeded();
  await animationFrames(page, 2);
  await page.click(selector);
}

// A real stroke with the mouse on the iframe's canvas: the page's canvasRect plus the iframe's place.
async function strokeInFrame(page, element, rect, points) {
  const box = await element.boundingBox();
  const at = ([x, y]) => [box.x + rect.x + x * rect.width, box.y + rect.y + y * rect.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 3 });
  await page.mouse.up();
}

test('a post on another origin drives the embed: the example\'s buttons, call, on, refusals', { timeout: 300000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  await context.addInitScript(() => { try { localStorage.setItem('mnist-lens-visited', '1'); } catch (e) {} });
  const { page, errors, element, frame } = await openPost(context);
  const origins = [await page.evaluate(() => location.origin), await frame.evaluate(() => location.origin)];
  assert.notEqual(origins[0], origins[1], `two origins: ${origins}`);
  assert.equal(await page.evaluate(() => { try { return !!document.querySelector('iframe').contentWindow.document; } catch (e) { return 'blocked'; } }), 'blocked',
    'the post cannot reach into the page: postMessage is the only way');

  // --- the example post, as its reader uses it ---
  await liveSays(page, /waiting for a drawing/);
  await press(page, '#draw');
  await liveSays(page, /reads a 2, \d+% sure/);
  await press(page, '#open');
  await frame.waitForFunction(() => { const s = window.lens.state(); return s.model === 'mlp6-dead' && s.tab === 'neuron' && s.selected.neuron === 1; }, null, { timeout: 60000 });
  const on = await lineOf(frame);
  await liveIs(page, on);
  await press(page, '#off');
  await frame.waitForFunction(() => window.lens.state().view.off.some(([l, n]) => l === 0 && n === 1), null, { timeout: 10000 });
  const off = await lineOf(frame);
  assert.match(off, /^The network reads a \d, \d+% sure\. With neurons switched off: a \d, \d+% sure\.$/);
  await liveIs(page, off);
  assert.equal(await page.textContent('#off'), 'switch it back on');
  await press(page, '#off');
  await frame.waitForFunction(() => window.lens.state().view.off.length === 0, null, { timeout: 10000 });
  await liveIs(page, on);

  // --- connect and call, from a connection of the test's own ---
  await page.evaluate(async () => {
    window.__remote = await MnistLens.connect(document.querySelector('iframe'), { timeout: 60000 });
    window.__events = { prediction: [], view: [], training: [] };
  });
  const call = (method, ...args) => page.evaluate(([m, a]) => window.__remote.call(m, ...a), [method, args]);
  assert.equal(await call('model'), 'mlp6-dead');
  assert.ok(await page.evaluate(() => window.__remote.methods.includes('drawStroke') && !window.__remote.methods.some((m) => m.startsWith('_') || m === 'ready')));
  await call('selectModel', 'mlp32');
  assert.equal(await call('model'), 'mlp32');

  // on('prediction'): the current value first, then after a real stroke and after drawStroke.
  await page.evaluate(() => { window.__remote.on('prediction', (p) => window.__events.prediction.push(p)); });
  await page.waitForFunction(() => window.__events.prediction.length >= 1, null, { timeout: 10000 });
  assert.ok(await page.evaluate(() => new Promise((done) => { const stop = window.__remote.on('prediction', (p) => { stop(); done(p.probs instanceof Float32Array); }); })),
    'a second listener starts with the current value too');
  await call('clear');
  await page.waitForFunction(() => window.__events.prediction.at(-1).blank, null, { timeout: 10000 });
  await call('setTab', 'explore');
  await element.scrollIntoViewIfNeeded();
  await animationFrames(page, 2);  // (see press)
  await frame.waitForFunction(() => window.lens.canvasRect().width > 0, null, { timeout: 10000 });  // drawn in the next frame
  const rect = await call('canvasRect');
  const n0 = await page.evaluate(() => window.__events.prediction.length);
  await strokeInFrame(page, element, rect, two);
  await page.waitForFunction((n) => window.__events.prediction.length > n && window.__events.prediction.at(-1).predicted === 2, n0, { timeout: 10000 })
    .catch(async () => assert.fail(`no prediction event of a 2 after a real stroke in the iframe (last: ${await page.evaluate(() => JSON.stringify(window.__events.prediction.at(-1)))}, state: ${await frame.evaluate(() => JSON.stringify([window.lens.state().predicted, window.lens.state().model, window.lens.state().tab, window.lens.canvasRect()]))})`));
  await call('clear');
  await call('drawStroke', one);
  await page.waitForFunction(() => !window.__events.prediction.at(-1).blank && window.__events.prediction.at(-1).predicted === 1, null, { timeout: 10000 })
    .catch(() => assert.fail('no prediction event of a 1 after call("drawStroke")'));
  const last = await page.evaluate(() => {
    const p = window.__events.prediction.at(-1);
    return { typed: p.probs instanceof Float32Array, n: p.probs.length, sum: p.probs.reduce((a, b) => a + b, 0), keys: Object.keys(p).sort() };
  });
  assert.deepEqual(last, { typed: true, n: 10, sum: last.sum, keys: ['ablated', 'blank', 'predicted', 'probs'] });
  assert.ok(Math.abs(last.sum - 1) < 1e-4, `probabilities sum to ${last.sum}`);
  const probs = await page.evaluate(() => window.__events.prediction.at(-1).probs);
  assert.deepEqual(Object.values(probs), Object.values((await call('state')).probs), 'the event carries the page\'s own probabilities');

  // on('view') after a tab change; calls that open a neuron and switch it off, read back with state.
  await page.evaluate(() => { window.__stopView = window.__remote.on('view', (v) => window.__events.view.push(v)); });
  await page.waitForFunction(() => window.__events.view.length >= 1, null, { timeout: 10000 });
  await settled(frame);  // a listener does not keep the page drawing: it watches without waking it
  await call('setTab', 'outputs');
  await page.waitForFunction(() => window.__events.view.at(-1).tab === 'outputs', null, { timeout: 10000 })
    .catch(() => assert.fail('no view event after setTab("outputs")'));
  await call('selectModel', 'mlp6-dead');
  await call('select', 0, 1);
  await call('setTab', 'neuron');
  await call('setNeuronOff', 0, 1, true);
  const s = await call('state');
  assert.equal(s.model, 'mlp6-dead');
  assert.equal(s.tab, 'neuron');
  assert.deepEqual(s.selected, { layer: 0, neuron: 1 });
  assert.deepEqual(s.view.off, [[0, 1]]);
  assert.equal(typeof s.ablated?.predicted, 'number', 'state() gives the answer with neuron 1 off');
  assert.equal(s.layers.length, 1);
  assert.equal(await page.evaluate(async () => (await window.__remote.call('state')).input instanceof Float32Array), true, 'typed arrays stay typed');
  const v = await page.waitForFunction(() => { const v = window.__events.view.at(-1); return v.model === 'mlp6-dead' && v.tab === 'neuron' && v.layer === 0 && v.neuron === 1 && v; }, null, { timeout: 10000 })
    .then((h) => h.jsonValue());
  assert.match(v.link, /^http:\/\/127\.0\.0\.1:\d+\/index\.html#model=mlp6-dead&tab=neuron&layer=0&neuron=1/);

  // --- bad calls reject with the page's own message and change nothing ---
  const before = await frame.evaluate(() => { const s = window.lens.state(); return JSON.stringify([s.model, s.tab, s.selected, s.view, Array.from(s.input)]); });
  const rejected = (method, ...args) => page.evaluate(([m, a]) => window.__remote.call(m, ...a).then(() => 'resolved', (e) => e instanceof Error && e.message), [method, args]);
  const direct = (method, ...args) => frame.evaluate(([m, a]) => Promise.resolve().then(() => window.lens[m](...a)).then(() => 'resolved', (e) => e.message), [method, args]);
  for (const [m, ...a] of /** @type {any[][]} */ ([['select', 0, 999], ['setTab', 'nowhere'], ['selectModel', 'mlp9000'], ['setNeuronOff', 0, 1, 'yes'],
    ['drawStroke', []], ['setInput', new Array(5).fill(0)], ['figure', 'selfie']])) {
    const got = await rejected(m, ...a);
    assert.match(String(got), new RegExp(`^lens\\.${m}: `), `${m} rejects with the page's message`);
    assert.equal(got, await direct(m, ...a), `${m}: the same message as window.lens gives`);
  }
  for (const m of ['_test', 'constructor', '__proto__', 'ready', 'toString', 'hasOwnProperty', 'nope'])
    assert.match(String(await rejected(m)), new RegExp(`^lens embed: no method "${m}" can be called \\(callable: .*drawStroke`), m);
  assert.match(String(await page.evaluate(() => window.__remote.call('setInput', /** @type {any} */ (() => 1)).catch((e) => e.message))),
    /^MnistLens: the arguments of setInput cannot be sent to the page/);
  // A huge argument is refused by the method's own limit.
  assert.equal(await page.evaluate(() => window.__remote.call('setInput', new Float32Array(4000000)).catch((e) => e.message)),
    'lens.setInput: expected 784 values, got 4000000');

  // --- messages that are not a proper call: ignored, or refused with a reply, never acted on ---
  const lensOrigin = new URL(pageUrl()).origin;
  const replies = await page.evaluate(async (target) => {
    const iframe = document.querySelector('iframe'), got = [];
    const listen = (ev) => { if (ev.data && ev.data.type === 'mnist-lens' && (ev.data.channel === 'raw' || ev.data.channel === undefined)) got.push(ev.data); };
    window.addEventListener('message', listen);
    const P = { type: 'mnist-lens', version: 1, channel: 'raw' };
    const sent = [
      'hello', null, 42, [1, 2], { type: 'other', kind: 'call', method: 'clear' }, { kind: 'call', method: 'clear', id: 1 },  // not the protocol: ignored
      { ...P, version: 2, kind: 'call', id: 2, method: 'clear' },
      { type: 'mnist-lens', version: 1, kind: 'call', id: 3, method: 'clear' },
      { ...P, kind: 'eval', id: 4, code: 'window.lens.clear()' },
      { ...P, kind: 'call', method: 'clear' },
      { ...P, kind: 'call', id: 6, method: '_test', args: [] },
      { ...P, kind: 'call', id: 7, method: 'constructor', args: [] },
      { ...P, kind: 'call', id: 8, method: '__proto__', args: [] },
      { ...P, kind: 'call', id: 9, method: ['clear'], args: [] },
      { ...P, kind: 'call', id: 10, method: 'clear', args: 'now' },
      { ...P, kind: 'call', id: 11, method: 'setTab', args: new Array(100000).fill('train') },
      { ...P, kind: 'call', id: 12, method: 'x'.repeat(100000) },
      { ...P, kind: 'subscribe', id: 13, event: 'keys' },
    ];
    for (const m of sent) iframe.contentWindow.postMessage(m, target);
    // Answered in order: once the last call's reply is here, every earlier reply is too.
    iframe.contentWindow.postMessage({ ...P, kind: 'call', id: 'end', method: 'model' }, target);
    const end = Date.now() + 10000;
    while (!got.some((m) => m.id === 'end') && Date.now() < end) await new Promise((r) => requestAnimationFrame(r));
    window.removeEventListener('message', listen);
    return got.map((m) => [m.id, m.kind, m.message || m.value]);
  }, lensOrigin);
  const byId = new Map(replies.map(([id, kind, text]) => [id, `${kind}: ${text}`]));
  assert.equal(byId.get('end'), 'result: mlp6-dead');
  assert.equal(byId.get(1), undefined, 'a message without the protocol\'s type is ignored');
  assert.equal(byId.get(2), 'error: lens embed: protocol version 2 is not spoken here (this page speaks version 1)');
  assert.equal(byId.get(3), 'error: lens embed: channel must be a string of 1 to 64 characters, got undefined');
  assert.match(byId.get(4), /^error: lens embed: unknown kind "eval" \(known: hello, call, subscribe, unsubscribe\)$/);
  assert.match(replies.find(([id]) => id === undefined)?.[2] ?? '', /^lens embed: a call needs an id/);
  for (const id of [6, 7, 8]) assert.match(byId.get(id), /^error: lens embed: no method "(_test|constructor|__proto__)" can be called/);
  assert.match(byId.get(9), /^error: lens embed: no method an array of 1 values can be called/);
  assert.equal(byId.get(10), 'error: lens embed: args must be an array, got a string of 3 characters');
  assert.equal(byId.get(11), 'error: lens embed: args holds 100000 values; lens methods take at most 8');
  assert.match(byId.get(12), /^error: lens embed: no method "x{64}" can be called/);
  assert.equal(byId.get(13), 'error: lens embed: no event "keys" (events: prediction, view, training)');
  assert.equal(replies.length, 13, `one reply for each protocol message, none for the others: ${JSON.stringify(replies)}`);
  // At most 16 connections listen at once: two do already (the post's and this test's).
  const many = await page.evaluate(async (target) => {
    const lensWindow = document.querySelector('iframe').contentWindow, got = new Map();
    const listen = (ev) => { if (ev.data && /^many/.test(ev.data.channel) && ev.data.kind !== 'event') got.set(ev.data.channel, ev.data.kind === 'result' ? 'ok' : ev.data.message); };
    window.addEventListener('message', listen);
    const send = (kind, i) => lensWindow.postMessage({ type: 'mnist-lens', version: 1, channel: `many${i}`, kind, id: i, event: 'view' }, target);
    for (let i = 0; i < 16; i++) send('subscribe', i);
    while (got.size < 16) await new Promise((r) => requestAnimationFrame(r));
    const answers = [...got.values()];
    got.clear();
    for (let i = 0; i < 16; i++) send('unsubscribe', i);
    while (got.size < 16) await new Promise((r) => requestAnimationFrame(r));
    window.removeEventListener('message', listen);
    return answers;
  }, lensOrigin);
  assert.equal(many.filter((a) => a === 'ok').length, 14);
  assert.deepEqual(many.filter((a) => a !== 'ok'), new Array(2).fill('lens embed: at most 16 connections may listen at once'));

  // Only the embedding window is answered: another frame of the post (a sibling of the embed) is not,
  // and its call does nothing. Its message goes first; once the post's own call is answered and the
  // page has drawn three more frames, a reply to it would have come.
  await page.evaluate(() => new Promise((done) => {
    const sibling = document.createElement('iframe');
    sibling.id = 'sibling';
    sibling.srcdoc = '<p>another frame of the post</p>';
    sibling.onload = () => done(undefined);
    document.body.appendChild(sibling);
  }));
  const sibling = await (await page.waitForSelector('#sibling')).contentFrame();
  await sibling.evaluate((target) => {
    window.__got = [];
    window.addEventListener('message', (ev) => window.__got.push(ev.data));
    window.parent.frames[0].postMessage({ type: 'mnist-lens', version: 1, channel: 'sib', kind: 'call', id: 1, method: 'setTab', args: ['train'] }, target);
  }, lensOrigin);
  assert.equal(await call('model'), 'mlp6-dead');
  await animationFrames(frame, 3);
  assert.deepEqual(await sibling.evaluate(() => window.__got), [], 'no reply to a window that does not embed the page');
  const after = await frame.evaluate(() => { const s = window.lens.state(); return JSON.stringify([s.model, s.tab, s.selected, s.view, Array.from(s.input)]); });
  assert.equal(after, before, 'nothing changed');

  // Events go only to the connections that listen for them: a view event reaches this window once,
  // for the one connection listening to 'view' (a second connection, listening to nothing, gets none).
  const counted = await page.evaluate(async () => {
    const views = [];
    const second = await MnistLens.connect(document.querySelector('iframe'), { timeout: 60000 });
    const count = (ev) => { if (ev.data && ev.data.kind === 'event' && ev.data.event === 'view') views.push(ev.data.channel); };
    window.addEventListener('message', count);
    const seen = window.__events.view.length;
    await second.call('setTab', 'outputs');
    while (window.__events.view.length === seen) await new Promise((r) => requestAnimationFrame(r));
    await second.call('model');  // every event sent before this reply has arrived
    window.removeEventListener('message', count);
    second.close();
    return { views, got: window.__events.view.length - seen };
  });
  assert.equal(counted.views.length, counted.got, `view events posted to this window: ${JSON.stringify(counted)}`);
  assert.equal(new Set(counted.views).size, 1);
  // After the listener is stopped the page sends no more: a tab change, three of the page's frames
  // (it looks once a frame), then a call's reply, and no view event came.
  await page.evaluate(() => {
    window.__views = [];
    window.__count = (ev) => { if (ev.data && ev.data.kind === 'event' && ev.data.event === 'view') window.__views.push(ev.data); };
    window.addEventListener('message', window.__count);
    window.__stopView();
  });
  await call('setTab', 'network');
  await animationFrames(frame, 3);
  await call('model');
  assert.deepEqual(await page.evaluate(() => { window.removeEventListener('message', window.__count); return window.__views; }), []);

  // --- on('training') while a small training runs, and once when it ends ---
  await page.evaluate(() => {
    window.__remote.on('training', (t) => window.__events.training.push({ ...t, at: performance.now() }));
  });
  await page.waitForFunction(() => window.__events.training.length >= 1, null, { timeout: 10000 });
  const trained = await page.evaluate(() => window.__remote.call('train', { dataset: 'xor', layers: [2, 2, 1], activation: 'tanh', head: 'sigmoid',
    init: 'xavier', optimizer: 'adam', lr: 0.05, batch: 16, epochs: 60, seed: 2, validation: 0 }));
  await page.waitForFunction(() => window.__events.training.at(-1).status === 'done', null, { timeout: 10000 })
    .catch(() => assert.fail('no training event once it ended'));
  const runs = await page.evaluate(() => window.__events.training.filter((t) => t.run === window.__events.training.at(-1).run).map((t) => [t.status, t.epoch, t.at]));
  const running = runs.filter(([st]) => st === 'running');
  assert.ok(running.length >= 1, `training events while it ran: ${JSON.stringify(runs)}`);
  assert.equal(runs.filter(([st]) => st === 'done').length, 1, 'one event when it ended');
  assert.equal(runs.at(-1)[1], trained.epochs);
  const seconds = (runs.at(-1)[2] - runs[0][2]) / 1000;
  assert.ok(runs.length <= 4 * seconds + 2, `${runs.length} events in ${seconds.toFixed(1)} s: at most 4 a second`);

  // close() refuses later calls; a page loaded again in the iframe closes every connection to the old one.
  await page.evaluate(() => window.__remote.close());
  assert.match(await page.evaluate(() => window.__remote.call('model').catch((e) => e.message)), /^MnistLens: the connection is closed/);
  assert.equal(await page.evaluate(async () => {
    const iframe = document.querySelector('iframe'), third = await MnistLens.connect(iframe, { timeout: 60000 });
    const loaded = new Promise((done) => iframe.addEventListener('load', done, { once: true }));
    iframe.src = iframe.src.replace('index.html#', 'index.html?again#');
    await loaded;
    return third.call('model').catch((e) => e.message);
  }), 'MnistLens: the connection is closed (the iframe loaded another page; connect again)');
  await animationFrames(page, 2);
  assert.deepEqual(errors, []);
  await context.close();
});

test('connect rejects: an iframe that never answers, and a page that cannot start', { timeout: 60000 }, async () => {
  const context = await browser.newContext();
  // The page cannot start: lens.js does not arrive (shell.js says so; lens.ready rejects).
  await context.route(/127\.0\.0\.1:\d+\/lens\.js$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
  const page = await context.newPage();
  await page.goto(`${postUrl()}embed-example.html?lens=${encodeURIComponent(pageUrl())}`);
  await page.waitForFunction(() => /could not start/.test(document.getElementById('live').textContent), null, { timeout: 30000 });
  assert.equal(await page.textContent('#live'), 'MnistLens.connect: the page could not start: Download failed: lens.js could not be loaded. Check the connection and reload.');
  assert.equal(await page.getAttribute('#live', 'class'), 'problem');
  assert.equal(await page.evaluate(() => document.getElementById('draw').hasAttribute('disabled')), true, 'the buttons stay off');
  // Not MNIST Lens at that address: no answer within the stated time.
  const message = await page.evaluate((url) => {
    const f = document.createElement('iframe');
    f.src = url;
    document.body.appendChild(f);
    return MnistLens.connect(f, { timeout: 1000 }).then(() => 'connected', (e) => e.message);
  }, pageUrl() + 'models/models.json');
  assert.match(message, /^MnistLens\.connect: the iframe \(http:\/\/127\.0\.0\.1:\d+\) did not answer within 1 s; is it MNIST Lens/);
  await context.close();
});
