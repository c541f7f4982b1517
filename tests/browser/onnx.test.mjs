// ONNX models in the page: PyTorch exports (tests/onnx, from tools/onnx-fixtures.py) loaded with
// lens.loadBundle or dropped as files give PyTorch's probabilities on the first 1000 MNIST test
// images within 1e-4, through lens.predict and predictBatch as through setInput and state(); a
// model that records no normalization is shown with the one measured best, says so, and can be
// switched to another by keyboard or through lens.setNormalization; a model loaded with a wrong
// normalization is flagged with both accuracies and the likely cause; a model is never named
// after its exporter ("torch_jit").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, openPage, waitReady, framesDrawn } from './harness.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(root, 'tests/onnx');
const manifest = JSON.parse(readFileSync(path.join(fixtures, 'fixtures.json'), 'utf8'));
const kImages = 1000;

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

async function open() {
  const { page, errors, context } = await openPage(browser, server.url, { skipHelp: true });
  await waitReady(page);
  return { page, errors, context };
}

// The first kImages test images as 784 bytes each (the page's own test set, assets/mnist).
function testImages() {
  const idx = gunzipSync(readFileSync(path.join(root, 'assets/mnist/t10k-images-idx3-ubyte.gz')));
  return idx.subarray(16, 16 + kImages * 784);
}

const b64 = (file) => readFileSync(path.join(fixtures, file)).toString('base64');

// Loads a fixture and waits until the model is on screen (one that records no normalization is
// shown once the page has measured it on the test digits).
async function loadOnnx(page, file, options, bytes = readFileSync(path.join(fixtures, file))) {
  return page.evaluate(async ({ data, options }) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    try {
      const id = window.lens.loadBundle(bytes, options);
      await window.lens.selectModel(id);
      return { id };
    } catch (e) { return { error: e.message }; }
  }, { data: Buffer.from(bytes).toString('base64'), options });
}

// The model shown, as lens.models() lists it.
const shownModel = (page) => page.evaluate(() => window.lens.models().find((x) => x.id === window.lens.model()));

// PyTorch's probabilities for the fixture's first kImages test images (tests/onnx/<id>.probs).
const torchProbs = (m) => new Float32Array(readFileSync(path.join(fixtures, m.probs)).buffer.slice(0));

// The share of images whose largest probability is their label's.
function accuracyOf(probs, labels, n) {
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (probs[i * 10 + c] > probs[i * 10 + best]) best = c;
    if (best === labels[i]) right++;
  }
  return right / n;
}

// The first n test labels (assets/mnist).
function testLabels(n) {
  return gunzipSync(readFileSync(path.join(root, 'assets/mnist/t10k-labels-idx1-ubyte.gz'))).subarray(8, 8 + n);
}

// lens.predictBatch on the first n test images (bytes), and setInput + state() on each of them.
async function bothWays(page, images, n) {
  return page.evaluate(({ data, n }) => {
    const px = Uint8Array.from(atob(data), (c) => c.charCodeAt(0)).subarray(0, n * 784);
    const batch = window.lens.predictBatch(px);
    const one = window.lens.predict(px.subarray(0, 784));
    const state = [];
    for (let i = 0; i < n; i++) {
      window.lens.setInput(px.subarray(i * 784, (i + 1) * 784));
      state.push(...window.lens.state().probs);
    }
    return { batch: Array.from(batch), one: Array.from(one), state };
  }, { data: Buffer.from(images).toString('base64'), n });
}

// The largest |a - b| over two arrays of numbers.
const worstDiff = (a, b, n) => { let w = 0; for (let i = 0; i < n; i++) w = Math.max(w, Math.abs(a[i] - b[i])); return w; };

// The page's probabilities for each image, through lens.setInput and lens.state().
async function pageProbabilities(page, images) {
  return page.evaluate(({ data, n }) => {
    const px = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const out = [];
    for (let i = 0; i < n; i++) {
      window.lens.setInput(Array.from(px.subarray(i * 784, (i + 1) * 784), (v) => v / 255));
      out.push(window.lens.state().probs);
    }
    return out;
  }, { data: Buffer.from(images).toString('base64'), n: kImages });
}

