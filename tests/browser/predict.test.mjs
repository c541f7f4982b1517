// lens.predict / lens.predictBatch, the inference API for embedders, and the smoke version of
// tools/bench/peers.sh: the page's probabilities for 100 MNIST test digits against one peer,
// a plain JavaScript forward pass over the same mlp128 weights (tools/bench/peers/lens-bundle.mjs),
// within 1e-4, the same tolerance the benchmark checks every peer with before timing it; and
// against the page's own forward pass (setInput, state().probs), bit for bit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, openPage, waitReady } from './harness.mjs';
import { readLensBundle, plainForward } from '../../tools/bench/peers/lens-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOLERANCE = 1e-4;
let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

function testImages(n) {
  const mnist = process.env.LENS_MNIST_DIR || path.resolve(root, '../shared/data/mnist');
  return gunzipSync(readFileSync(path.join(mnist, 't10k-images-idx3-ubyte.gz'))).subarray(16, 16 + 784 * n);
}

async function open(hash) {
  const { page, errors, context } = await openPage(browser, server.url + hash, { skipHelp: true });
  await waitReady(page);
  return { page, errors, context };
}

test('lens.predict and predictBatch agree with a plain JS forward pass of mlp128 within 1e-4 on 100 test digits', async () => {
  const { model } = await readLensBundle(path.join(root, 'assets/models/mlp128.lens'), root);
  const bytes = testImages(100);
  const want = [];
  for (let i = 0; i < 100; i++) want.push(Array.from(plainForward(model, Array.from(bytes.subarray(784 * i, 784 * (i + 1)), (b) => b / 255))));
  const { page, errors, context } = await open('#model=mlp128&help=0');
  const got = await page.evaluate((b) => {
    const u8 = Uint8Array.from(b), floats = Float32Array.from(u8, (v) => v / 255), L = window.lens;
    const one = [], fromBytes = [], fromArray = [], notShown = [];
    for (let i = 0; i < 100; i++) {
      const x = floats.subarray(784 * i, 784 * (i + 1));
      const p = L.predict(x);
      if (!(p instanceof Float32Array) || p.length !== 10) throw new Error('predict returned ' + p);
      one.push(Array.from(p));
      fromBytes.push(Array.from(L.predict(u8.subarray(784 * i, 784 * (i + 1)))));
      fromArray.push(Array.from(L.predict(Array.from(x))));
      // The page's own forward pass on the same digit: the very same bits.
      L.setInput(x);
      const shown = L.state().probs;
      if (shown.length !== p.length || !Array.from(p).every((v, k) => Object.is(v, shown[k])))
        notShown.push({ digit: i, predict: Array.from(p), shown: Array.from(shown) });
    }
    const batch = L.predictBatch(floats), batchBytes = L.predictBatch(u8);
    return { one, fromBytes, fromArray, notShown, batch: Array.from(batch), batchBytes: Array.from(batchBytes), batchType: batch.constructor.name };
  }, Array.from(bytes));
  assert.deepEqual(got.notShown, [], 'lens.predict(x) equals lens.setInput(x); lens.state().probs bit for bit');
  assert.equal(got.batchType, 'Float32Array');
  assert.equal(got.batch.length, 1000);
  let worst = 0;
  for (let i = 0; i < 100; i++)
    for (let k = 0; k < 10; k++) {
      worst = Math.max(worst, Math.abs(got.one[i][k] - want[i][k]));
      assert.ok(Object.is(got.batch[10 * i + k], got.one[i][k]), `predictBatch equals predict (digit ${i}, class ${k})`);
      // Bytes are divided by 255 and an Array of numbers goes through float32: the very same inputs.
      assert.equal(got.fromBytes[i][k], got.one[i][k]);
      assert.equal(got.fromArray[i][k], got.one[i][k]);
      assert.equal(got.batchBytes[10 * i + k], got.batch[10 * i + k]);
    }
  assert.ok(worst < TOLERANCE, `largest |difference| to the plain JS forward pass: ${worst}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('predict changes nothing on the page; bad arguments throw a clear message and change nothing', async () => {
  const { page, errors, context } = await open('#model=mlp32&help=0');
  await page.evaluate(() => window.lens.drawStroke([[0.5, 0.2], [0.5, 0.8]]));
  const snapshot = () => page.evaluate(() => {
    const s = window.lens.state();
    return JSON.stringify({ model: s.model, input: Array.from(s.input), probs: Array.from(s.probs), layers: s.layers.map((l) => Array.from(l)),
      predicted: s.predicted, tab: s.tab, selected: s.selected });
  });
  const before = await snapshot();
  const messages = await page.evaluate(() => {
    const tryIt = (f) => { try { f(); return null; } catch (e) { return e.message; } };
    const L = window.lens, ok = new Float32Array(784).fill(0.5), nan = new Float32Array(784);
    nan[7] = NaN;
    const big = new Float32Array(784 * 3).fill(0.25);
    big[784 * 2 + 5] = 2;
    L.predict(ok);
    L.predictBatch(new Float32Array(784 * 4));
    return {
      short: tryIt(() => L.predict(new Float32Array(100))),
      nan: tryIt(() => L.predict(nan)),
      range: tryIt(() => L.predict(Array(784).fill(1.5))),
      // @ts-expect-error: a string, on purpose
      string: tryIt(() => L.predict('0.5')),
      strings: tryIt(() => L.predict(Array(784).fill('0.5'))),
      // @ts-expect-error: an Int32Array, on purpose (not one of the types predict takes)
      ints: tryIt(() => L.predict(new Int32Array(784))),
      // @ts-expect-error: no argument, on purpose
      none: tryIt(() => L.predict()),
      // @ts-expect-error: an Array, on purpose
      batchType: tryIt(() => L.predictBatch([0.5])),
      batchLength: tryIt(() => L.predictBatch(new Float32Array(784 + 1))),
      batchEmpty: tryIt(() => L.predictBatch(new Float32Array(0))),
      batchValue: tryIt(() => L.predictBatch(big)),
      setInputNaN: tryIt(() => L.setInput(nan)),
    };
  });
  assert.deepEqual(messages, {
    short: 'lens.predict: expected 784 values, got 100',
    nan: 'lens.predict: value 7 is not a finite number (must be in [0, 1])',
    range: 'lens.predict: value 0 is 1.5 (must be in [0, 1])',
    string: 'lens.predict: expected 784 numbers as an Array of numbers, a Float32Array, Float64Array, Uint8Array or Uint8ClampedArray, got a string of 3 characters',
    strings: 'lens.predict: value 0 is string, not a number',
    ints: 'lens.predict: expected 784 numbers as an Array of numbers, a Float32Array, Float64Array, Uint8Array or Uint8ClampedArray, got an Int32Array of 784 values',
    none: 'lens.predict: expected 784 numbers as an Array of numbers, a Float32Array, Float64Array, Uint8Array or Uint8ClampedArray, got undefined',
    batchType: 'lens.predictBatch: expected a Float32Array (values in [0, 1]) or a Uint8Array (bytes), got Array',
    batchLength: 'lens.predictBatch: expected a positive multiple of 784 values (784 per sample), got 785',
    batchEmpty: 'lens.predictBatch: expected a positive multiple of 784 values (784 per sample), got 0',
    batchValue: 'lens.predictBatch: sample 2, value 5 is 2 (must be in [0, 1])',
    setInputNaN: 'lens.setInput: value 7 is not a finite number (must be in [0, 1])',
  });
  assert.equal(await snapshot(), before, 'the page state is what it was');
  // The selected model decides the shape: xor takes 2 numbers and gives 1 probability.
  const xor = await page.evaluate(async () => { await window.lens.selectModel('xor'); return [Array.from(window.lens.predict([1, 0])), window.lens.predictBatch(new Float32Array([0, 0, 1, 0])).length]; });
  assert.equal(xor[0].length, 1);
  assert.ok(xor[0][0] > 0.5, `xor(1, 0) = ${xor[0][0]}`);
  assert.equal(xor[1], 2);
  assert.deepEqual(errors, []);
  await context.close();
});

test('state() hands the numbers over as Float32Arrays that match predict', async () => {
  const { page, context } = await open('#model=mlp128&help=0');
  const r = await page.evaluate(() => {
    const x = new Float32Array(784);
    for (let y = 5; y < 23; y++) for (let c = 13; c < 16; c++) x[y * 28 + c] = 1;
    window.lens.setInput(x);
    const s = window.lens.state(), p = window.lens.predict(x);
    return { types: [s.input, s.probs, ...s.layers].map((a) => a.constructor.name), sizes: [s.input.length, s.probs.length, s.layers.length, s.layers[0].length],
      differ: Array.from(p).filter((v, k) => !Object.is(v, s.probs[k])).length, same: s.input.every((v, i) => v === x[i]) };
  });
  assert.deepEqual(r.types, ['Float32Array', 'Float32Array', 'Float32Array']);
  assert.deepEqual(r.sizes, [784, 10, 1, 128]);
  assert.ok(r.same, 'state().input is the input set');
  assert.equal(r.differ, 0, 'predict and state().probs are the same bits');
  await context.close();
});
