// ONNX models in the page: PyTorch exports (tests/onnx, from tools/onnx-fixtures.py) loaded with
// lens.loadBundle or dropped as files give PyTorch's probabilities on the first 1000 MNIST test
// images within 1e-4, and a model loaded without the normalization it was trained with is
// flagged with both accuracies and the likely cause.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, openPage, waitReady } from './harness.mjs';

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

async function loadOnnx(page, file, options) {
  return page.evaluate(({ data, options }) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    try { return { id: window.lens.loadBundle(bytes, options) }; } catch (e) { return { error: e.message }; }
  }, { data: b64(file), options });
}

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

test('a model without its normalization is flagged with both accuracies and the cause; with it, the accuracy is PyTorch\'s', { timeout: 600000 }, async () => {
  const { page, errors, context } = await open();
  const m = manifest.models.find((x) => x.id === 'mlp-norm-unrecorded');
  const raw = await loadOnnx(page, m.onnx);
  assert.ok(raw.id, raw.error);
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
