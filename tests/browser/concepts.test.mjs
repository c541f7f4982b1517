// Shapes in the page: lens.explain gives every family of lone shapes with what drawing it does
// to the neuron and its explanation score, and the sentence built from them; the Neuron tab of
// mlp6-dead tells its survivor's story (shapes, how it pushes each class, the digits along its
// activation, the course's sentence checked) in the words lens.explain returns; and a lecturer
// who draws each shape on the canvas with the mouse sees every named shape among the strongest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, waitReady, pointerStroke, followLink } from './harness.mjs';

const vocabulary = ['loop', 'arc-left', 'arc-right', 'cup', 'arch', 'vertical', 'bar', 'diagonal-rising',
  'diagonal-falling', 'crossing', 'plus'];

const NAMED_MLP128 = 64;  // 91 of its 128 neurons are named natively (lens-report)

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

// Frames drawn after now (the shown text is the last frame's).
async function frames(page, n) {
  const f0 = await page.evaluate(() => window.lens.perf().frame);
  await page.waitForFunction((f) => window.lens.perf().frame >= f, f0 + n, { timeout: 20000, polling: 50 });
}

test('lens.explain lists every shape family drawn alone with its score, and names those that pass both rules in the summary', { timeout: 240000 }, async () => {
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
      assert.equal(c.rank, i, `neuron ${u}: ranks in order`);
      assert.ok(c.score >= -1 && c.score <= 1, `neuron ${u} ${c.name}: ${c.score}`);
      if (i) assert.ok(c.drawn <= e.concepts[i - 1].drawn, `neuron ${u}: most exciting drawn alone first`);
      if (c.named) assert.ok(c.excites && c.rank < 3 && c.score >= 0.3, `neuron ${u}: ${c.name} is named at rank ${c.rank}, score ${c.score}`);
    }
    const namedHere = e.concepts.filter((c) => c.named);
    assert.ok(namedHere.length <= 2, `neuron ${u} names ${namedHere.length} shapes`);
    assert.ok(e.shapes.length > 0 && e.summary.includes(e.shapes), `neuron ${u}: the summary carries the shapes sentence`);
    if (namedHere.length) {
      named++;
      assert.ok(e.shapes.startsWith('Among shapes drawn alone it responds most to'), `neuron ${u}: ${e.shapes}`);
      assert.ok(e.shapes.includes(`drawn alone, score ${namedHere[0].score.toFixed(2)})`), `neuron ${u}: ${e.shapes}`);
      assert.ok(e.shapeScore >= -1 && e.shapeScore <= 1, `neuron ${u}: shape score ${e.shapeScore}`);
    } else {
      assert.match(e.shapes, /^(No shape stands out for it|No shape is named for it)/);
      assert.equal(e.shapeScore, null);
    }
    assert.equal(e.story, null, 'only a lone survivor has a story');
  }
  assert.ok(named > NAMED_MLP128, `only ${named} of mlp128's neurons name a shape`);
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
  assert.ok(named.length > 0, 'the survivor is named for a shape');
  for (const c of named) assert.ok(story.includes(`score ${c.score.toFixed(2)})`), `the story names ${c.name}`);
  // The course's sentence, claim by claim, with the scores of the rounded shapes it is named for.
  assert.ok(story.includes('The course says the survivor'), story);
  assert.ok(story.includes('rounded shapes: confirmed, ' + named.map((c) => `${c.label} ${c.score.toFixed(2)}`).join(', ')), story);

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
  assert.ok(network.some((t) => t.startsWith('Shapes. Of the 11 shapes drawn alone on the canvas')), `network tab: ${network.join('\n')}`);
  assert.ok(network.some((t) => t.includes('rounded shapes: confirmed, ' + named.map((c) => `${c.label} ${c.score.toFixed(2)}`).join(', '))),
    `the Network tab compares with the course: ${network.join('\n')}`);

  assert.deepEqual(errors, []);
  await context.close();
});

