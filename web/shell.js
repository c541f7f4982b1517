// The page shell: checks what the browser can do, shows loading progress, then
// starts lens.js (the Emscripten build). On failure it says why, in words.
(function () {
  'use strict';
  var statusEl = document.getElementById('status');
  var progressEl = document.getElementById('progress');
  var overlay = document.getElementById('overlay');

  function fail(title, text) {
    var card = document.getElementById('card');
    card.className = 'card error';
    card.innerHTML = '';
    var h = document.createElement('h1');
    h.textContent = title;
    var p = document.createElement('p');
    p.textContent = text;
    card.appendChild(h);
    card.appendChild(p);
    overlay.classList.remove('hidden');
    if (window.lens && window.lens._reject) window.lens._reject(new Error(title + ': ' + text));
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

  window.Module = {
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
    // A model picked from the list: its bundle, fetched now (lens_model_arrived selects it).
    onLensWantsModel: function (index, id) {
      fetchBytes('models/' + encodeURIComponent(id) + '.lens').then(function (bytes) {
        var p = Module._malloc(bytes.length);
        Module.HEAPU8.set(bytes, p);
        if (window.lens && window.lens._wake) window.lens._wake();
        var err = Module.ccall('lens_model_arrived', 'string', ['number', 'number', 'number'], [index, p, bytes.length]);
        Module._free(p);
        if (err) Module.ccall('lens_model_failed', null, ['number', 'string'], [index, err.slice(0, 300)]);
      }, function (e) {
        if (window.lens && window.lens._wake) window.lens._wake();
        Module.ccall('lens_model_failed', null, ['number', 'string'], [index, String(e && e.message || e).slice(0, 300)]);
      });
    },
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
    // The digit prior (a VAE decoder, about 400 KB): fetched once, when digit-prior images are
    // first needed (the panels ask through main.cpp, lens.actmax({prior: 'digit'}) directly).
    // Resolves when the app has it (or has recorded why not).
    lensFetchPrior: function () {
      if (Module.lensPriorPromise) return Module.lensPriorPromise;
      Module.lensPriorPromise = fetchBytes('models/digit-prior.lens').then(function (bytes) {
        var p = Module._malloc(bytes.length);
        Module.HEAPU8.set(bytes, p);
        var err = Module.ccall('lens_prior_arrived', 'string', ['number', 'number'], [p, bytes.length]);
        Module._free(p);
        if (window.lens && window.lens._wake) window.lens._wake();
        return err;
      }, function (e) {
        Module.ccall('lens_prior_failed', null, ['string'], ['digit prior: ' + String(e && e.message || e).slice(0, 300)]);
        if (window.lens && window.lens._wake) window.lens._wake();
      });
      return Module.lensPriorPromise;
    },
    // Training needs the MNIST training subset (3.2 MB gzip): fetched only when training starts.
    onLensWantsTrainingImages: function () {
      handOver(Promise.all([fetchGzip('mnist/train-subset-images-idx3-ubyte.gz'), fetchGzip('mnist/train-subset-labels-idx1-ubyte.gz')]),
               'lens_load_train_set', 'lens_train_set_failed');
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
    // A shipped model's statistics sidecar (models/<id>.stats, a few KB): the app starts the
    // model's analysis from it instead of measuring on the test digits.
    onLensWantsStats: function (index, id) {
      afterFirstFrame.then(function () { return fetchBytes('models/' + encodeURIComponent(id) + '.stats'); }).then(function (bytes) {
        var p = Module._malloc(bytes.length);
        Module.HEAPU8.set(bytes, p);
        if (window.lens && window.lens._wake) window.lens._wake();
        var err = Module.ccall('lens_stats_arrived', 'string', ['number', 'number', 'number'], [index, p, bytes.length]);
        Module._free(p);
        if (err) console.warn('MNIST Lens: ' + err);
      }, function (e) {
        if (window.lens && window.lens._wake) window.lens._wake();
        Module.ccall('lens_stats_failed', null, ['number', 'string'], [index, String(e && e.message || e).slice(0, 300)]);
      });
    },
    // The 10,000 MNIST test digits (gzip, about 1.6 MB): fetched only when a view needs the
    // images (a test digit, the strongest digits of a neuron, switching neurons off, the report,
    // training, a model without a sidecar).
    onLensWantsTestImages: function () {
      handOver(afterFirstFrame.then(function () {
        return Promise.all([fetchGzip('mnist/t10k-images-idx3-ubyte.gz'), fetchGzip('mnist/t10k-labels-idx1-ubyte.gz')]);
      }), 'lens_load_test_set', 'lens_test_set_failed');
    },
    // The model and what its analysis measures from (its sidecar, or the test digits) are in:
    // window.lens.ready resolves.
    onLensReady: function () {
      overlay.classList.add('hidden');
      window.lens._resolve();
    },
    onLensFatal: function (text) { fail('MNIST Lens could not start', text); },
    onAbort: function (what) { fail('MNIST Lens stopped', String(what)); }
  };
  statusEl.textContent = 'Downloading the app…';

  // Gzip files (the MNIST digits) the browser decompresses.
  function fetchGzip(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      if (typeof DecompressionStream === 'undefined') throw new Error('this browser cannot decompress gzip');
      return new Response(r.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
    }).then(function (b) { return new Uint8Array(b); });
  }
  // Gives a pair of decompressed IDX files (images, labels) to the app's loader, or the reason to its failure hook.
  function handOver(files, loader, failed) {
    files.then(function (f) {
      var pi = Module._malloc(f[0].length), pl = Module._malloc(f[1].length);
      Module.HEAPU8.set(f[0], pi);
      Module.HEAPU8.set(f[1], pl);
      if (window.lens && window.lens._wake) window.lens._wake();
      var err = Module.ccall(loader, 'string', ['number', 'number', 'number', 'number'], [pi, f[0].length, pl, f[1].length]);
      Module._free(pi);
      Module._free(pl);
      if (err) console.warn('MNIST Lens: ' + err);
    }, function (e) {
      if (window.lens && window.lens._wake) window.lens._wake();
      Module.ccall(failed, null, ['string'], [String(e && e.message || e).slice(0, 200)]);
    });
  }

  var script = document.createElement('script');
  script.src = 'lens.js';
  script.async = true;
  script.onerror = function () { fail('Download failed', 'lens.js could not be loaded. Check the connection and reload.'); };
  document.body.appendChild(script);
})();
