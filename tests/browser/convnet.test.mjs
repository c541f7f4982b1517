// Convnets in the page. The courses' convnets (tests/onnx/convnets.json, from
// tools/onnx-conv-fixtures.py) loaded with lens.loadBundle give PyTorch's probabilities on the
// first 1000 test digits within 1e-4 and PyTorch's answer on every one. The shipped convnet (cnn)
// is seen as an MLP is: a convolutional layer's cards are its channels' live maps, the API counts
// channels (models().shapes and units, state().layers as C x H x W maps, select, setNeuronOff,
// explain, actmax and figure take (layer, channel)), and a wrong channel is refused by name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, openPage, waitReady, settled, framesDrawn } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(root, 'tests/onnx');
const convnets = JSON.parse(readFileSync(path.join(fixtures, 'convnets.json'), 'utf8')).models;
const kImages = 1000;

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const testImages = () => gunzipSync(readFileSync(path.join(root, 'assets/mnist/t10k-images-idx3-ubyte.gz'))).subarray(16, 16 + kImages * 784);
const argmax = (p, i) => { let best = 0; for (let c = 1; c < 10; c++) if (p[i * 10 + c] > p[i * 10 + best]) best = c; return best; };

test('the courses\' convnets load and give PyTorch\'s probabilities on 1000 test digits within 1e-4, and its answer on each', { timeout: 600000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url, { skipHelp: true });
  await waitReady(page);
  const images = Buffer.from(testImages()).toString('base64');
  for (const m of convnets) {
    // Given when the file records none (the page would otherwise measure it first: onnx.test.mjs).
    const options = { name: m.id, ...(m.normalize && !m.normalize_recorded ? { normalize: m.normalize } : {}) };
    const got = await page.evaluate(async ({ data, options, images }) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      try {
        const id = window.lens.loadBundle(bytes, options);
        await window.lens.selectModel(id);
        const px = Uint8Array.from(atob(images), (c) => c.charCodeAt(0));
        const info = window.lens.models().find((x) => x.id === id);
        return { probs: Array.from(window.lens.predictBatch(px)), shapes: info.shapes, units: info.units };
      } catch (e) { return { error: e.message }; }
    }, { data: readFileSync(path.join(fixtures, m.onnx)).toString('base64'), options, images });
    assert.ok(!got.error, `${m.id}: ${got.error}`);
    const want = new Float32Array(readFileSync(path.join(fixtures, m.probs)).buffer.slice(0));
    let worst = 0, same = 0;
    for (let i = 0; i < kImages; i++) {
      for (let c = 0; c < 10; c++) worst = Math.max(worst, Math.abs(got.probs[i * 10 + c] - want[i * 10 + c]));
      if (argmax(got.probs, i) === argmax(want, i)) same++;
    }
    console.log(`${m.id}: shapes ${JSON.stringify(got.shapes)}, max |p_page - p_torch| = ${worst.toExponential(2)}, same answer on ${same} of ${kImages}`);
    assert.ok(worst <= 1e-4, `${m.id}: page and PyTorch differ by ${worst}`);
    assert.equal(same, kImages, `${m.id}: the page answers as PyTorch does on every digit`);
    assert.equal(got.units.length, got.shapes.length);
  }
  // the PyTorch example's layers: two convolutions (32 and 64 channels, the second's maps before its pooling), two dense
  const example = await page.evaluate(() => window.lens.models().find((x) => x.id === 'pytorch-mnist-example'));
  assert.deepEqual(example.shapes, [[32, 26, 26], [64, 24, 24], [128], [10]]);
  assert.deepEqual(example.units, [32, 64, 128, 10]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the shipped convnet: channel cards of live maps, channels through the API, a wrong channel refused', { timeout: 600000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=cnn', { skipHelp: true });
  await waitReady(page);
  const two = [[0.3, 0.3], [0.38, 0.2], [0.5, 0.17], [0.62, 0.21], [0.67, 0.32], [0.63, 0.45], [0.52, 0.57],
    [0.4, 0.68], [0.3, 0.8], [0.45, 0.79], [0.6, 0.79], [0.72, 0.8]];
  await page.evaluate((s) => window.lens.drawStroke(s), two);
  await settled(page);
  const seen = await page.evaluate(() => {
    const s = window.lens.state(), m = window.lens.models().find((x) => x.id === 'cnn');
    const cards = window.lens._test.a11yNodes().filter((n) => /^Channel \d+/.test(n.name)).map((n) => n.name);
    // channel 3's map: the 24 x 24 values after channel 0..2's
    const map = Array.from(s.layers[0].subarray(3 * 576, 4 * 576));
    return { predicted: s.predicted, lengths: s.layers.map((a) => a.length), shapes: m.shapes, units: m.units, cards, map };
  });
  assert.equal(seen.predicted, 2);
  assert.deepEqual(seen.shapes, [[8, 24, 24], [16, 8, 8], [10]]);
  assert.deepEqual(seen.units, [8, 16, 10]);
  assert.deepEqual(seen.lengths, [8 * 24 * 24, 16 * 8 * 8]);
  assert.equal(seen.cards.length, 8 + 16, `a card per channel: ${seen.cards.join(', ')}`);
  assert.ok(seen.map.some((v) => v > 0) && seen.map.every((v) => v >= 0), 'a ReLU channel\'s map for a drawn 2: lit in places, never negative');

  // a channel that does not exist is refused by what it is, and nothing changes
  const refused = await page.evaluate(() => { try { window.lens.select(0, 8); return null; } catch (e) { return e.message; } });
  assert.match(refused, /channel 8 does not exist in layer 0 of cnn \(it has 8/);

  // switched off, a channel's whole map is held at 0: the answer without it, and the view says so
  const off = await page.evaluate(() => {
    window.lens.setNeuronOff(0, 5, true);
    const s = window.lens.state();
    return { off: s.view.off, ablated: s.ablated !== null };
  });
  assert.deepEqual(off.off, [[0, 5]]);
  assert.ok(off.ablated);
  await page.evaluate(() => window.lens.setNeuronOff(0, 5, false));

  // its explanation, maximization image and filter figure
  const more = await page.evaluate(async () => {
    const e = await window.lens.explain(0, 3);
    const image = await window.lens.actmax(0, 3, { prior: 'none' });
    const png = await window.lens.figure('weights', { layer: 0, neuron: 3, scale: 1 });
    const deeper = await window.lens.figure('weights', { layer: 1, neuron: 2, scale: 1 });
    const dv = (b) => new DataView(b.buffer, b.byteOffset);
    return { summary: e.summary, pixels: image.length, width: dv(png).getUint32(16), height: dv(png).getUint32(20),
             deeperWidth: dv(deeper).getUint32(16), deeperHeight: dv(deeper).getUint32(20) };
  });
  assert.match(more.summary, /^Channel 3 of hidden layer 0/);
  assert.equal(more.pixels, 784);
  assert.equal(more.width, more.height, 'a 5x5 filter is drawn square');
  // layer 1's filter: its 8 kernels (one per channel below) in a 3 x 3 grid, 17 x 17 cells
  assert.equal(more.deeperWidth, more.deeperHeight, `layer 1's filter grid is square (${more.deeperWidth}x${more.deeperHeight})`);
  assert.deepEqual(errors, []);
  await context.close();
});