// A lecturer's drawing of each family, in canvas coordinates [0, 1]: one stroke or two, drawn
// here independently of the page's own drawings (concepts.cpp), centred, about 60% tall.
function ellipse(a0, a1, rx = 0.2, ry = 0.3, steps = 24) {
  const out = [];
  for (let i = 0; i <= steps; i++) {
    const t = ((a0 + ((a1 - a0) * i) / steps) * Math.PI) / 180;
    out.push([0.5 + rx * Math.cos(t), 0.5 + ry * Math.sin(t)]);
  }
  return out;
}
function line(x0, y0, x1, y1, steps = 8) {
  return Array.from({ length: steps + 1 }, (_, i) => [x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps]);
}
const drawings = {
  'loop': [ellipse(270, 630)],
  'arc-left': [ellipse(300, 60)],
  'arc-right': [ellipse(240, 480)],
  'cup': [[[0.3, 0.2], ...ellipse(180, 0, 0.2, 0.3).map(([x, y]) => [x, y]), [0.7, 0.2]]],
  'arch': [[[0.3, 0.8], ...ellipse(180, 360, 0.2, 0.3), [0.7, 0.8]]],
  'vertical': [line(0.5, 0.2, 0.5, 0.8)],
  'bar': [line(0.2, 0.5, 0.8, 0.5)],
  'diagonal-rising': [line(0.3, 0.8, 0.7, 0.2)],
  'diagonal-falling': [line(0.3, 0.2, 0.7, 0.8)],
  'crossing': [line(0.3, 0.2, 0.7, 0.8), line(0.7, 0.2, 0.3, 0.8)],
  'plus': [line(0.5, 0.2, 0.5, 0.8), line(0.3, 0.5, 0.7, 0.5)],
};

test('drawn with the mouse, every named shape is among the strongest shapes for its neuron (mlp6-dead, mlp32)', { timeout: 300000 }, async () => {
  const { page, errors, context } = await openPage(browser, server.url + '#model=mlp6-dead&help=0', { skipHelp: true });
  await waitReady(page);
  const report = [], misses = [];
  for (const model of ['mlp6-dead', 'mlp32']) {
    if (model !== 'mlp6-dead') await followLink(page, `#model=${model}&help=0`);
    await page.waitForFunction((m) => window.lens.state().model === m && window.lens.state().analysisDone, model, { timeout: 240000 });
    const units = await page.evaluate(() => window.lens.state().layers[0].length);
    const explained = await page.evaluate(async (n) => {
      const out = [];
      for (let u = 0; u < n; u++) out.push(await window.lens.explain(0, u));
      return out;
    }, units);
    // Each family drawn once with real pointer strokes; the first hidden layer's activations read back.
    const acts = {};
    for (const [name, strokes] of Object.entries(drawings)) {
      await page.evaluate(() => window.lens.clear());
      for (const points of strokes) await pointerStroke(page, points);
      acts[name] = await page.evaluate(() => Array.from(window.lens.state().layers[0]));
      assert.ok(acts[name].some((a) => a > 0), `${model}: drawing a ${name} reaches the network`);
    }
    await page.evaluate(() => window.lens.clear());
    let checked = 0;
    for (const [u, e] of explained.entries()) {
      for (const [i, c] of e.concepts.filter((x) => x.named).entries()) {
        const order = vocabulary.slice().sort((a, b) => acts[b][u] - acts[a][u]);
        const rank = order.indexOf(c.name);
        report.push(`${model} neuron ${u}: named ${c.name} (score ${c.score.toFixed(2)}, page rank ${c.rank + 1}, ${Math.round(c.above * 18)} of 18 drawings above the median shape); drawn by mouse it ranks ${rank + 1} of ${vocabulary.length} (${acts[c.name][u].toFixed(2)}; strongest ${order[0]} ${acts[order[0]][u].toFixed(2)})`);
        // The page ranks it in the top 3 over 18 drawings of each family, and one drawing by
        // hand may trade places with a neighbour. The shape a summary names first is among the
        // 4 strongest drawn by hand; every named shape excites the neuron more than most other
        // shapes do (it beats at least 6 of the other 10: rank 5 or better).
        if (rank >= (i === 0 ? 4 : 5)) misses.push(report[report.length - 1]);
        checked++;
      }
    }
    assert.ok(checked > 0, `${model}: some neuron is named for a shape`);
  }
  console.log(report.join('\n'));
  assert.deepEqual(misses, []);
  assert.deepEqual(errors, []);
  await context.close();
});
