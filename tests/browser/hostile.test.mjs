// Hostile input in the page: the hostile bundle corpus (tests/hostile, written by the
// native build's lens-hostile-corpus), absurd strings and numbers to the API and a huge
// URL hash. Each is refused with a clear message or handled, and afterwards the page
// still predicts a drawn digit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, openPage, waitReady } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.join(root, 'build/native/hostile');
let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const one = []; for (let i = 0; i <= 12; i++) one.push([0.5, 0.15 + 0.7 * i / 12]);

async function load(page, file) {
  const b64 = readFileSync(path.join(corpus, file)).toString('base64');
  return page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    try { return { id: window.lens.loadBundle(bytes) }; } catch (e) { return { error: e.message }; }
  }, b64);
}

async function stillPredicts(page) {
  await page.evaluate(() => window.lens.selectModel('mlp128'));
  await page.evaluate((s) => { window.lens.clear(); window.lens.drawStroke(s); }, one);
  const s = await page.evaluate(() => window.lens.state());
  assert.equal(s.predicted, 1, `a drawn 1 predicted as ${s.predicted}`);
}

test('every bundle of the hostile corpus is refused with a message or shown without NaN', { timeout: 600000 }, async () => {
  assert.ok(existsSync(path.join(corpus, 'index.json')), `${corpus}/index.json missing: run the native tests first`);
  const index = JSON.parse(readFileSync(path.join(corpus, 'index.json'), 'utf8'));
  const { page, errors, context } = await openPage(browser, server.url + '#help=0', { skipHelp: true });
  await waitReady(page);
  let refused = 0, shown = 0;
  for (const h of index.filter((h) => !h.heavy)) {
    const before = await page.evaluate(() => ({ model: window.lens.model(), count: window.lens.models().length }));
    const r = await load(page, h.file);
    if (!h.loads || !h.pageShows) {
      assert.ok(r.error, `${h.file} should be refused`);
      assert.match(r.error, /^lens\.loadBundle: \S/, h.file);
      if (h.refusal) assert.ok(r.error.includes(h.refusal), `${h.file}: "${r.error}" lacks "${h.refusal}"`);
      const after = await page.evaluate(() => ({ model: window.lens.model(), count: window.lens.models().length }));
      assert.deepEqual(after, before, `${h.file}: a refused bundle changed nothing`);
      refused++;
      continue;
    }
    assert.ok(r.id, `${h.file}: ${r.error}`);
    await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 120000 });
    const s = await page.evaluate(() => window.lens.state());
    assert.ok(s.probs.every((p) => typeof p === 'number' && Number.isFinite(p)), `${h.file}: probs ${JSON.stringify(s.probs)}`);
    for (const tab of ['explore', 'neuron', 'outputs', 'network']) {
      await page.evaluate((t) => window.lens.setTab(t), tab);
      await page.waitForTimeout(80);
    }
    if (s.input.length === 784) {
      const e = await page.evaluate(() => window.lens.explain(0, 0));
      assert.doesNotMatch(e.summary, /nan|inf\b/i, `${h.file}: ${e.summary}`);
    }
    shown++;
  }
  console.log(`hostile corpus in the page: ${refused} refused with a message, ${shown} loaded and analysed`);
  await stillPredicts(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a 784-512x5-10 model is analysed in slices: the page keeps drawing and predicting', { timeout: 300000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#help=0', { skipHelp: true });
  await waitReady(page);
  const r = await load(page, 'wide-512x5.lens');
  assert.ok(r.id, r.error);
  // Frames while the analysis runs: how long each took and how far apart they came.
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const t = [];
    const tick = (now) => { t.push(now); if (t.length < 60) requestAnimationFrame(tick); else resolve(t); };
    requestAnimationFrame(tick);
  }));
  const gaps = frames.slice(1).map((v, i) => v - frames[i]).sort((a, b) => a - b);
  const perf = await page.evaluate(() => window.lens.perf());
  console.log(`wide-512x5 during analysis: median frame gap ${gaps[gaps.length >> 1].toFixed(1)} ms, ` +
              `p95 ${gaps[Math.floor(gaps.length * 0.95)].toFixed(1)} ms, last frame's analysis slice ${perf.workMs.toFixed(1)} ms`);
  assert.ok(!perf.analysisDone, 'the analysis of this model takes longer than 60 frames');
  await page.evaluate((s) => { window.lens.clear(); window.lens.drawStroke(s); }, one);
  const s = await page.evaluate(() => window.lens.state());
  assert.equal(s.model, r.id);
  assert.ok(s.probs.every(Number.isFinite) && s.predicted >= 0);
  await stillPredicts(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('absurd API arguments and a huge link are refused with a message and change nothing', { timeout: 120000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=mlp32&help=0', { skipHelp: true });
  await waitReady(page);
  const before = await page.evaluate(() => window.lens.state());
  const tries = await page.evaluate(async () => {
    const long = 'x'.repeat(1400000);
    const out = [];
    // @ts-expect-error: not a tab, on purpose
    for (const f of [() => window.lens.selectModel(long), () => window.lens.setTab(long), () => window.lens.select(0, 2 ** 32 + 3),
                     () => window.lens.actmax(0, 2 ** 31), () => window.lens.select(0, -1), () => window.lens.select(0.5, 1),
                     () => window.lens.setInput(new Array(784).fill(NaN))]) {
      // A call that waits rejects; the others throw.
      try { await f(); out.push('no error'); } catch (e) { out.push(e.message); }
    }
    return out;
  });
  assert.match(tries[0], /lens\.selectModel: id is 1400000 characters long/);
  assert.match(tries[1], /lens\.setTab: .* is 1400000 characters long/);
  for (const m of tries.slice(2, 6)) assert.match(m, /must be an integer from 0 to 2147483647/);
  assert.match(tries[6], /not a finite number/);
  const after = await page.evaluate(() => window.lens.state());
  assert.equal(after.model, before.model);
  assert.deepEqual(after.selected, before.selected);
  assert.equal(after.tab, before.tab);
  // A 200 KB hash: a message, the view unchanged, the page alive.
  await page.evaluate(() => { location.hash = '#model=' + 'm'.repeat(200000); });
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.lens.model()), 'mlp32');
  await stillPredicts(page);
  assert.deepEqual(errors, []);
  await context.close();
});
