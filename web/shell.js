// The page shell: checks what the browser can do, shows loading progress, then
// starts lens.js (the Emscripten build). On failure it says why, in words.
(function () {
  'use strict';
  var statusEl = document.getElementById('status');
  var progressEl = document.getElementById('progress');
  var overlay = document.getElementById('overlay');

  // The page cannot go on: says why, in words, over the canvas; with `reload`, a Reload button.
  function fail(title, text, reload) {
    var card = document.getElementById('card');
    card.className = 'card error';
    card.innerHTML = '';
    var h = document.createElement('h1');
    h.textContent = title;
    var p = document.createElement('p');
    p.textContent = text;
    card.appendChild(h);
    card.appendChild(p);
    if (reload) {
      var b = document.createElement('button');
      b.id = 'reload';
      b.type = 'button';
      b.textContent = 'Reload';
      b.addEventListener('click', function () { location.reload(); });
      card.appendChild(b);
    }
    overlay.setAttribute('role', 'alert');
    // (window.Module: this may run before the Module below is filled in.)
    if (window.Module) window.Module.lensShownFailure = title + ': ' + text;  // lens-api.js refuses calls with it from now on
    overlay.classList.remove('hidden');
    if (reload) card.querySelector('#reload').focus();
    if (window.Module && window.Module.lensPage) window.Module.lensPage.reject(new Error(title + ': ' + text));
  }

  function hasWebAssembly() {
    try {
      return typeof WebAssembly === 'object' &&
        WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    } catch (e) { return false; }
  }
  function hasWebGL2() {
    try { return !!document.createElement('canvas').getContext('webgl2'); } catch (e) { return false; }
  }

  if (!hasWebAssembly()) {
    fail('WebAssembly is not available',
         'MNIST Lens computes everything in WebAssembly. Please open it in a current version of Chrome, Edge, Firefox or Safari.');
    return;
  }
  if (!hasWebGL2()) {
    fail('WebGL2 is not available',
         'MNIST Lens draws with WebGL2, which this browser or its graphics settings do not provide. ' +
         'Try a current browser, or enable hardware acceleration in its settings.');
    return;
  }

  // Before the first frame the page needs the model list and the one bundle it opens with
  // (the link's model, else the default); the others are fetched when picked.
  var startupModel = fetch('models/models.json').then(function (r) {
    if (!r.ok) throw new Error('models/models.json: HTTP ' + r.status);
    return r.arrayBuffer();
  }).then(function (listBytes) {
    var list = JSON.parse(new TextDecoder().decode(listBytes));
    var m = /(?:^#|&)model=([^&]*)/.exec(location.hash);
    var wanted = '';
    try { wanted = m ? decodeURIComponent(m[1]) : ''; } catch (e) { /* a broken link opens the default model */ }
    var id = list.models.indexOf(wanted) >= 0 ? wanted : list['default'];
    return fetchBytes('models/' + id + '.lens').then(function (bundle) {
      return { list: new Uint8Array(listBytes), id: id, bundle: bundle };
    });
  });
  startupModel.catch(function () { /* reported by preRun */ });
  function fetchBytes(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.arrayBuffer();
    }).then(function (b) { return new Uint8Array(b); });
  }

  // The page's WebGL2 context, made here rather than by SDL so that the canvas keeps its
  // pixels from frame to frame (preserveDrawingBuffer): the app draws again only what changed
  // (src/app/damage.h). 2D only: no depth, stencil or multisampling.
  var canvas = document.getElementById('canvas');
  var gl = canvas.getContext('webgl2', { alpha: false, depth: false, stencil: false, antialias: false,
                                         preserveDrawingBuffer: true });

  // A click or a touch gives the page the keyboard. SDL cancels the default of a mouse press on
  // the canvas, and with it the browser's own move of the focus: in an iframe (an embed in a
  // post) the keys went on reaching the host page. Taken here, before SDL sees the press.
  window.addEventListener('pointerdown', function (e) {
    if (e.target !== canvas || (document.hasFocus() && document.activeElement === canvas)) return;
    window.focus();
    canvas.focus({ preventScroll: true });
  }, { capture: true, passive: true });

  var firstFrameDrawn;
  var afterFirstFrame = new Promise(function (resolve) { firstFrameDrawn = resolve; });

  // lens.wasm holds what the first view runs; the rest is in lens.deferred.wasm
  // (tools/wasm-split-profile.mjs), fetched and compiled once the first frame is drawn and
  // instantiated into the running program: its functions take the places of wasm-split's
  // placeholders. A call into deferred code before that (Module.loadSplitModule, called by
  // Emscripten's placeholder) loads it right away, synchronously, and goes on.
  var deferred = { module: null, instance: null, compiling: null, loading: null, early: [] };
  // Fetches and compiles it (once; again after a failure). Resolves with the module or null.
  function compileDeferred() {
    if (deferred.compiling) return deferred.compiling;
    deferred.compiling = fetch('lens.deferred.wasm').then(function (r) {
      if (!r.ok) throw new Error('lens.deferred.wasm: HTTP ' + r.status);
      return r.arrayBuffer();
    }).then(function (bytes) {
      return WebAssembly.compile(bytes);
    }).then(function (module) {
      deferred.module = deferred.module || module;
      return deferred.module;
    }, function (e) {
      // Not fatal: the first call into deferred code tries again, synchronously.
      deferred.compiling = null;
      console.warn('MNIST Lens: ' + (e && e.message || e) + '; it is fetched again when needed');
      return null;
    });
    return deferred.compiling;
  }
  // After the first frame: compiled, then instantiated into the running program.
  function loadDeferred() {
    if (deferred.loading) return deferred.loading;
    deferred.loading = compileDeferred().then(function (module) {
      if (!module) { deferred.loading = null; return; }
      if (deferred.instance) return;  // a call before it arrived loaded it already
      // (A call while this instantiates makes a second instance: it fills the same slots with
      // the same code over the same memory, so whichever came last serves.)
      return WebAssembly.instantiate(module, { primary: Module.asm }).then(function (instance) {
        if (!deferred.instance) deferred.instance = instance;
      });
    }).then(function () {
      if (deferred.instance && window.performance && performance.mark) performance.mark('lens-deferred-ready');  // tools/bench/bench-load.mjs
    });
    return deferred.loading;
  }
  // A link to another tab than Explore opens on code the first views do not run: the deferred
  // part is fetched beside lens.wasm and main() waits until it is compiled, so that no
  // synchronous download is needed for its first frame.
  var linkNeedsDeferred = /(?:^#|&)tab=(?!explore(?:&|$))/.test(location.hash);
  function loadDeferredNow(file, imports, placeholder) {
    deferred.early.push(Number(placeholder));
    if (!deferred.module) {
      var xhr = new XMLHttpRequest();
      xhr.open('GET', file, false);  // synchronous: the wasm call that needs it is waiting
      xhr.overrideMimeType('text/plain; charset=x-user-defined');  // bytes as characters
      var why = '';
      try { xhr.send(null); } catch (e) { why = e && e.message || String(e); }
      if (!why && xhr.status !== 200) why = 'HTTP ' + xhr.status;
      if (why) {
        fail('Download failed', 'Part of the app (lens.deferred.wasm) could not be loaded (' + why + '). Check the connection and reload.');
        throw new Error('lens.deferred.wasm: ' + why);
      }
      var text = xhr.responseText, bytes = new Uint8Array(text.length);
      for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
      try {
        deferred.module = new WebAssembly.Module(bytes);
      } catch (e) {
        // A browser may refuse to compile a large module synchronously on the main thread.
        fail('Not ready yet', 'Part of the app (lens.deferred.wasm) could not be compiled on the spot (' + (e && e.message || e) + '). Reload the page and wait a moment before using it.');
        throw e;
      }
    }
    deferred.instance = new WebAssembly.Instance(deferred.module, imports);
    return [deferred.instance, deferred.module];
  }

  // lens-api.js made window.Module first (its channel to the page, Module.lensPage): filled in here.
  var Module = Object.assign(window.Module = window.Module || {}, {
    canvas: canvas,
    loadSplitModule: loadDeferredNow,
    // For tests/browser/split.test.mjs: whether the deferred part is in, and the placeholders
    // (deferred functions, by wasm-split's index) that were called before it arrived.
    lensDeferred: function () {
      return { ready: !!deferred.instance, early: deferred.early.slice() };
    },
    preinitializedWebGLContext: gl,
    // The model list and the first bundle go into the app's file system before main() runs.
    preRun: [function () {
      if (linkNeedsDeferred) {
        Module.addRunDependency('lens-deferred');
        compileDeferred().then(function () { Module.removeRunDependency('lens-deferred'); });
      }
      Module.addRunDependency('lens-startup-model');
      startupModel.then(function (f) {
        Module.FS.mkdir('/models');
        Module.FS.writeFile('/models/models.json', f.list);
        Module.FS.writeFile('/models/' + f.id + '.lens', f.bundle);
        Module.removeRunDependency('lens-startup-model');
      }, function (e) {
        fail('Download failed', 'The model could not be loaded (' + (e && e.message || e) + '). Check the connection and reload.');
      });
    }],
    print: function (t) { console.log(t); },
    printErr: function (t) { console.warn(t); },
    setStatus: function (text) {
      // Emscripten reports "Downloading data... (loaded/total)".
      var m = /\((\d+(?:\.\d+)?)\/(\d+)\)/.exec(text || '');
      if (m) {
        progressEl.value = Number(m[1]) / Number(m[2]);
        statusEl.textContent = 'Downloading models… ' + Math.round(100 * m[1] / m[2]) + '%';
      } else if (text) {
        statusEl.textContent = text.replace('...', '…');
      }
    },
    onLensStarted: function () {},
    // The app wants assets (app/core/assets.h): fetched one by one (fetchAsset).
    lensAssetsWanted: function () {
      Module.lensPage.value('assets', 'lens_assets_take').forEach(fetchAsset);
    },
    // The first frame is drawn: the page is interactive. What the app asked for meanwhile (a
    // statistics sidecar, the test digits) is fetched from now on, so the first frame waits for
    // nothing it does not draw.
    onLensFirstFrame: function () {
      if (window.performance && performance.mark) performance.mark('lens-first-frame');  // for tools/bench/bench-load.mjs
      overlay.classList.add('hidden');
      firstFrameDrawn();
      loadDeferred();
    },
    // The model and what its analysis measures from (its sidecar, or the test digits) are in:
    // window.lens.ready resolves.
    onLensReady: function () {
      overlay.classList.add('hidden');
      Module.lensPage.resolve();
    },
    onLensFatal: function (text) { fail('MNIST Lens could not start', text); },
    // The app failed while running (a trap or an abort in wasm): lens-api.js words it and calls
    // lensShowStopped; every API call refuses from then on.
    onAbort: function (what) { Module.lensPage.aborted(what); },
    lensShowStopped: function (why) {
      fail('MNIST Lens stopped', 'Something inside the app failed: ' + why + '. The page cannot go on; reloading starts it again ' +
           '(models you loaded and drawings are not kept).', true);
    }
  });
  statusEl.textContent = 'Downloading the app…';

  // Gzip files (the MNIST digits) the browser decompresses.
  function fetchGzip(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      if (typeof DecompressionStream === 'undefined') throw new Error('this browser cannot decompress gzip');
      return new Response(r.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
    }).then(function (b) { return new Uint8Array(b); });
  }

  // Where each kind of asset the app asks for is (app/core/assets.h lists them): its files, in
  // the order the app reads them (.gz: decompressed here).
  var ASSET_FILES = {
    'model': function (id) { return ['models/' + encodeURIComponent(id) + '.lens']; },
    // A shipped model's statistics sidecar (a few KB): its analysis starts from it instead of
    // measuring on the test digits.
    'stats': function (id) { return ['models/' + encodeURIComponent(id) + '.stats']; },
    // The 10,000 MNIST test digits (about 1.6 MB): only when a view needs the images (a test digit,
    // the strongest digits of a neuron, switching neurons off, the report, training, a model
    // without a sidecar).
    'test-digits': function () { return ['mnist/t10k-images-idx3-ubyte.gz', 'mnist/t10k-labels-idx1-ubyte.gz']; },
    // The MNIST training subset (3.2 MB): only when training on it starts.
    'train-digits': function () { return ['mnist/train-subset-images-idx3-ubyte.gz', 'mnist/train-subset-labels-idx1-ubyte.gz']; },
    // The digit prior (a VAE decoder, about 400 KB): when digit-prior images are first needed.
    'prior': function () { return ['models/digit-prior.lens']; }
  };
  // Fetches a want's files and hands them to the app (lens_asset_arrived), or why not
  // (lens_asset_failed). A picked model's bundle is fetched at once; everything else waits for
  // the first frame, so that it waits for nothing it does not draw.
  function fetchAsset(want) {
    var files = ASSET_FILES[want.kind];
    if (!files) { answerAsset(want, 'lens_asset_failed', 'this page does not know where to find a "' + want.kind + '"'); return; }
    (want.kind === 'model' ? Promise.resolve() : afterFirstFrame).then(function () {
      return Promise.all(files(want.id).map(function (url) { return /\.gz$/.test(url) ? fetchGzip(url) : fetchBytes(url); }));
    }).then(function (parts) {
      // The parts go through the heap as a table of (pointer, length) pairs.
      var table = Module._malloc(8 * parts.length), pointers = parts.map(function (bytes) {
        var p = Module._malloc(Math.max(1, bytes.length));
        Module.HEAPU8.set(bytes, p);
        return p;
      });
      pointers.forEach(function (p, i) { Module.HEAP32[(table >> 2) + 2 * i] = p; Module.HEAP32[(table >> 2) + 2 * i + 1] = parts[i].length; });
      try {
        answerAsset(want, 'lens_asset_arrived', null, [table, parts.length]);
      } finally {
        pointers.forEach(function (p) { Module._free(p); });
        Module._free(table);
      }
    }, function (e) {
      answerAsset(want, 'lens_asset_failed', String(e && e.message || e).slice(0, 300));
    });
  }
  // A refused asset is no fatal error: the app goes on without it and its notice says why.
  function answerAsset(want, fn, why, parts) {
    var types = parts ? ['string', 'string', 'number', 'number'] : ['string', 'string', 'string'];
    try {
      Module.lensPage.value('assets', fn, types, [want.kind, want.id].concat(parts || [why]));
    } catch (e) { console.warn('MNIST Lens: ' + e.message); }
  }

  var script = document.createElement('script');
  script.src = 'lens.js';
  script.async = true;
  script.onerror = function () { fail('Download failed', 'lens.js could not be loaded. Check the connection and reload.'); };
  document.body.appendChild(script);
})();
