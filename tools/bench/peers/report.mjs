// Merges the browser figures (bench-peers.mjs), native maximization (bench-actmax, torch_actmax.py)
// and training (bench-train.sh's table) into build/bench/peers.json, and prints the table.
//   node report.mjs BROWSER.json ACTMAX_LENS.json ACTMAX_TORCH.json TRAIN.txt OUT.json "LOAD BEFORE" "LOAD AFTER"
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';

const [browserFile, lensActmaxFile, torchActmaxFile, trainFile, outFile, loadBefore, loadAfter] = process.argv.slice(2);
// A JSON file, or the last line of a program's output that ends with a JSON line.
function readJson(f) {
  if (!f || !existsSync(f)) return null;
  const text = readFileSync(f, 'utf8').trim();
  try { return JSON.parse(text); } catch { return JSON.parse(text.split('\n').pop()); }
}
const browser = readJson(browserFile) || { peers: {}, errors: ['no browser figures'] };
const lensActmax = readJson(lensActmaxFile), torchActmax = readJson(torchActmaxFile);

// bench-train.sh rows: | trainer | batch | epochs | train s | samples/s | test acc |
const train = [];
if (trainFile && existsSync(trainFile)) {
  for (const line of readFileSync(trainFile, 'utf8').split('\n')) {
    const c = line.split('|').map((s) => s.trim());
    if (c.length >= 8 && /^\d+$/.test(c[2])) train.push({ trainer: c[1], batch: +c[2], epochs: +c[3], seconds: +c[4],
      samplesPerSecond: +c[5].replace(/,/g, ''), testAccuracy: +c[6].replace('%', '') / 100 });
  }
}

const rows = [];  // [what, ours, peer name, peer figure, ratio text, goal text]
const P = browser.peers, L = P.lens || {};
const ms = (v) => (v == null ? 'n/a' : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0) + ' ms');
const us = (v) => (v == null ? 'n/a' : v >= 1000 ? ms(v / 1000) : v.toFixed(v < 10 ? 2 : 1) + ' µs');
const ratio = (peer, ours) => (peer == null || ours == null ? 'n/a' : (peer / ours).toFixed(2) + 'x');
const goalText = (r, goal) => (goal == null || r === 'n/a' ? '' : `>= ${goal}x: ${parseFloat(r) >= goal ? 'met' : 'MISSED'}`);

const peerNames = { 'tfjs-wasm': 'TF.js wasm', 'tfjs-cpu': 'TF.js cpu', 'ort-wasm': 'ORT web wasm (1 thread)',
  'ort-wasm-2threads': 'ORT web wasm (2 threads)', 'plain-js': 'plain JS loop' };