// The convnet's story (its recipe's notes, on the Network tab) names what its first layer's
// channels see; drawn live, each named channel responds most to its stroke among a horizontal, a
// vertical, a rising (/) and a falling (\) stroke and the blank page, and the ink channels to
// any stroke more than to the blank page.
test('the shipped convnet\'s story holds when drawn: each first-layer channel it names answers most to its stroke', { timeout: 300000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=cnn', { skipHelp: true });
  await waitReady(page);
  await page.evaluate(() => window.lens.setTab('network'));
  await framesDrawn(page, 2);
  const story = await page.evaluate(() => window.lens._test.a11yNodes().map((n) => n.name).find((t) => t.includes('see strokes by their direction')));
  assert.ok(story, 'the Network tab tells the story');
  for (const claim of ['horizontal in channel 3', 'rising like / in 1 and 6', 'falling like \\ in 4', 'vertical in 7', 'ink anywhere (2 and 5)', 'blank paper around the strokes (0)'])
    assert.ok(story.includes(claim), `the story says "${claim}": ${story}`);
  await page.evaluate(() => window.lens.setTab('explore'));
  const strokes = { horizontal: [[0.2, 0.5], [0.8, 0.5]], vertical: [[0.5, 0.2], [0.5, 0.8]], rising: [[0.25, 0.75], [0.75, 0.25]],
    falling: [[0.25, 0.25], [0.75, 0.75]], blank: null };
  const response = {};  // input -> each channel's response, the mean of its 24 x 24 map
  for (const [name, points] of Object.entries(strokes)) {
    response[name] = await page.evaluate((points) => {
      window.lens.clear();
      if (points) window.lens.drawStroke(points);
      const maps = window.lens.state().layers[0], out = [];
      for (let c = 0; c < 8; c++) { let sum = 0; for (let i = 0; i < 576; i++) sum += maps[c * 576 + i]; out.push(sum / 576); }
      return out;
    }, points);
  }
  const most = (c) => Object.keys(response).reduce((a, b) => (response[b][c] > response[a][c] ? b : a));
  const named = { 3: 'horizontal', 1: 'rising', 6: 'rising', 4: 'falling', 7: 'vertical', 0: 'blank' };
  for (const [c, stroke] of Object.entries(named))
    assert.equal(most(Number(c)), stroke, `channel ${c}: ${JSON.stringify(Object.fromEntries(Object.entries(response).map(([k, v]) => [k, v[c].toFixed(3)])))}`);
  for (const c of [2, 5])
    for (const s of ['horizontal', 'vertical', 'rising', 'falling']) assert.ok(response[s][c] > response.blank[c], `channel ${c} (ink anywhere): ${s}`);
  assert.deepEqual(errors, []);
  await context.close();
});

