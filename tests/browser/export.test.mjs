// Export: every lens.figure name gives a PNG that decodes at its documented size
// (base size x scale), themes differ, bad arguments reject with a clear message,
// lens.report() is lens-report's Markdown to the byte, and the Export menu downloads
// figures, the whole view and the report zip like a person's clicks would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, openPage, waitReady, clickItem, repoRoot as root, mnistDir as mnist } from './harness.mjs';

const report = path.join(root, 'build/native/tools/lens-report');
let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const VIEW = { width: 1280, height: 800 };
const stroke = []; for (let i = 0; i <= 12; i++) stroke.push([0.5, 0.15 + 0.7 * i / 12]);

function lensReport(model) {
  const out = mkdtempSync(path.join(os.tmpdir(), `lens-report-${model}-`));
  execFileSync(report, ['--quiet', '--model', path.join(root, 'assets/models', `${model}.lens`), '--data', mnist, '--out', out]);
  return { dir: out, md: readFileSync(path.join(out, 'README.md'), 'utf8') };
}

// Decodes PNG bytes in the page (createImageBitmap) and reads pixel (x, y). The bytes go over as
// base64: as an array of numbers, a whole view's PNG took seconds.
async function decode(page, bytes, x = 0, y = 0) {
  return page.evaluate(async ({ base64, x, y }) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const g = c.getContext('2d');
    g.drawImage(bmp, 0, 0);
    return { width: bmp.width, height: bmp.height, pixel: Array.from(g.getImageData(x, y, 1, 1).data) };
  }, { base64: Buffer.from(bytes).toString('base64'), x, y });
}

// lens.figure(name, opts) made and decoded in the page: its first 8 bytes, its size and pixel
// (x, y). The PNG stays in the page: a figure of 3,000 pixels a side sent to the test and back as
// an array of numbers took seconds each way.
async function figure(page, name, opts, x = 0, y = 0) {
  return page.evaluate(async ({ name, opts, x, y }) => {
    const png = await window.lens.figure(name, opts);
    const bmp = await createImageBitmap(new Blob([new Uint8Array(png)], { type: 'image/png' }));
    const g = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d');
    g.drawImage(bmp, 0, 0);
    return { signature: Array.from(png.slice(0, 8)), width: bmp.width, height: bmp.height,
             pixel: Array.from(g.getImageData(x, y, 1, 1).data) };
  }, { name, opts, x, y });
}

async function openMlp32(viewport = VIEW) {
  const opened = await openPage(browser, server.url + '#model=mlp32&help=0', { skipHelp: true, viewport });
  await waitReady(opened.page);
  await opened.page.evaluate((s) => window.lens.drawStroke(s), stroke);
  await opened.page.evaluate(() => window.lens.report());  // the analysis has finished
  return opened;
}

