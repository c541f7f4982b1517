// The page and lens-report are two renderers of one analysis: for every shipped
// MNIST model, lens.explain's summary of each hidden neuron is the line lens-report
// prints under that neuron's heading.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, openPage, waitReady } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const report = path.join(root, 'build/native/tools/lens-report');
const mnist = process.env.LENS_MNIST_DIR || path.resolve(root, '../shared/data/mnist');
let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

// { "L.U": summary } from the report's "### Hidden layer L, neuron U" (or "channel U") sections.
function reportSummaries(model) {
  const out = mkdtempSync(path.join(os.tmpdir(), `lens-report-${model}-`));
  execFileSync(report, ['--quiet', '--model', path.join(root, 'assets/models', `${model}.lens`), '--data', mnist, '--out', out]);
  const lines = readFileSync(path.join(out, 'README.md'), 'utf8').split('\n');
  const summaries = {};
  lines.forEach((line, i) => {
    const m = /^### Hidden layer (\d+), (?:neuron|channel) (\d+)$/.exec(line);
    if (m) summaries[`${m[1]}.${m[2]}`] = lines[i + 2].replace(/\\([*_`[\]<|\\])/g, '$1');
  });
  return summaries;
}

test('lens.explain says of every hidden neuron of every shipped model what lens-report prints', { timeout: 300000 }, async () => {
  assert.ok(existsSync(report), `${report} missing: build the native preset first`);
  const { page, errors, context } = await openPage(browser, server.url + '#help=0', { skipHelp: true });
  await waitReady(page);
  const models = (await page.evaluate(() => window.lens.models())).filter((m) => m.layers[0] === 784);
  assert.ok(models.length >= 5, `only ${models.length} MNIST models`);
  let compared = 0;
  for (const m of models) {
    const expected = reportSummaries(m.id);
    await page.evaluate((id) => window.lens.selectModel(id), m.id);
    const hidden = m.units.slice(0, -1);  // each hidden layer's neurons, or a convolutional layer's channels
    const got = await page.evaluate(async (hidden) => {
      const out = {};
      for (let l = 0; l < hidden.length; l++)
        for (let u = 0; u < hidden[l]; u++) out[`${l}.${u}`] = await window.lens.explain(l, u);
      return out;
    }, hidden);
    const units = hidden.reduce((a, b) => a + b, 0);
    assert.equal(Object.keys(expected).length, units, `${m.id}: the report has a section per hidden neuron`);
    for (const [key, e] of Object.entries(got)) {
      assert.equal(e.summary, expected[key], `${m.id} neuron ${key}`);
      assert.equal(typeof e.facts.status, 'string');
      assert.ok(e.score === null || (e.score >= -1 && e.score <= 1), `${m.id} ${key}: score ${e.score}`);
      compared++;
    }
  }
  console.log(`compared ${compared} neuron summaries across ${models.length} models`);
  // Dead neurons say so, and have no "strongest test digits".
  await page.evaluate(() => window.lens.selectModel('mlp6-dead'));
  const dead = await page.evaluate(async () => {
    const s = window.lens.state();
    return Promise.all(s.dead[0].map((u) => window.lens.explain(0, u)));
  });
  assert.ok(dead.length >= 4);
  for (const e of dead) {
    assert.equal(e.facts.status, 'dead');
    assert.deepEqual(e.facts.topImages, []);
    assert.match(e.summary, /never fires on any of the 10,000 test images/);
  }
  // Bad arguments reject at once and change nothing.
  for (const [args, re] of /** @type {[any[], RegExp][]} */ ([[[0, 99], /neuron 99 does not exist/], [[1, 0], /output layer/], [[0, 2 ** 32 + 3], /integer from 0/],
                            [['0', 1], /integer from 0/], [[-1, 0], /integer from 0/]])) {
    const msg = await page.evaluate((a) => window.lens.explain(a[0], a[1]).then(() => 'no error', (e) => e.message), args);
    assert.match(msg, re, `explain(${args})`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
