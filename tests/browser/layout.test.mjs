// Every seat in the room: every tab of every shipped model and of a model trained in the page,
// at the sizes the README promises (a 720p projector at 200% and 250% text, 1080p at 300%, a
// 390x844 phone), with nothing cut off where no scrollbar reaches it (lens._test.cutOff(): a
// window whose content overflows with no scrollbar), the header on two rows at the projector
// settings, and the canvas and a row of neuron cards on screen where the Explore tab promises
// them. Every view is saved to build/screens/<setting>/<model>-<tab>.png for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, openPage, waitReady, settled, repoRoot } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const settings = [
  { name: '720p-200', viewport: { width: 1280, height: 720 }, scale: 2, projector: true, cardsOnScreen: true },
  { name: '720p-250', viewport: { width: 1280, height: 720 }, scale: 2.5, projector: true, cardsOnScreen: false },
  { name: '1080p-300', viewport: { width: 1920, height: 1080 }, scale: 3, projector: true, cardsOnScreen: true },
  { name: 'phone', viewport: { width: 390, height: 844 }, scale: 1, hasTouch: true, cardsOnScreen: false },
];
const tabs = ['explore', 'neuron', 'outputs', 'network', 'train'];
const two = [[0.3, 0.3], [0.38, 0.2], [0.5, 0.17], [0.62, 0.21], [0.67, 0.32], [0.63, 0.45], [0.52, 0.57],
  [0.4, 0.68], [0.3, 0.8], [0.45, 0.79], [0.6, 0.79], [0.72, 0.8]];
const inside = (r, { width, height }) => r && r.width > 0 && r.x >= 0 && r.y >= 0 && r.x + r.width <= width + 0.5 && r.y + r.height <= height + 0.5;

// One setting: every model, then a small model trained here, each tab in turn. Returns what is wrong.
async function checkSetting(setting) {
  const problems = [];
  const dir = path.join(repoRoot, 'build', 'screens', setting.name);
  fs.mkdirSync(dir, { recursive: true });
  const { page, errors, context } = await openPage(browser, `${server.url}#model=xor&scale=${setting.scale}`,
    { viewport: setting.viewport, skipHelp: true, hasTouch: !!setting.hasTouch });
  await waitReady(page);
  const models = (await page.evaluate(() => window.lens.models().map((m) => m.id))).concat(['trained']);
  for (const model of models) {
    if (model === 'trained') {
      await page.evaluate(() => window.lens.train({ dataset: 'mnist', layers: [784, 16, 10], lr: 0.003, batch: 32, epochs: 1, seed: 1, validation: 1000 }));
    } else {
      await page.evaluate((id) => window.lens.selectModel(id), model);
    }
    await page.waitForFunction(() => window.lens.state().analysisDone, null, { timeout: 180000 });
    if (model !== 'xor') await page.evaluate((p) => { window.lens.clear(); window.lens.drawStroke(p); }, two);
    for (const tab of tabs) {
      await page.evaluate((t) => { window.lens.setTab(t); if (t === 'neuron') window.lens.select(0, 0); }, tab);
      await settled(page);
      const where = `${setting.name} ${model} ${tab}`;
      await page.screenshot({ path: path.join(dir, `${model}-${tab}.png`) });
      const seen = await page.evaluate(() => ({ cut: window.lens._test.cutOff(), tabs: window.lens._test.itemRect('tab bar'),
                                                canvas: window.lens.canvasRect(), card: window.lens._test.itemRect('first card of layer 0') }));
      for (const c of seen.cut) problems.push(`${where}: ${c}`);
      if (setting.projector && !(seen.tabs && seen.tabs.y < 1.5 * seen.tabs.height + 20))
        problems.push(`${where}: the tabs ${JSON.stringify(seen.tabs)} are below the header's second row`);
      if (tab !== 'explore' || model === 'xor') continue;
      if (!inside(seen.canvas, setting.viewport)) problems.push(`${where}: the canvas ${JSON.stringify(seen.canvas)} is not on screen`);
      if (setting.cardsOnScreen && !inside(seen.card, setting.viewport)) problems.push(`${where}: the first card ${JSON.stringify(seen.card)} is not on screen`);
    }
  }
  for (const e of errors) problems.push(`${setting.name}: console error ${e}`);
  await context.close();
  return problems;
}

test('every tab of every model, and of one trained here, at the projector settings and on a phone: nothing cut off', { timeout: 900000 }, async () => {
  // Two settings at a time: each page spends most of its time waiting for frames.
  const problems = [];
  for (let i = 0; i < settings.length; i += 2)
    for (const p of await Promise.all(settings.slice(i, i + 2).map(checkSetting))) problems.push(...p);
  assert.deepEqual(problems, []);
});