test('PyTorch exports give PyTorch\'s probabilities on 1000 test images within 1e-4', { timeout: 600000 }, async () => {
  const { page, errors, context } = await open();
  const images = testImages();
  for (const m of manifest.models) {
    // Given, for the model that records none: the page would measure the same one (below).
    const options = m.normalize && !m.normalize_recorded ? { normalize: m.normalize } : undefined;
    const r = await loadOnnx(page, m.onnx, options);
    assert.ok(r.id, `${m.id}: ${r.error}`);
    const info = await page.evaluate(() => window.lens.models().find((x) => x.id === window.lens.model()));
    assert.deepEqual(info.layers[0], 784);
    assert.equal(info.normalize !== null, m.normalize !== null, `${m.id}: normalize ${JSON.stringify(info.normalize)}`);
    const got = await pageProbabilities(page, images);
    const want = new Float32Array(readFileSync(path.join(fixtures, m.probs)).buffer.slice(0));
    let worst = 0;
    for (let i = 0; i < kImages; i++)
      for (let c = 0; c < 10; c++) worst = Math.max(worst, Math.abs(got[i][c] - want[i * 10 + c]));
    console.log(`${m.id}: max |p_page - p_torch| = ${worst.toExponential(2)} over ${kImages} images`);
    assert.ok(worst <= 1e-4, `${m.id}: page and PyTorch differ by ${worst}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a model given a wrong normalization is flagged with both accuracies and the cause; with its own, the accuracy is PyTorch\'s', { timeout: 600000 }, async () => {
  const { page, errors, context } = await open();
  const m = manifest.models.find((x) => x.id === 'mlp-norm-unrecorded');
  const raw = await loadOnnx(page, m.onnx, { normalize: [0, 1] });  // trained on MNIST's, given raw pixels
  assert.ok(raw.id, raw.error);
  assert.equal((await shownModel(page)).normalizeSource, 'given');
  await page.waitForFunction(() => window.lens.accuracyCheck() !== null, null, { timeout: 300000 });
  const check = await page.evaluate(() => window.lens.accuracyCheck());
  assert.equal(check.differs, true, JSON.stringify(check));
  assert.ok(Math.abs(check.recorded - m.torch_accuracy) < 1e-6);
  assert.ok(check.measured < m.torch_accuracy - 0.005, JSON.stringify(check));
  assert.match(check.message, /records a test accuracy of 91\.66%/);
  assert.match(check.message, /missing input normalization/);

  const fixed = await loadOnnx(page, m.onnx, { normalize: m.normalize, name: 'normalized' });
  assert.equal(fixed.id, 'normalized');
  await page.waitForFunction(() => window.lens.accuracyCheck() !== null, null, { timeout: 300000 });
  const ok = await page.evaluate(() => window.lens.accuracyCheck());
  assert.equal(ok.differs, false, JSON.stringify(ok));
  assert.ok(Math.abs(ok.measured - m.torch_accuracy) < 1.01e-4, `page ${ok.measured}, PyTorch ${m.torch_accuracy}`);
  assert.equal(ok.message, null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an .onnx file dropped on the page is loaded and named after the file; a bad one is refused', { timeout: 120000 }, async () => {
  const { page, errors, context } = await open();
  const drop = (data, name) => page.evaluate(({ data, name }) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { data, name });
  const before = await page.evaluate(() => window.lens.models().length);
  await drop(b64('mlp-tanh-logsoftmax.onnx'), 'Lab Model.onnx');
  await page.waitForFunction(() => window.lens.model() === 'lab-model', null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.lens.models().length), before + 1);
  // Refusals: options of the wrong kind, and a graph cut short.
  const bad = await page.evaluate(() => {
    try { window.lens.loadBundle(new Uint8Array([8, 1]), { normalize: [0.1, 0] }); return null; } catch (e) { return e.message; }
  });
  assert.match(bad, /normalize/);
  const cut = readFileSync(path.join(fixtures, 'mlp-relu-softmax.onnx')).subarray(0, 5000);
  const r = await page.evaluate((data) => {
    try { window.lens.loadBundle(Uint8Array.from(atob(data), (c) => c.charCodeAt(0))); return null; } catch (e) { return e.message; }
  }, Buffer.from(cut).toString('base64'));
  assert.match(r, /^lens\.loadBundle: onnx: not a valid ONNX file \(field 7 says \d+ bytes/);  // the reader names itself
  assert.equal(await page.evaluate(() => window.lens.models().length), before + 1, 'refusals change nothing');
  assert.deepEqual(errors, []);
  await context.close();
});

test('lens.predict and predictBatch equal setInput + state() on 200 test digits and PyTorch within 1e-4, the normalization recorded or given', { timeout: 600000 }, async () => {
  const { page, errors, context } = await open();
  const images = testImages(), labels = testLabels(kImages);
  for (const [id, options] of [['mlp-relu-softmax', undefined], ['mlp-norm-unrecorded', { normalize: [0.1307, 0.3081] }]]) {
    const m = manifest.models.find((x) => x.id === id);
    const r = await loadOnnx(page, m.onnx, options);
    assert.ok(r.id, `${id}: ${r.error}`);
    assert.equal((await shownModel(page)).normalizeSource, options ? 'given' : 'recorded');
    const got = await bothWays(page, images, 200);
    assert.deepEqual(got.batch, got.state, `${id}: predictBatch is setInput + state(), bit for bit`);
    assert.deepEqual(got.one, got.state.slice(0, 10), `${id}: predict is too`);
    const all = await page.evaluate((data) => Array.from(window.lens.predictBatch(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)))),
      Buffer.from(images).toString('base64'));
    const want = torchProbs(m);
    const worst = worstDiff(all, want, kImages * 10);
    console.log(`${id}: predictBatch vs PyTorch on ${kImages} digits: max diff ${worst.toExponential(2)}, accuracy ${accuracyOf(all, labels, kImages)}`);
    assert.ok(worst <= 1e-4, `${id}: ${worst}`);
    assert.equal(accuracyOf(all, labels, kImages), accuracyOf(want, labels, kImages), `${id}: the same digits right as PyTorch`);
  }
  // The given map in a .lens bundle (what lens-import --normalize writes), loaded again: the same.
  const bundle = await page.evaluate(() => Array.from(window.lens.modelBundle()));
  const again = await page.evaluate(async (b) => { const id = window.lens.loadBundle(new Uint8Array(b)); await window.lens.selectModel(id); return id; }, bundle);
  const info = await shownModel(page);
  assert.equal(info.id, again);
  assert.equal(info.normalizeSource, 'recorded');
  assert.ok(Math.abs(info.normalize[0] - 0.1307) < 1e-6 && Math.abs(info.normalize[1] - 0.3081) < 1e-6);
  const got = await bothWays(page, images, 200);
  assert.deepEqual(got.batch, got.state, 'a .lens bundle with its map: predictBatch is setInput + state()');
  assert.equal(accuracyOf(got.batch, labels, 200), accuracyOf(torchProbs(manifest.models.find((x) => x.id === 'mlp-norm-unrecorded')), labels, 200));
  assert.deepEqual(errors, []);
  await context.close();
});

// The accessible mirror's controls, as role and name (for a failure's message).
const mirrorControls = (page) => page.evaluate(() => [...document.querySelectorAll('main#a11y button, main#a11y input, main#a11y [role=option]')]
  .map((e) => (e.getAttribute('role') || e.tagName.toLowerCase()) + ': ' + (e.getAttribute('aria-label') || '')));
// A key pressed on a control of the accessible mirror, once it is on the page and stays put: a
// list is drawn over its first frames (ImGui sizes a popup in the first), and a press lands where
// the control is drawn.
async function keyOn(page, selector, key = 'Enter') {
  await page.waitForFunction((q) => document.querySelector(q), selector, { timeout: 10000 })
    .catch(async () => assert.fail(`${selector} is on the page (its controls: ${JSON.stringify(await mirrorControls(page))})`));
  const where = () => page.evaluate((q) => { const e = /** @type {HTMLElement} */ (document.querySelector(q)); return e && e.style.left + ',' + e.style.top; }, selector);
  let at = await where();
  for (let i = 0; i < 20; i++) {
    await framesDrawn(page, 2, 5000).catch(() => {});
    const again = await where();
    if (again === at) break;
    at = again;
  }
  await page.evaluate((q) => /** @type {HTMLElement} */ (document.querySelector(q)).focus(), selector);
  await page.keyboard.press(key);
}
// What the accessible mirror shows as text (web/a11y.js): the page's sentences as a screen reader gets them.
const mirrorTexts = (page) => page.evaluate(() => [...document.querySelectorAll('main#a11y p, main#a11y [role=status]')].map((e) => e.textContent));

test('a model that records no normalization is measured before it is shown, says so, and changes map by keyboard and lens.setNormalization', { timeout: 600000 }, async () => {
  const { page, errors, context } = await open();
  const m = manifest.models.find((x) => x.id === 'mlp-norm-unrecorded');
  const images = testImages(), labels = testLabels(kImages), want = torchProbs(m);
  assert.equal((await page.evaluate(() => window.lens.state())).testDigits, 'absent', 'a fresh page has not fetched the test digits');
  const shown = await page.evaluate(() => window.lens.model());
  const first = await page.evaluate(async (data) => {
    const id = window.lens.loadBundle(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
    const waiting = { source: window.lens.models().find((x) => x.id === id).normalizeSource, shown: window.lens.model() };
    await window.lens.selectModel(id);
    return { id, waiting };
  }, b64(m.onnx));
  assert.deepEqual(first.waiting, { source: 'pending', shown }, 'not shown until its normalization is measured');
  const info = await shownModel(page);
  assert.equal(info.id, first.id);
  assert.equal(info.normalizeSource, 'measured');
  assert.ok(Math.abs(info.normalize[0] - 0.1307) < 1e-6 && Math.abs(info.normalize[1] - 0.3081) < 1e-6, JSON.stringify(info.normalize));
  const measured = info.normalizeMeasured;
  assert.equal(measured.digits, 1000);
  assert.equal(measured.best, 'mnist');
  // The same figures as natively (InputNormSearch.*, lens-import): the same bits in wasm.
  assert.deepEqual(measured.candidates.map((c) => [c.id, c.normalize && c.normalize.map((v) => +v.toFixed(4)), c.accuracy]),
    [['raw', null, 0.823], ['mnist', [0.1307, 0.3081], 0.913], ['symmetric', [0.5, 0.5], 0.749]]);
  const sentence = 'No input normalization recorded, so three were measured on 1,000 test digits and the best is used: ' +
                   '(pixel - 0.1307) / 0.3081 scores 91.3%, raw pixels 82.3%, (pixel - 0.5) / 0.5 74.9%.';
  assert.equal(info.normalizeSentence, sentence);
  assert.equal(measured.sentence, sentence);
  await page.waitForFunction((t) => [...document.querySelectorAll('main#a11y p')].some((e) => e.textContent === t), sentence, { timeout: 10000 })
    .catch(async () => assert.fail(`the sentence is on the page (the mirror has: ${JSON.stringify(await mirrorTexts(page))})`));
  // Predictions go through the found map: PyTorch's probabilities, and state() agrees.
  let got = await bothWays(page, images, 200);
  assert.deepEqual(got.batch, got.state);
  const all = await page.evaluate((data) => Array.from(window.lens.predictBatch(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)))),
    Buffer.from(images).toString('base64'));
  assert.ok(worstDiff(all, want, kImages * 10) <= 1e-4);
  assert.equal(accuracyOf(all, labels, kImages), accuracyOf(want, labels, kImages));

  // The keyboard: the banner's button opens the Network tab, whose list picks raw pixels.
  await keyOn(page, 'main#a11y button[aria-label="Change the input normalization"]');
  await page.waitForFunction(() => window.lens.state().tab === 'network', null, { timeout: 10000 })
    .catch(() => assert.fail('Enter on "Change the input normalization" opened the Network tab'));
  const list = 'main#a11y button[aria-haspopup=listbox][aria-label^="Input normalization:"]';
  await page.waitForFunction((q) => document.querySelector(q), list, { timeout: 10000 });
  assert.match(await page.evaluate((q) => document.querySelector(q).getAttribute('aria-label'), list), /^Input normalization: MNIST \(0\.1307, 0\.3081\): 91\.3%$/);
  await keyOn(page, list);
  await keyOn(page, '[role=listbox][aria-label="Input normalization"] [role=option][aria-label^="Raw pixels"]');
  await page.waitForFunction(() => window.lens.models().find((x) => x.id === window.lens.model()).normalize === null, null, { timeout: 10000 })
    .catch(() => assert.fail('Enter on "Raw pixels" chose raw pixels'));
  const raw = await shownModel(page);
  assert.equal(raw.normalizeSource, 'chosen');
  assert.equal(raw.normalizeMeasured.best, 'mnist', 'the measurement is kept');
  assert.match(raw.normalizeSentence, /^Input normalization chosen here: raw pixels; measured on 1,000 test digits, raw pixels score 82\.3%, /);
  got = await bothWays(page, images, 200);
  assert.deepEqual(got.batch, got.state, 'predict and state() both follow the chosen map');
  const rawAll = await page.evaluate((data) => Array.from(window.lens.predictBatch(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)))),
    Buffer.from(images).toString('base64'));
  assert.equal(accuracyOf(rawAll, labels, kImages), 0.823, 'raw pixels: the measured score');
  // The recorded-against-measured check is measured with the chosen map.
  await page.waitForFunction(() => window.lens.accuracyCheck() !== null, null, { timeout: 300000 });
  const check = await page.evaluate(() => window.lens.accuracyCheck());
  assert.equal(check.differs, true, JSON.stringify(check));
  assert.ok(Math.abs(check.measured - 0.8541) < 1e-6, JSON.stringify(check));

  // The API: back to MNIST's map; a bad argument is refused with a message and changes nothing.
  assert.equal(await page.evaluate(() => window.lens.setNormalization(0.1307, 0.3081)), true);
  const mnist = await shownModel(page);
  assert.equal(mnist.normalizeSource, 'chosen');
  assert.ok(Math.abs(mnist.normalize[1] - 0.3081) < 1e-6);
  const before = { model: mnist, probs: (await bothWays(page, images, 1)).one };
  const refusals = await page.evaluate(() => {
    const tryIt = (f) => { try { f(); return 'accepted'; } catch (e) { return e.message; } };
    const L = window.lens;
    return [tryIt(() => L.setNormalization(0.1, 0)), tryIt(() => L.setNormalization(0.1, -2)), tryIt(() => L.setNormalization(20000, 1)),
      tryIt(() => L.setNormalization(NaN, 1)),
      // @ts-expect-error: a string, on purpose
      tryIt(() => L.setNormalization('0.1', 0.3)),
      // @ts-expect-error: one number, on purpose
      tryIt(() => L.setNormalization(0.1)),
      tryIt(() => L.setNormalization(0.1, 1e5))];
  });
  assert.deepEqual(refusals, [
    'lens.setNormalization: std must be a number from 0.0001 to 10000, got 0',
    'lens.setNormalization: std must be a number from 0.0001 to 10000, got -2',
    'lens.setNormalization: mean must be a number from -10000 to 10000, got 20000',
    'lens.setNormalization: mean must be a number from -10000 to 10000, got NaN',
    'lens.setNormalization: expected two numbers, mean and std (0.1307, 0.3081 for MNIST\'s; 0, 1 for raw pixels), got a string of 3 characters and the number 0.3',
    'lens.setNormalization: expected two numbers, mean and std (0.1307, 0.3081 for MNIST\'s; 0, 1 for raw pixels), got the number 0.1 and undefined',
    'lens.setNormalization: std must be a number from 0.0001 to 10000, got 100000']);
  assert.deepEqual({ model: await shownModel(page), probs: (await bothWays(page, images, 1)).one }, before, 'refusals change nothing');

  // Custom by keyboard: a std of 0 typed is refused on the page with the reason; 0.2 and 0.4 are taken.
  await keyOn(page, list);
  await keyOn(page, '[role=listbox][aria-label="Input normalization"] [role=option][aria-label="Custom mean and std"]');
  const type = async (field, text) => {
    const q = `main#a11y input[type=number][aria-label=${field}]`;
    await page.waitForFunction((s) => document.querySelector(s), q, { timeout: 10000 })
      .catch(async () => assert.fail(`the custom field "${field}" is on the page (its controls: ${JSON.stringify(await mirrorControls(page))})`));
    await page.evaluate((s) => /** @type {HTMLElement} */ (document.querySelector(s)).focus(), q);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
    await page.keyboard.press('Tab');  // the field is left: the app takes the value
  };
  const apply = () => keyOn(page, 'main#a11y button[aria-label="Apply the normalization"]');
  await type('Mean', '0.2');
  await type('Std', '0');
  await apply();
  const refusal = 'Not applied: std must be a number from 0.0001 to 10000, got 0.';
  await page.waitForFunction((t) => [...document.querySelectorAll('main#a11y p')].some((e) => e.textContent === t), refusal, { timeout: 10000 })
    .catch(async () => assert.fail(`the refusal is on the page (the mirror has: ${JSON.stringify(await mirrorTexts(page))})`));
  assert.deepEqual(await shownModel(page), before.model, 'a refused map changes nothing');
  // The control and its fields pass axe-core, as every other tab does (a11y.test.mjs).
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(() => window.axe.run(document)).then((r) => r.violations.map((v) => `${v.id}: ${v.help}`));
  assert.deepEqual(violations, [], 'axe-core on the Network tab with the normalization fields');
  await type('Std', '0.4');
  await apply();
  await page.waitForFunction(() => { const n = window.lens.models().find((x) => x.id === window.lens.model()).normalize; return n && Math.abs(n[1] - 0.4) < 1e-6; }, null, { timeout: 10000 })
    .catch(() => assert.fail('Apply took mean 0.2 and std 0.4'));
  assert.ok(Math.abs((await shownModel(page)).normalize[0] - 0.2) < 1e-6);

  // A shipped model keeps its map.
  await page.evaluate(() => window.lens.selectModel('mlp32'));
  const shipped = await page.evaluate(() => { try { window.lens.setNormalization(0.5, 0.5); return 'accepted'; } catch (e) { return e.message; } });
  assert.equal(shipped, 'lens.setNormalization: mlp32 ships with the page and keeps the normalization it was trained with; only models you load can change theirs');

  // What measuring costs in the page, with the test digits in: loadBundle with it and without.
  const cost = await page.evaluate((data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0)), out = [];
    for (let k = 0; k < 3; k++) {
      let t = performance.now();
      window.lens.loadBundle(bytes, { name: 'timed ' + k });
      const measuredMs = performance.now() - t;
      t = performance.now();
      window.lens.loadBundle(bytes, { name: 'given ' + k, normalize: [0.1307, 0.3081] });
      out.push([measuredMs, performance.now() - t]);
    }
    return out;
  }, b64(m.onnx));
  console.log(`loadBundle of mlp-norm-unrecorded (784-32-10), ms [measured on 1,000 digits, given]: ${JSON.stringify(cost.map((c) => c.map((v) => +v.toFixed(1))))}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a model loaded without a name is named after its metadata or producer, never its exporter\'s "torch_jit"', { timeout: 120000 }, async () => {
  const { page, errors, context } = await open();
  const bytes = readFileSync(path.join(fixtures, 'mlp-tanh-logsoftmax.onnx'));
  assert.ok(bytes.includes('torch_jit'), 'PyTorch named the graph torch_jit');
  const unnamed = Buffer.from(bytes);
  unnamed.write('lens.nope', unnamed.indexOf('lens.name'));  // a metadata key the importer does not read, of the same length
  const named = await loadOnnx(page, null, undefined, bytes);
  assert.equal(named.id, 'mlp-tanh-logsoftmax', 'its lens.name metadata');
  const r = await loadOnnx(page, null, undefined, unnamed);
  assert.equal(r.id, 'onnx-model-from-pytorch', r.error);
  assert.equal((await shownModel(page)).name, 'ONNX model from pytorch');
  const given = await loadOnnx(page, null, { name: 'Course model' }, unnamed);
  assert.equal(given.id, 'course-model');
  const names = await page.evaluate(() => window.lens.models().map((x) => x.id + ' ' + x.name));
  assert.ok(!names.some((n) => /torch_jit|torch-jit-export|main_graph/.test(n)), JSON.stringify(names));
  assert.deepEqual(errors, []);
  await context.close();
});