const single = (p) => (p && p.single ? p.single : null);
const singleText = (s) => (s ? `${us(s.medianUs)} (p95 ${us(s.p95Us)})` : 'n/a');
// One row per peer of a network's figures (peers: its peers' figures, ours: MNIST Lens's).
function singleRows(what, peers, ours, names, goals = {}) {
  for (const name of names) {
    const r = ratio(single(peers[name])?.medianUs, single(ours)?.medianUs);
    rows.push([what, singleText(single(ours)), peerNames[name],
      peers[name]?.error ? 'not timed: ' + peers[name].error : singleText(single(peers[name])), r, goalText(r, goals[name])]);
  }
}
function batchRows(what, peers, ours, names, goals = {}) {
  for (const name of names) {
    const r = ratio(peers[name]?.batch?.ms, ours.batch?.ms);
    rows.push([what, ms(ours.batch?.ms), peerNames[name], peers[name]?.error ? 'not timed: ' + peers[name].error : ms(peers[name]?.batch?.ms),
      r, goalText(r, goals[name])]);
  }
}
singleRows('single-sample inference, median (p95)', P, L, ['tfjs-wasm', 'tfjs-cpu', 'ort-wasm', 'plain-js'], { 'tfjs-wasm': 5, 'ort-wasm': 2.5 });
if (browser.matvec) {
  const r = ratio(single(L)?.medianUs, browser.matvec.medianUs);
  rows.push(['single-sample inference vs the bare 128x784 product', us(single(L)?.medianUs), 'bare matvec, same wasm build',
    us(browser.matvec.medianUs), `lens / bare = ${r}`, r === 'n/a' ? '' : `<= 1.5x: ${parseFloat(r) <= 1.5 ? 'met' : 'MISSED'}`]);
}
batchRows('batch of 10,000 (single-threaded)', P, L, ['tfjs-wasm', 'tfjs-cpu', 'ort-wasm', 'ort-wasm-2threads', 'plain-js'], { 'ort-wasm-2threads': 1 });
// The convnet (the PyTorch MNIST example): the same rows, and a stroke on the page.
const C = browser.convnet, CP = C?.peers || {}, CL = CP.lens || {};
if (C) {
  const convNames = ['tfjs-wasm', 'tfjs-cpu', 'ort-wasm'];
  singleRows('convnet: single-sample inference, median (p95)', CP, CL, convNames);
  batchRows(`convnet: batch of ${C.batch.toLocaleString('en-US')} (single-threaded)`, CP, CL, [...convNames, 'ort-wasm-2threads']);
  if (C.info && C.info.analysisDone === false) rows.push(['convnet: the page\'s analysis of it', `${Math.round(100 * (C.info.analysis ?? 0))}% done after ${C.info.analysisWaitS} s: the convnet rows were timed while it ran between them`, '', '', '', '']);
  const S = C.strokes;
  if (S) rows.push(['convnet: a stroke on the page (lens.drawStroke), median (p95)', `${ms(S.callMedianMs)} (p95 ${ms(S.callP95Ms)})`,
    'its C++ compute (lens.perf().strokeMs)', `${ms(S.computeMedianMs)} (p95 ${ms(S.computeP95Ms)})`, '',
    `p95 < 10 ms: ${S.callP95Ms < 10 ? 'met' : 'MISSED'}`]);
}
const A = browser.actmax || {};
{
  const r = ratio(A['tfjs-wasm']?.ms, A.lens?.ms);
  rows.push(['actmax, 128 units x 256 steps (browser)', ms(A.lens?.ms), 'TF.js wasm (tf.grad)', ms(A['tfjs-wasm']?.ms), r, goalText(r, 10)]);
}
if (lensActmax || torchActmax) {
  const r = ratio(torchActmax?.ms, lensActmax?.ms);
  rows.push(['actmax, 128 units x 256 steps (native)', ms(lensActmax?.ms), `PyTorch ${torchActmax?.torch_version ?? ''} (autograd, ${torchActmax?.threads ?? "?"} thread${torchActmax?.threads === 1 ? "" : "s"})`,
    ms(torchActmax?.ms), r, goalText(r, 1)]);
}
for (const b of [64, 256]) {
  const ours = train.find((t) => t.trainer === 'lens-train' && t.batch === b), torch = train.find((t) => t.trainer === 'pytorch' && t.batch === b);
  if (!ours && !torch) continue;
  const f = (t) => (t ? `${Math.round(t.samplesPerSecond).toLocaleString('en-US')} samples/s, ${(100 * t.testAccuracy).toFixed(2)}%` : 'n/a');
  const r = ratio(ours?.samplesPerSecond, torch?.samplesPerSecond);
  rows.push([`training 784-128-10 Adam, batch ${b} (native, lens-train --threads 2)`, f(ours), 'PyTorch (OpenBLAS, 1+2 threads)', f(torch), `ours / peer = ${r}`, goalText(r, 2)]);
}
const kib = (b) => (b == null ? 'n/a' : (b / 1024).toFixed(0) + ' KiB');
for (const name of ['tfjs-wasm', 'tfjs-cpu', 'ort-wasm', 'plain-js']) {
  rows.push(['download (gzipped) / first result, fresh page', `${kib(L.first?.bytes)} / ${ms(L.first?.ms)}`, peerNames[name],
    `${kib(P[name]?.first?.bytes)} / ${ms(P[name]?.first?.ms)}`, '', '']);
}

const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${browser.chromium ? 'Chromium ' + browser.chromium : ''}`;
const report = { date: browser.date, machine, loadBefore, loadAfter, browser, native: { actmax: { lens: lensActmax, pytorch: torchActmax }, train }, rows };
writeFileSync(outFile, JSON.stringify(report, null, 2));

console.log(`MNIST Lens against its peers, mlp128 (784-128-10)${C ? ` and the convnet ${C.info?.lensModel ?? ''} (${(C.info?.parameters ?? 0).toLocaleString('en-US')} weights; rows "convnet:")` : ''}, ${browser.date} — ${machine}`);
console.log(`load average before / after: ${loadBefore} / ${loadAfter}`);
console.log('ratio = peer time / our time (for training: our samples/s / theirs): above 1 means MNIST Lens is faster\n');
console.log('| measure | MNIST Lens | peer | peer | ratio | goal |');
console.log('| --- | ---: | --- | ---: | ---: | --- |');
for (const r of rows) console.log('| ' + r.join(' | ') + ' |');
if (A.difference) console.log(`\nactmax images, MNIST Lens vs TF.js: mean |difference| ${A.difference.mean.toExponential(2)}, max ${A.difference.max.toFixed(3)}`);
if (torchActmax?.difference) console.log(`actmax images, MNIST Lens vs PyTorch: mean |difference| ${torchActmax.difference.mean.toExponential(2)}, max ${torchActmax.difference.max.toFixed(3)}`);
const checks = (peers) => Object.entries(peers).map(([k, v]) => `${k} ${v.check ? Math.max(v.check.single ?? 0, v.check.batch ?? 0).toExponential(1) : 'n/a'}`).join(', ');
console.log(`largest |probability difference| to lens.predict on 100 test images (tolerance 1e-4): ${checks(P)}`);
if (C) console.log(`the same for the convnet: ${checks(CP)}; inputs normalized (x - ${C.info?.normalize?.[0]}) / ${C.info?.normalize?.[1]} (MNIST Lens: given at lens.loadBundle)`);
if (browser.setup) console.log(`TF.js ${browser.setup.tfjs} (wasm backend threads: ${P['tfjs-wasm']?.info?.threads ?? '?'}), ONNX Runtime Web ${browser.setup.ort}, cross-origin isolated: ${browser.setup.crossOriginIsolated}`);
if (browser.errors?.length) console.log('\nERRORS:\n' + browser.errors.join('\n'));
console.log(`\nwritten to ${outFile}`);