test('each lens.figure name gives a PNG that decodes at its base size times the scale', { timeout: 240000 }, async () => {
  const { page, errors, context } = await openMlp32();
  // Base sizes (docs/embedding.md): mlp32's layer 0 has 32 neurons: 8 columns, 4 rows of 56-unit
  // tiles with 16 for the label, 8 apart, 12 around: 24 + 8 * 64 - 8 by 24 + 4 * 80 - 8.
  const cases = /** @type {[string, any, number, number][]} */ ([
    ['actmax', { layer: 0, neuron: 3, scale: 1 }, 224, 224],
    ['actmax', { layer: 1, neuron: 7, scale: 2 }, 224, 224],
    ['weights', { layer: 0, neuron: 3, scale: 4 }, 224, 224],
    ['grid', { layer: 0, scale: 2 }, 528, 336],
    ['grid', { layer: 1, scale: 1 }, 24 + 10 * 64 - 8, 24 + 80 - 8],
    ['prediction', { scale: 4 }, 600, 300],
    ['classes', { layer: 0, neuron: 3, scale: 3 }, 400, 220],
    ['confusion', { scale: 8, theme: 'dark' }, 412, 420],
    ['view', { scale: 1 }, VIEW.width, VIEW.height],
    ['view', { scale: 2, theme: 'light' }, VIEW.width, VIEW.height],
  ]);
  for (const [name, opts, w, h] of cases) {
    const d = await figure(page, name, opts);
    assert.deepEqual(d.signature, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${name}: not a PNG`);
    assert.deepEqual([d.width, d.height], [w * opts.scale, h * opts.scale], `${name} ${JSON.stringify(opts)}`);
  }
  // Themes: the maximization image is printed dark on white, or light on the dark ground.
  const corner = async (theme) => (await figure(page, 'actmax', { layer: 0, neuron: 3, theme })).pixel;
  assert.deepEqual(await corner('light'), [255, 255, 255, 255]);
  assert.deepEqual(await corner('dark'), [0, 0, 0, 255]);
  // The whole view in the light theme is light where the page's background shows.
  const px = (await figure(page, 'view', { theme: 'light' }, VIEW.width - 4, VIEW.height - 4)).pixel;
  assert.ok(px[0] > 200 && px[1] > 200 && px[2] > 200, `light view background is ${px}`);
  assert.equal(await page.evaluate(() => document.body.classList.contains('light')), false, 'the page went back to its own theme');
  assert.deepEqual(errors, []);
  await context.close();
});

test('lens.figure rejects bad names and arguments with a clear message, changing nothing', { timeout: 120000 }, async () => {
  const { page, errors, context } = await openMlp32();
  const before = await page.evaluate(() => JSON.stringify(window.lens.state()));
  const bad = /** @type {[any[], RegExp][]} */ ([
    [['histogram'], /lens\.figure: unknown figure "histogram" \(known: actmax, weights, grid, prediction, classes, confusion, view\)/],
    [[42], /lens\.figure: name .* must be a string/],
    [['actmax', { layer: 0, neuron: 99 }], /lens\.figure: .*neuron 99/],
    [['actmax', { layer: 0, neuron: 1.5 }], /neuron must be an integer/],
    [['weights', { layer: 1, neuron: 0 }], /layer 1 is the output layer of mlp32/],
    [['actmax', { scale: 9, layer: 0, neuron: 0 }], /scale must be an integer from 1 to 8, got 9/],
    [['view', { scale: 5 }], /scale must be an integer from 1 to 4 for view, got 5/],
    [['grid', { theme: 'sepia' }], /theme must be "light" or "dark", got "sepia"/],
    [['grid', { colour: 1 }], /unknown option "colour"/],
    [['grid', 'big'], /options must be an object/],
    [['grid', { layer: 5 }], /layer 5 does not exist/],
    [['actmax'], /no neuron is selected; give layer and neuron/],
  ]);
  for (const [args, message] of bad) {
    const r = await page.evaluate((a) => window.lens.figure(a[0], a[1]).then(() => 'resolved', (e) => e.message), args);
    assert.match(r, message, JSON.stringify(args));
  }
  assert.equal(await page.evaluate(() => JSON.stringify(window.lens.state())), before);
  assert.deepEqual(errors, []);
  await context.close();
});

test('lens.report() is the Markdown lens-report writes for the same model', { timeout: 300000 }, async () => {
  assert.ok(existsSync(report), `${report} missing: build the native preset first`);
  const { page, errors, context } = await openPage(browser, server.url + '#help=0', { skipHelp: true });
  await waitReady(page);
  for (const model of ['mlp6-dead', 'mlp2x64', 'xor']) {
    await page.evaluate((m) => window.lens.selectModel(m), model);
    const md = await page.evaluate(() => window.lens.report());
    const native = lensReport(model).md;
    if (md !== native) {  // show the first line that differs
      const a = md.split('\n'), b = native.split('\n');
      const i = a.findIndex((line, k) => line !== b[k]);
      assert.fail(`${model}: line ${i + 1} differs\n page: ${a[i]}\n lens-report: ${b[i]}`);
    }
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Export menu downloads a figure, the whole view and the report zip', { timeout: 300000 }, async () => {
  assert.ok(existsSync(report), `${report} missing: build the native preset first`);
  const { page, errors, context } = await openMlp32();
  await page.evaluate(() => window.lens.setTab('network'));
  await clickItem(page, 'Export');
  await clickItem(page, 'export:Dark');
  await clickItem(page, 'export:2x');
  const [figure] = await Promise.all([page.waitForEvent('download'), clickItem(page, 'export:Confusion matrix')]);
  assert.equal(figure.suggestedFilename(), 'mlp32-confusion-dark-2x.png');
  // The page says where it went, as a success (not in the error red; it fades after 6 s: using.md, Notices).
  assert.deepEqual((await page.evaluate(() => window.lens.state())).notice,
    { text: 'Saved mlp32-confusion-dark-2x.png (in your downloads).', kind: 'success' });
  const png = readFileSync(await figure.path());
  const d = await decode(page, png, 2, 2);
  assert.deepEqual([d.width, d.height], [412 * 2, 420 * 2]);
  assert.ok(d.pixel[0] < 60, `a dark figure has a dark ground, got ${d.pixel}`);

  await clickItem(page, 'Export');
  const [view] = await Promise.all([page.waitForEvent('download'), clickItem(page, 'export:The whole view')]);
  assert.equal(view.suggestedFilename(), 'mlp32-view-dark-2x.png');
  const v = await decode(page, readFileSync(await view.path()));
  assert.deepEqual([v.width, v.height], [VIEW.width * 2, VIEW.height * 2]);

  await clickItem(page, 'Export');
  const [zip] = await Promise.all([page.waitForEvent('download'), clickItem(page, 'export:Download report (.zip)')]);
  assert.equal(zip.suggestedFilename(), 'mlp32-report.zip');
  // Python's zipfile reads it; its README.md is lens-report's, and every figure it links is in it.
  const listing = JSON.parse(execFileSync('/usr/bin/python3', ['-c',
    'import json, sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; ' +
    'print(json.dumps({"names": z.namelist(), "md": z.read("README.md").decode()}))', await zip.path()]).toString());
  const native = lensReport('mlp32');
  assert.equal(listing.md, native.md);
  const linked = [...new Set([...native.md.matchAll(/\]\((figures\/[^)]+)\)/g)].map((m) => m[1]))];
  assert.ok(linked.length > 60, `only ${linked.length} figures linked`);
  for (const f of linked) assert.ok(listing.names.includes(f), `the zip lacks ${f}`);
  // Every file is the same bytes lens-report writes: the page and lens-report draw them with the same
  // code from the same numbers, the maximization images included (gemm.h's products and the portable
  // exp and log give the same bits natively and in wasm).
  const differ = execFileSync('/usr/bin/python3', ['-c',
    'import os, sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); ' +
    'print(" ".join(n for n in z.namelist() if open(os.path.join(sys.argv[2], n), "rb").read() != z.read(n)))',
    await zip.path(), native.dir]).toString().trim().split(' ').filter(Boolean);
  assert.deepEqual(differ, [], 'files that differ from lens-report\'s');
  const written = execFileSync('/usr/bin/python3', ['-c',
    'import os, sys; r = sys.argv[1]; print("\\n".join(sorted(os.path.relpath(os.path.join(d, f), r) for d, _, fs in os.walk(r) for f in fs)))',
    native.dir]).toString().trim().split('\n');
  assert.deepEqual([...listing.names].sort(), written, 'the zip holds exactly the files lens-report writes');
  assert.deepEqual(errors, []);
  await context.close();
});
