// The benchmark's web server (tools/bench/peers.sh only; the product page needs none of this):
// loopback only, cross-origin isolated (COOP/COEP, so ONNX Runtime Web can run 2 threads on
// SharedArrayBuffer and performance.now() resolves to ~5 us), gzip on the fly like a static
// host would. Routes:
//   /             the built site (build/web/site): MNIST Lens as it ships
//   /peers/...    tools/bench/peers/node_modules (TensorFlow.js, ONNX Runtime Web)
//   /bench/...    tools/bench/peers (the benchmark's pages and modules)
//   /data/mlp128.json, /data/mlp128.f32   the bundle's header and float32 parameters, as lens-info
//                                         (the page's own bundle reader) reads them
//   /data/mlp128.onnx                     the same weights written as ONNX
//   /data/convnet.onnx                    the PyTorch MNIST example convnet (tests/onnx/pytorch-mnist-example.onnx)
//   /data/convnet.json                    its name and input normalization (from tests/onnx/convnets.json)
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLensBundle } from './lens-bundle.mjs';
import { writeOnnx } from './onnx-write.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.data': 'application/octet-stream', '.gz': 'application/gzip', '.lens': 'application/octet-stream',
  '.onnx': 'application/octet-stream', '.f32': 'application/octet-stream', '.ttf': 'font/ttf', '.css': 'text/css' };

export const CONVNET = 'pytorch-mnist-example';

export async function startBenchServer({ site = path.join(root, 'build/web/site'), model = path.join(root, 'assets/models/mlp128.lens') } = {}) {
  const lens = await readLensBundle(model, root);
  const fixtures = JSON.parse(readFileSync(path.join(root, 'tests/onnx/convnets.json'), 'utf8'));
  const convnet = fixtures.models.find((m) => m.id === CONVNET);
  const generated = { '/data/mlp128.json': Buffer.from(JSON.stringify(lens.header)), '/data/mlp128.f32': Buffer.from(lens.floats.buffer),
    '/data/mlp128.onnx': writeOnnx(lens.model), '/data/convnet.onnx': readFileSync(path.join(root, 'tests/onnx', convnet.onnx)),
    '/data/convnet.json': Buffer.from(JSON.stringify({ name: convnet.id, normalize: convnet.normalize, what: convnet.what })) };
  const mounts = [['/peers/', path.join(here, 'node_modules')], ['/bench/', here], ['/', site]];
  const gzipCache = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let body = generated[url.pathname], file = url.pathname;
    if (!body) {
      const [prefix, dir] = mounts.find(([p]) => url.pathname.startsWith(p));
      file = path.join(dir, decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html');
      if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
      try { if (statSync(file).isDirectory()) file = path.join(file, 'index.html'); body = readFileSync(file); } catch {
        res.writeHead(404); return res.end('not found');
      }
    }
    const type = TYPES[path.extname(file)] || 'application/octet-stream';
    const headers = { 'Content-Type': type, 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': 'no-store' };
    if (type !== 'application/gzip' && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      if (!gzipCache.has(file)) gzipCache.set(file, gzipSync(body));
      body = gzipCache.get(file);
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close(), onnx: generated['/data/mlp128.onnx'] });
  }));
}
