// Shapes in the page: lens.explain gives every stroke concept with its score and the
// sentence built from them, and the Neuron tab of mlp6-dead tells its survivor's story
// (shapes, how it pushes each class, the digits along its activation) in the words
// lens.explain returns.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, waitReady } from './harness.mjs';

const vocabulary = ['loop', 'vertical', 'bar-top', 'bar-middle', 'bar-bottom', 'diagonal-rising', 'diagonal-falling',
  'arc-left', 'arc-right', 'open-top', 'open-bottom', 'crossing'];

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

// Frames drawn after now (the shown text is the last frame's).
async function frames(page, n) {
  const f0 = await page.evaluate(() => window.lens.perf().frame);
  await page.waitForFunction((f) => window.lens.perf().frame >= f, f0 + n, { timeout: 20000, polling: 50 });
}

test('lens.explain lists every stroke shape with its score, and names the strong ones in the summary', { timeout: 240000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=mlp128&help=0', { skipHelp: true });
  await waitReady(page);
  const got = await page.evaluate(async () => {
    const out = [];
    for (let u = 0; u < 128; u++) out.push(await window.lens.explain(0, u));
    return { out, perf: window.lens.perf() };
  });
  console.log(`mlp128: shapes measured in the page in ${got.perf.conceptsMs.toFixed(1)} ms`);
  assert.ok(got.perf.conceptsMs >= 0, 'perf().conceptsMs is reported once the shapes are measured');
  let named = 0;
  for (const [u, e] of got.out.entries()) {
    if (e.facts.status === 'dead' || e.facts.status === 'constant' || e.concepts.length === 0) {
      // Silent, or the same on every drawing (a nearly dead unit can be): nothing to say about shapes.
      assert.deepEqual(e.concepts, [], `neuron ${u}`);
      assert.equal(e.shapes, '');
      continue;
    }
    assert.equal(e.concepts.length, vocabulary.length, `neuron ${u}`);
    assert.deepEqual([...e.concepts.map((c) => c.name)].sort(), [...vocabulary].sort());
    for (let i = 0; i < e.concepts.length; i++) {
      const c = e.concepts[i];
      assert.ok(c.score >= -1 && c.score <= 1, `neuron ${u} ${c.name}: ${c.score}`);
      if (i) assert.ok(c.score <= e.concepts[i - 1].score, `neuron ${u}: strongest first`);
      if (c.named) assert.ok(c.score >= 0.3, `neuron ${u}: ${c.name} is named at ${c.score}`);
    }
    const namedHere = e.concepts.filter((c) => c.named);
    assert.ok(namedHere.length <= 2, `neuron ${u} names ${namedHere.length} shapes`);
    assert.ok(e.shapes.length > 0 && e.summary.includes(e.shapes), `neuron ${u}: the summary carries the shapes sentence`);
    if (namedHere.length) {
      named++;
      assert.ok(e.shapes.startsWith('Among stroke shapes it responds most to'), `neuron ${u}: ${e.shapes}`);
      assert.ok(e.shapes.includes(`(score ${namedHere[0].score.toFixed(2)})`), `neuron ${u}: ${e.shapes}`);
      assert.ok(e.shapeScore >= -1 && e.shapeScore <= 1, `neuron ${u}: shape score ${e.shapeScore}`);
    } else {
      assert.match(e.shapes, /^(No stroke shape stands out|Of the stroke shapes it prefers)/);
      assert.equal(e.shapeScore, null);
    }
    assert.equal(e.story, null, 'only a lone survivor has a story');
  }
  assert.ok(named > 32, `only ${named} of mlp128's neurons name a shape`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Neuron tab of mlp6-dead tells the survivor\'s story: shapes, pushes, the digits along its activation', { timeout: 240000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=mlp6-dead&help=0', { skipHelp: true });
  await waitReady(page);
  const e = await page.evaluate(async () => {
    await window.lens.explain(0, 0);  // the analysis has finished
    const dead = window.lens.state().dead[0];
    const alive = [0, 1, 2, 3, 4, 5].filter((u) => !dead.includes(u));
    const r = await window.lens.explain(0, alive[0]);
    return { alive, r };
  });
  assert.equal(e.alive.length, 1, 'mlp6-dead has one live neuron');
  const u = e.alive[0];
  const story = e.r.story;
  assert.equal(typeof story, 'string');
  assert.match(story, /^It does all the work\./);
  assert.match(story, /Its outgoing weights push towards \d \(/);
  assert.match(story, /against \d \(/);
  for (let d = 0; d <= 9; d++) assert.ok(story.includes(`${d} (`), `digit ${d} is placed in the story`);
  assert.match(story, /the digits line up, by where their typical test image lands: \d \([\d.]+\)( < \d \([\d.]+\)){9}/);
  const named = e.r.concepts.filter((c) => c.named);
  for (const c of named) assert.ok(story.includes(`${c.score.toFixed(2)})`), `the story names ${c.name}`);
  if (!named.length) assert.match(story, /(No stroke shape stands out|no shape drives it as hard as a typical test digit)/);

  // The page shows it: the Neuron tab of that neuron draws the summary and the story.
  await page.evaluate((u) => { window.lens.select(0, u); window.lens.setTab('neuron'); }, u);
  await frames(page, 3);
  const shown = await page.evaluate(() => window.lens._test.shownText());
  assert.ok(shown.includes(e.r.summary), 'the Neuron tab shows the summary');
  assert.ok(shown.includes(story), `the Neuron tab shows the story; it shows:\n${shown.join('\n')}`);
  // A dead neuron's tab has no story.
  const dead = u === 0 ? 1 : 0;
  await page.evaluate((d) => window.lens.select(0, d), dead);
  await frames(page, 3);
  const shownDead = await page.evaluate(() => window.lens._test.shownText());
  assert.ok(!shownDead.some((t) => t.startsWith('It does all the work')), 'no story for a dead neuron');
  // The Network tab says which shapes the layer covers.
  await page.evaluate(() => window.lens.setTab('network'));
  await frames(page, 3);
  const network = await page.evaluate(() => window.lens._test.shownText());
  assert.ok(network.some((t) => t.startsWith('Shapes. Of the 12 stroke shapes')), `network tab: ${network.join('\n')}`);
  assert.deepEqual(errors, []);
  await context.close();
});
