// Statistics sidecars (assets/models/<id>.stats): a shipped model opens without the 10k test
// digits (the shapes' scores come in the sidecar too), its explanations and report are the same
// as when the page measures them itself ("?stats=measure"), the digits are fetched when a view
// needs them, and a bad sidecar falls back to measuring with a notice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, waitReady } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const digitsFetched = (page) => page.evaluate(() =>
  performance.getEntriesByType('resource').filter((e) => /t10k-/.test(e.name)).map((e) => e.name.replace(/.*\//, '')));

// Every hidden neuron's explanation and facts, once the analysis has finished, and the report.
async function everything(page, model) {
  await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 240000 });
  const explained = await page.evaluate(async () => {
    const out = {};
    const layers = window.lens.models().find((m) => m.id === window.lens.model()).layers;
    for (let l = 0; l + 2 < layers.length; ++l)
      for (let u = 0; u < layers[l + 1]; ++u) out[`${l}.${u}`] = await window.lens.explain(l, u);
    return out;
  });
  const state = await page.evaluate(() => window.lens.state());
  assert.equal(state.model, model);
  const units = await page.evaluate(() => window.lens.models().find((m) => m.id === window.lens.model()).layers.slice(1, -1).reduce((a, b) => a + b, 0));
  assert.equal(Object.keys(explained).length, units, `${model}: every hidden neuron explained`);
  const report = await page.evaluate(() => window.lens.report());
  assert.ok(report.length > 2000 && report.includes('test accuracy'), `${model}: a report`);
  return { explained, state, report };
}

test('a shipped model explained from its sidecar says what the page measures itself, byte for byte', { timeout: 600000 }, async () => {
  // Every shipped sidecar is checked against a fresh measurement natively and in wasm
  // (stats_sidecar_<id>, StatsFile.MeasuredHereGivesTheCommittedBytes); here the page's two paths
  // are compared on two models that differ in what the page shows: the lesson with dead neurons,
  // and two hidden layers.
  for (const model of ['mlp6-dead', 'mlp2x64']) {
    const side = await openPage(browser, `${server.url}#model=${model}&help=0`, { skipHelp: true });
    await waitReady(side.page);
    await side.page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 240000 });
    const st = await side.page.evaluate(() => window.lens.state());
    assert.equal(st.statsSource, 'sidecar');
    assert.equal(st.testDigits, 'absent', 'nothing on screen needs the test digits');
    assert.deepEqual(await digitsFetched(side.page), [], 'the statistics came without the test digits');
    const scored = await side.page.evaluate(async () => {
      const n = window.lens.state().layers[0].length;
      for (let u = 0; u < n; u++) {
        const e = await window.lens.explain(0, u);
        if (e.concepts.length) return e.concepts.every((c) => typeof c.score === 'number');
      }
      return false;
    });
    assert.ok(scored, 'the shapes\' explanation scores came from the sidecar too');
    const a = await everything(side.page, model);
    assert.equal((await side.page.evaluate(() => window.lens.state())).testDigits, 'loaded', 'the report fetched them (its figures show them)');

    const own = await openPage(browser, `${server.url}?stats=measure#model=${model}&help=0`, { skipHelp: true });
    await waitReady(own.page);
    const b = await everything(own.page, model);
    assert.equal(b.state.statsSource, 'measured');
    assert.deepEqual(b.state.dead, a.state.dead);
    for (const key of Object.keys(b.explained)) assert.deepEqual(a.explained[key], b.explained[key], `${model} neuron ${key}`);
    if (a.report !== b.report) {
      const x = a.report.split('\n'), y = b.report.split('\n');
      const i = x.findIndex((line, k) => line !== y[k]);
      assert.fail(`${model}: report line ${i + 1} differs\n sidecar: ${x[i]}\n measured: ${y[i]}`);
    }
    assert.deepEqual(side.errors, []);
    assert.deepEqual(own.errors, []);
    await side.context.close();
    await own.context.close();
  }
});

test('the test digits are fetched when a view needs them: a linked test digit, switching a neuron off', { timeout: 300000 }, async () => {
  const { page, errors, context } = await openPage(browser, `${server.url}#model=mlp32&help=0`, { skipHelp: true });
  await waitReady(page);
  await page.waitForFunction(() => window.lens.state().statsReady, null, { timeout: 60000 });
  assert.deepEqual(await digitsFetched(page), []);
  await page.evaluate(() => { location.hash = '#model=mlp32&help=0&test=17'; });
  await page.waitForFunction(() => window.lens.state().view.testDigit === 17, null, { timeout: 60000 });
  assert.equal((await page.evaluate(() => window.lens.state())).testDigits, 'loaded');
  assert.equal((await digitsFetched(page)).length, 2, 'images and labels, once');
  assert.deepEqual(errors, []);
  await context.close();

  // The Neuron tab with a neuron switched off shows its strongest test digits and re-scores the
  // test set: the digits come first.
  const b = await openPage(browser, `${server.url}#model=mlp6&tab=neuron&layer=0&neuron=1&off=0.1&help=0`, { skipHelp: true });
  await waitReady(b.page);
  await b.page.waitForFunction(() => window.lens.state().testDigits === 'loaded', null, { timeout: 60000 });
  assert.equal((await b.page.evaluate(() => window.lens.state())).statsSource, 'sidecar');
  assert.deepEqual(b.errors, []);
  await b.context.close();
});

test('a damaged or missing sidecar: the notice says so and the page measures on the test digits', { timeout: 300000 }, async () => {
  for (const [what, fulfil] of /** @type {[string, any][]} */ ([['damaged', { status: 200, body: Buffer.from('LENSSTAT not really') }], ['missing', { status: 404, body: '' }]])) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(() => { try { localStorage.setItem('mnist-lens-visited', '1'); } catch (e) {} });
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    await page.route('**/models/mlp32.stats', (route) => route.fulfill(fulfil));
    await page.goto(`${server.url}#model=mlp32&help=0`);
    await waitReady(page);
    await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 240000 });
    const st = await page.evaluate(() => window.lens.state());
    assert.equal(st.statsSource, 'measured', what);
    assert.equal(st.testDigits, 'loaded', what);
    assert.ok(warnings.some((w) => /statistics file of mlp32 could not be used/.test(w)), `${what}: ${warnings.join(' | ')}`);
    await context.close();
  }
});