// The PyTorch example records no normalization: the page measures three maps on 1,000 test digits
// (3.6e10 multiply-adds) over frames, drawing all the while, then shows it with MNIST's map.
test('the PyTorch example, recording no normalization, is measured over frames while the page keeps drawing', { timeout: 600000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url, { skipHelp: true });
  await waitReady(page);
  const data = readFileSync(path.join(fixtures, 'pytorch-mnist-example.onnx')).toString('base64');
  const r = await page.evaluate(async (data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const id = window.lens.loadBundle(bytes, { name: 'PyTorch example' });
    const frame0 = window.lens.perf().frame, t0 = performance.now();
    const notice = window.lens.state().notice;
    await window.lens.selectModel(id);
    const m = window.lens.models().find((x) => x.id === id);
    return { ms: performance.now() - t0, frames: window.lens.perf().frame - frame0, notice: notice && notice.text,
             source: m.normalizeSource, normalize: m.normalize, shown: window.lens.model() === id };
  }, data);
  console.log(`PyTorch example: normalization measured in ${Math.round(r.ms)} ms over ${r.frames} frames`);
  assert.ok(r.shown);
  assert.match(r.notice, /^Measuring (the|which) input normalization/);
  assert.ok(r.frames >= 5, `the page drew ${r.frames} frames while measuring`);
  assert.equal(r.source, 'measured');
  assert.deepEqual(r.normalize.map((v) => Number(v.toFixed(4))), [0.1307, 0.3081]);
  assert.deepEqual(errors, []);
  await context.close();
});
