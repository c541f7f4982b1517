// window.lens: the page's JavaScript API for tests and embedders (reference: docs/api.md, types:
// lens.d.ts). Available once `await window.lens.ready` resolves.
// Two kinds of call: a call that can wait (selectModel, actmax, explain, figure, report, train)
// returns a Promise, and bad arguments reject it; every other call answers at once, and bad
// arguments throw. Either way the error is an Error whose message starts with "lens.<call>: ",
// and a refused call changes nothing. No Promise is left hanging: a model switch rejects a
// pending figure, explanation or maximization image, and every training ends one way or another.
(function () {
  'use strict';
  var resolveReady, rejectReady;
  var ready = new Promise(function (resolve, reject) { resolveReady = resolve; rejectReady = reject; });
  var isReady = false;
  var TABS = ['explore', 'neuron', 'outputs', 'network', 'train'];
  var FIGURES = ['actmax', 'weights', 'grid', 'prediction', 'classes', 'confusion', 'view'];
  var POLL_MS = 30;  // how often a waiting call asks wasm again
  // The limits wasm names (src/app/core/api_args.h, model_library.h; lens_limits), read once
  // the page is ready: every string and file is checked against them here, before it reaches wasm.
  var limits = null;

  function need() {
    if (stopped) throw new Error('lens: ' + stopped);
    if (!isReady) throw new Error('lens: not ready yet (await lens.ready first)');
  }

  // --- when wasm fails: a trap (out-of-bounds access, unreachable code) or an abort ---
  // The app cannot go on after one: the page shows why with a Reload button (shell.js), and every
  // call refuses from then on with the same words. Anything thrown out of a call into wasm is such
  // a failure (wasm(), below); elsewhere, a RuntimeError or a thrown number (a C++ exception).
  var stopped = null;
  function isWasmFailure(e) { return (typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError) || typeof e === 'number'; }
  // What went wrong, in words: never a bare "Aborted()".
  function failureText(e) {
    if (typeof e === 'number') return 'an uncaught C++ exception, most often because it ran out of memory';
    var m = String(e && e.message !== undefined ? e.message : e);
    var aborted = /^(?:RuntimeError: )?Aborted\((.*)\)/.exec(m);
    if (aborted) m = aborted[1].replace(/\. Build with -s ASSERTIONS=1 for more info\.?$/, '');
    if (/^unreachable/.test(m)) return 'it reached code that should never run (unreachable), a bug in the app';
    if (!m || aborted && !/\S/.test(m)) return 'it aborted, most often because it ran out of memory';
    return m.slice(0, 300);
  }
  // Records the failure once, shows it, and returns the Error calls refuse with.
  function stop(e) {
    if (!stopped) {
      // The page may say why already (shell.js: a part of the app that could not be loaded).
      var shown = Module.lensShownFailure, why = shown || failureText(e);
      stopped = 'the page stopped (' + why + '); reload it to go on';
      try { if (Module.pauseMainLoop) Module.pauseMainLoop(); } catch (ignored) { /* the loop may be gone already */ }
      if (!shown && Module.lensShowStopped) Module.lensShowStopped(why);
      rejectReady(new Error('lens: ' + stopped));
      console.error('MNIST Lens stopped: ' + why);
    }
    return new Error('lens: ' + stopped);
  }
  // e, or the failure it is.
  function failed(e) { return isWasmFailure(e) ? stop(e) : e; }
  // A failure in the frame loop or an event handler reaches only the window.
  window.addEventListener('error', function (ev) {
    if (!stopped && isWasmFailure(ev.error)) stop(ev.error);
  });
  window.addEventListener('unhandledrejection', function (ev) {
    if (!stopped && isWasmFailure(ev.reason)) stop(ev.reason);
  });

  // --- the one way wasm answers (src/app/js_api.cpp) ---
  // An export that can fail returns a pointer to a reply, JSON text: {ok: value}, {error: message}
  // or {pending: progress} ("ask again"); a null pointer is {ok: null}. decode turns an error into
  // an Error named after the JS call and returns {ok} or {pending}.
  function decode(name, reply) {
    if (!reply) return { ok: null };
    var r = JSON.parse(Module.UTF8ToString(reply));
    if ('error' in r) throw new Error('lens.' + name + ': ' + r.error);
    return r;
  }
  // Calls an export that replies; `name` is the JS call its errors are named after. Every call
  // may change what the page shows: it wakes the page, so the next frames are drawn.
  function ask(name, fn, types, args) { wake(); return decode(name, wasm(function () { return Module.ccall(fn, 'number', types || [], args || []); })); }
  // The same for the reply's value, when it cannot be pending.
  function value(name, fn, types, args) { return ask(name, fn, types, args).ok; }
  // Reads without waking the page (reading changes nothing on screen).
  function peek(name, fn, types, args) { return decode(name, wasm(function () { return Module.ccall(fn, 'number', types || [], args || []); })).ok; }
  // An export called directly (no reply to decode), through wasm().
  function direct(fn) {
    var args = Array.prototype.slice.call(arguments, 1);
    return wasm(function () { return Module['_' + fn].apply(null, args); });
  }
  // Runs a call into wasm; a failure there stops the page (above).
  function wasm(fn) {
    if (stopped) throw new Error('lens: ' + stopped);
    try { return fn(); } catch (e) { throw stop(e); }
  }

  // A call that can wait: its result as a Promise, whatever went wrong (bad arguments included)
  // as a rejection.
  function promised(fn) {
    return function () {
      try { return Promise.resolve(fn.apply(null, arguments)); } catch (e) { return Promise.reject(failed(e)); }
    };
  }
  // Calls attempt() (a decoded reply) now and every POLL_MS while it is pending; resolves with its
  // value. With `what`, a switch of model meanwhile rejects: the result would be of another model.
  function until(name, attempt, what) {
    var model = what ? currentId() : null;
    return new Promise(function (resolve, reject) {
      (function poll() {
        try {
          if (what && currentId() !== model)
            throw new Error('lens.' + name + ': the model changed to ' + currentId() + ' before ' + what + ' of ' + model + ' was ready');
          var r = attempt();
          if ('pending' in r) setTimeout(poll, POLL_MS); else resolve(r.ok);
        } catch (e) { reject(failed(e)); }
      })();
    });
  }
  function currentId() { return peek('model', 'lens_model_id'); }

  // The page stops drawing when nothing changes (main.cpp); anything that may change it wakes it.
  function wake() {
    Module.lensTouched = true;
    if (Module.lensHidden || stopped) return;  // drawn again when it comes back into view
    if (Module.lensSleeping && Module._lens_wake) { Module.lensSleeping = false; wasm(function () { Module._lens_wake(); }); }
  }
  // A hidden tab, or an iframe scrolled out of the host page's view, draws and computes nothing
  // (main.cpp pauses its loop while Module.lensHidden); it catches up when seen again.
  var outOfView = false;
  function updateHidden() {
    var hidden = document.visibilityState === 'hidden' || outOfView;
    if (hidden === !!Module.lensHidden) return;
    Module.lensHidden = hidden;
    if (!hidden) wake();
  }
  document.addEventListener('visibilitychange', updateHidden);
  function watchView() {
    var canvas = document.getElementById('canvas');
    if (!canvas || typeof IntersectionObserver === 'undefined') return;
    new IntersectionObserver(function (entries) {
      outOfView = !entries[entries.length - 1].isIntersecting;
      updateHidden();
    }).observe(canvas);
  }
  ['pointerdown', 'pointermove', 'pointerup', 'mousedown', 'mousemove', 'mouseup', 'wheel', 'keydown', 'keyup', 'touchstart',
   'touchmove', 'touchend', 'resize', 'focus', 'blur', 'visibilitychange', 'dragover', 'drop'].forEach(function (type) {
    window.addEventListener(type, wake, { capture: true, passive: true });
  });
  // SDL sets the canvas's size again on every resize event, even to the same size, and that
  // may clear the drawing buffer the app draws only the changed parts into (damage.h).
  window.addEventListener('resize', function () { Module.lensRedrawAll = true; }, { capture: true, passive: true });
  // The wheel over a part of the page that cannot scroll goes to the host page (an iframe in a
  // post scrolls the post), not to the app, which would swallow it.
  window.addEventListener('wheel', function (e) {
    if (!isReady || stopped || window.parent === window) return;
    var r = Module.canvas.getBoundingClientRect();
    if (!wasm(function () { return Module._lens_scrollable_at(e.clientX - r.left, e.clientY - r.top); }))
      e.stopPropagation();  // SDL's handler on the canvas never sees it, so it never calls preventDefault
  }, { capture: true, passive: true });

  // --- argument checks (the types; wasm checks what the values mean) ---
  var MAX_INDEX = 2147483647;
  function shown(v) { return v === null ? 'null' : typeof v === 'number' ? String(v) : typeof v; }
  // A value as a message names it: "a string of 784 characters", "an Int32Array of 784 values".
  function described(v) {
    if (v === null || v === undefined) return String(v);
    if (typeof v === 'string') return 'a string of ' + v.length + ' characters';
    if (typeof v === 'number') return 'the number ' + v;
    if (typeof v !== 'object') return 'a ' + typeof v;
    var t = typeName(v), article = /^[AEIOU]/.test(t) ? 'an ' : 'a ';
    if (typeof v.length === 'number' && (t === 'Array' || ArrayBuffer.isView(v))) return article + t + ' of ' + v.length + ' values';
    if (t === 'ArrayBuffer') return 'an ArrayBuffer of ' + v.byteLength + ' bytes';
    return 'an object (' + t + ')';
  }
  function firstControl(v) { for (var i = 0; i < v.length; i++) { var c = v.charCodeAt(i); if (c < 0x20 || c === 0x7f) return i; } return -1; }
  function codeOf(c) { return 'U+' + ('000' + c.toString(16).toUpperCase()).slice(-4); }
  // Layer and neuron numbers: integers the wasm side can take without wrapping to 32 bits.
  function checkIndices(prefix, layer, neuron) {
    [['layer', layer], ['neuron', neuron]].forEach(function (p) {
      var v = p[1];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_INDEX)
        throw new Error(prefix + ': ' + p[0] + ' must be an integer from 0 to ' + MAX_INDEX + ', got ' + shown(v));
    });
  }
  // Names (model ids, tabs, labels) are short printable strings: anything else is refused before
  // it reaches wasm (a C string ends at NUL; no id holds a control character).
  function checkName(prefix, what, v) {
    if (typeof v !== 'string') throw new Error(prefix + ': ' + what + ' must be a string, got ' + shown(v));
    if (v.length > limits.nameChars) throw new Error(prefix + ': ' + what + ' is ' + v.length + ' characters long (at most ' + limits.nameChars + ')');
    var c = firstControl(v);
    if (c >= 0) {
      var code = v.charCodeAt(c);
      throw new Error(prefix + ': ' + what + ' contains ' + (code === 0 ? 'a NUL character' : 'a control character') + ' (' + codeOf(code) +
                      ') at position ' + c + '; names hold printable characters only');
    }
  }
  // An options object with only these keys (undefined: no options).
  function checkOptions(prefix, options, keys) {
    var o = options === undefined ? {} : options;
    if (o === null || typeof o !== 'object' || Array.isArray(o))
      throw new Error(prefix + ': options must be an object {' + keys.join(', ') + '}');
    Object.keys(o).forEach(function (k) {
      if (keys.indexOf(k) < 0)
        throw new Error(prefix + ': unknown option ' + (k.length > 40 ? JSON.stringify(k.slice(0, 40) + '...') + ' (' + k.length + ' characters)' : JSON.stringify(k)) +
                        ' (known: ' + keys.join(', ') + ')');
    });
    return o;
  }
  function numbersIn01(values, what) {
    for (var i = 0; i < values.length; i++) {
      var v = values[i];
      if (typeof v !== 'number' || !isFinite(v)) throw new Error(what + ': value ' + i + ' is ' + String(v) + ', not a finite number');
      if (v < 0 || v > 1) throw new Error(what + ': value ' + i + ' is ' + v + ', outside [0, 1]');
    }
  }
  function typeName(v) { return Object.prototype.toString.call(v).slice(8, -1); }  // works across frames

  // --- numbers and bytes through the wasm heap ---
  // Copies bytes into the wasm heap, calls fn(pointer, length), frees. Buffers and long
  // strings go this way: ccall copies a 'string' argument onto the small wasm stack.
  function withBytes(bytes, fn) {
    var p = direct('malloc', Math.max(1, bytes.length));
    try {
      Module.HEAPU8.set(bytes, p);
      return fn(p, bytes.length);
    } finally { direct('free', p); }
  }
  // The bytes of a reply that said {ok: size} (src/app/js_api.cpp lens_bytes), copied out.
  function bytesOf(size) {
    var p = direct('lens_bytes');
    return Module.HEAPU8.slice(p, p + size);
  }
  // One heap buffer kept from call to call: a malloc per prediction would cost as much as the
  // prediction. Growing it may grow wasm memory, so Module.HEAP* views are read after it.
  var io = { ptr: 0, size: 0 };
  function ioBuffer(size) {
    if (io.size < size) {
      if (io.ptr) direct('free', io.ptr);
      io.ptr = direct('malloc', size);
      io.size = size;
    }
    return io.ptr;
  }
  // How input values reach wasm: 'bytes' (Uint8Array, Uint8ClampedArray: 0..255, scaled by 1/255)
  // or 'floats' (Float32Array, Float64Array, an Array of numbers: values in [0, 1]).
  // count: how many the call takes, named in the message (setInput, predict).
  function inputKind(prefix, v, count) {
    var t = typeName(v);
    if (t === 'Uint8Array' || t === 'Uint8ClampedArray') return 'bytes';
    if (t === 'Float32Array' || t === 'Float64Array') return 'floats';
    if (t === 'Array') {
      for (var i = 0; i < v.length; i++)
        if (typeof v[i] !== 'number') throw new Error(prefix + ': value ' + i + ' is ' + (v[i] === null ? 'null' : typeof v[i]) + ', not a number');
      return 'floats';
    }
    throw new Error(prefix + ': expected ' + count + ' numbers as ' +
                    'an Array of numbers, a Float32Array, Float64Array, Uint8Array or Uint8ClampedArray, got ' + described(v));
  }
  // Runs lens_predict on whole samples; returns a view into the heap (valid until the next call).
  // No wake: predicting changes nothing on the page.
  function predictIn(name, values, kind, first, I, O) {
    var n = values.length, inSize = ((kind === 'bytes' ? n : 4 * n) + 15) & ~15, samples = Math.floor(n / I);
    var p = ioBuffer(inSize + 4 * O * samples), out = p + inSize;
    if (kind === 'bytes') Module.HEAPU8.set(values, p); else Module.HEAPF32.set(values, p >> 2);
    decode(name, direct('lens_predict', p, n, kind === 'bytes' ? 1 : 0, first, out));
    return Module.HEAPF32.subarray(out >> 2, (out >> 2) + O * samples);
  }
  var BATCH_CHUNK_BYTES = 4 << 20;  // predictBatch sends at most this much at a time into the heap

  // --- model files ---
  function megabytes(n) { return Math.round(n / 1048576) + ' MB'; }
  // A file's size against what the page reads, before a byte of it is copied into wasm. first:
  // its first byte (0x89 starts a .lens bundle), or undefined when not known yet (a dropped file).
  function checkFileSize(size, first) {
    var lens = first === 0x89, most = first === undefined ? Math.max(limits.bundleBytes, limits.onnxBytes) : lens ? limits.bundleBytes : limits.onnxBytes;
    if (size <= most) return;
    throw new Error('the file is ' + size + ' bytes (' + megabytes(size) + '); the page reads ' +
                    (first === undefined ? 'models' : lens ? '.lens bundles' : 'ONNX models') + ' of at most ' + megabytes(most) +
                    ' (.lens bundles ' + megabytes(limits.bundleBytes) + ', ONNX models ' + megabytes(limits.onnxBytes) + ')');
  }
  // Characters as a person counts them (code points), for limits stated in characters.
  function characters(v) { var n = v.length; for (var i = 0; i < v.length; i++) if ((v.charCodeAt(i) & 0xfc00) === 0xdc00) n--; return n; }
  // loadBundle's options, checked, as the JSON text wasm reads (check_import_options checks the values).
  function importOptions(options) {
    var o = checkOptions('lens.loadBundle', options, ['name', 'normalize', 'accuracy']), clean = {};
    if (o.name !== undefined) {
      if (typeof o.name !== 'string' || o.name.length === 0 || o.name.length > 2 * limits.importNameChars || characters(o.name) > limits.importNameChars)
        throw new Error('options.name must be a string of 1 to ' + limits.importNameChars + ' characters, got ' + described(o.name));
      if (firstControl(o.name) >= 0) throw new Error('options.name contains a control character (' + codeOf(o.name.charCodeAt(firstControl(o.name))) + ')');
      clean.name = o.name;
    }
    if (o.normalize !== undefined) {
      var n = o.normalize;
      if (!Array.isArray(n) || n.length !== 2 || typeof n[0] !== 'number' || typeof n[1] !== 'number')
        throw new Error('options.normalize must be [mean, std], two numbers such as [0.1307, 0.3081], got ' + described(n));
      clean.normalize = [n[0], n[1]];
    }
    if (o.accuracy !== undefined) {
      if (typeof o.accuracy !== 'number') throw new Error('options.accuracy must be a number in [0, 1], got ' + described(o.accuracy));
      clean.accuracy = o.accuracy;
    }
    var text = options === undefined ? '' : JSON.stringify(clean);
    if (text.length > limits.optionsChars) throw new Error('options are ' + text.length + ' characters long as JSON (at most ' + limits.optionsChars + ')');
    return text;
  }
  // Copies a model file into wasm once (lens_upload) and adds it (lens_add_bundle): its id.
  function addModel(bytes, optionsText) {
    var p = direct('lens_upload', bytes.length);
    if (!p) throw new Error('lens.loadBundle: there is no room in memory for a file of ' + megabytes(bytes.length));
    Module.HEAPU8.set(bytes, p);
    return withBytes(new TextEncoder().encode(optionsText), function (q, n) {
      return value('loadBundle', 'lens_add_bundle', ['number', 'number'], [q, n]);
    });
  }

  // n maximization images of a neuron (lens_actmax), each a Float32Array of 784 values; pending
  // while the digit prior is fetched.
  function actmaxAttempt(layer, neuron, prior, n) {
    var out = direct('malloc', 784 * 4 * n);
    try {
      var r = ask('actmax', 'lens_actmax', ['number', 'number', 'number', 'number', 'number'], [layer, neuron, prior, n, out]);
      if ('pending' in r) return r;
      var images = [];
      for (var i = 0; i < n; i++) images.push(Module.HEAPF32.slice((out >> 2) + 784 * i, (out >> 2) + 784 * (i + 1)));
      return { ok: images };
    } finally { direct('free', out); }
  }
  // The current model's inputs, then each layer's units (a convolutional layer's: its channels).
  function currentUnits() {
    var id = currentId();
    var m = peek('models', 'lens_models').filter(function (m) { return m.id === id; })[0];
    return [m.layers[0]].concat(m.units);
  }

  // The page's own channel to this file (main.cpp, shell.js): not part of the API.
  var Module = window.Module = window.Module || {};
  Module.lensPage = {
    wake: wake,
    resolve: function () { limits = peek('limits', 'lens_limits'); isReady = true; watchView(); applyHash(withEmbedQuery(location.hash), true); resolveReady(api); },
    reject: function (e) { rejectReady(e); },
    // The app aborted (Module.onAbort, shell.js).
    aborted: function (what) { stop(new WebAssembly.RuntimeError(String(what))); },
    // shell.js's calls (the asset queue) through the one reply decoder: the value, or an Error.
    value: value,
    // The accessible mirror's way back (a11y.js): press the item behind a DOM control, or set a
    // slider's value; false when the last frame drew no such control. Quiet before the page is
    // ready or after it stopped: a mirror control then does nothing.
    a11yPress: function (id) { return isReady && !stopped && value('a11y', 'lens_a11y_press', ['string'], [id]); },
    a11yReveal: function (id) { return isReady && !stopped && value('a11y', 'lens_a11y_reveal', ['string'], [id]); },
    a11ySet: function (id, v) { return isReady && !stopped && value('a11y', 'lens_a11y_set', ['string', 'number'], [id, v]); },
    // The Share menu (main.cpp): 1 copy the link, 2 copy the embed code, 3 open the full page.
    share: function (kind, hash) {
      if (kind === 3) { window.open(pageUrl(hash, false), '_blank', 'noopener'); return; }
      var text = kind === 1 ? pageUrl(hash, false) : api.embedCode();
      var what = kind === 1 ? 'the link to this view' : 'the embed code (700x500)';
      // In a frame the post did not allow the clipboard (allow="clipboard-write"), the browser
      // refuses the copy and blocks prompt() too: say so rather than do nothing.
      function prompted() {
        if (window.self !== window.top) notice('This frame may not use the clipboard: open the full page (the MNIST Lens button) to copy ' + what + '.', NOTICE.error);
        else window.prompt('Copy ' + what + ':', text);
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { notice('Copied ' + what + ' to the clipboard.', NOTICE.success); }, prompted);
      } else prompted();
    }
  };
  // A notice on the page, cut to the length wasm takes (through the heap: ccall puts strings on the
  // small wasm stack); its kind (src/app/core/notice.h) says how it looks and how long it stays.
  var NOTICE = { info: 0, success: 1, error: 2 };
  function notice(text, kind) {
    wake();
    withBytes(new TextEncoder().encode(String(text).slice(0, limits.noticeChars)), function (p, n) { direct('lens_notice', p, n, kind); });
  }

  var api = {
    ready: ready,

    // --- models ---
    // [{id, name, layers: [784, ..., 10], accuracy, normalize, normalizeSource, normalizeSentence,
    //   normalizeMeasured, loaded, shipped}]
    models: function () { need(); return peek('models', 'lens_models'); },
    model: function () { need(); return currentId(); },
    // Selects a model; resolves with its id once it is on screen (at once for a model already
    // loaded; a listed model not fetched yet is fetched first). Rejects for an unknown id, when
    // the bundle cannot be loaded, or when another model is picked before it arrives.
    selectModel: promised(function (id) {
      need();
      checkName('lens.selectModel', 'id', id);
      if (value('selectModel', 'lens_select_model', ['string'], [id])) return id;
      return until('selectModel', function () { return ask('selectModel', 'lens_selecting', ['string'], [id]); });
    }),
    // The current model's recorded test accuracy against the measured one, once measured:
    // {recorded, measured, differs, message} (message names the likely cause), else null.
    accuracyCheck: function () { need(); return peek('accuracyCheck', 'lens_accuracy_check'); },
    // Adds a model (ArrayBuffer or Uint8Array): a .lens weight bundle or an ONNX model, told
    // apart by their bytes; selects it and returns its id (an ONNX model that records no
    // normalization is shown once the test digits are in to measure one: await selectModel(id)
    // to wait for that). options (ONNX only, all optional):
    // {name, normalize: [mean, std], accuracy} (the recorded test accuracy, in [0, 1]).
    // The file's size and the options are checked here, before anything is copied into wasm.
    loadBundle: function (bytes, options) {
      need();
      if (typeName(bytes) === 'ArrayBuffer') bytes = new Uint8Array(bytes);
      if (typeName(bytes) !== 'Uint8Array') throw new Error('lens.loadBundle: expected an ArrayBuffer or Uint8Array, got ' + described(bytes));
      var text;
      try {
        checkFileSize(bytes.length, bytes[0]);
        text = importOptions(options);
      } catch (e) { throw /^lens\./.test(e.message) ? e : new Error('lens.loadBundle: ' + e.message); }
      return addModel(bytes, text);
    },
    // Removes a model loaded or trained in the page and frees its memory; resolves with the id of
    // the model shown afterwards (a shipped one when the removed model was shown). Rejects for an
    // unknown id, a shipped model, or one being trained.
    unloadModel: promised(function (id) {
      need();
      checkName('lens.unloadModel', 'id', id);
      var r = value('unloadModel', 'lens_unload_model', ['string'], [id]);
      if (r.shown) return r.model;
      return until('unloadModel', function () { return ask('unloadModel', 'lens_selecting', ['string'], [r.model]); });
    }),
    // The current model as .lens bytes (what the Download button saves).
    modelBundle: function () { need(); return bytesOf(peek('modelBundle', 'lens_model_bundle')); },
    // Another input normalization for the current model, a model loaded into the page: it then
    // sees (pixel - mean) / std ((0, 1): raw pixels), and everything the page computed from it is
    // computed again. Returns whether the map changed. models() says which map is in use and why.
    setNormalization: function (mean, std) {
      need();
      if (typeof mean !== 'number' || typeof std !== 'number')
        throw new Error('lens.setNormalization: expected two numbers, mean and std (0.1307, 0.3081 for MNIST\'s; 0, 1 for raw pixels), got ' +
                        described(mean) + ' and ' + described(std));
      return value('setNormalization', 'lens_set_normalization', ['number', 'number'], [mean, std]);
    },

    // --- the input ---
    // pixels: the model's input size (784 for MNIST models, row-major 28x28), values in [0, 1].
    // The same types as predict: bytes (Uint8Array, Uint8ClampedArray) are divided by 255.
    setInput: function (pixels) {
      need();
      var n = direct('lens_model_inputs'), kind = inputKind('lens.setInput', pixels, n);
      if (pixels.length !== n) throw new Error('lens.setInput: expected ' + n + ' values, got ' + pixels.length);
      var t = typeName(pixels), values = pixels;
      // Float arrays go straight to the heap (wasm checks the range); an Array is checked here.
      if (kind === 'bytes') values = Float32Array.from(pixels, function (v) { return v / 255; });
      else if (t === 'Array') numbersIn01(values, 'lens.setInput');
      var p = ioBuffer(4 * n);
      Module.HEAPF32.set(values, p >> 2);
      ask('setInput', 'lens_set_input', ['number', 'number'], [p, n]);
    },
    // points: [[x, y], ...] in [0, 1] canvas coordinates, drawn like a person's stroke.
    drawStroke: function (points) {
      need();
      if (!Array.isArray(points) || points.length === 0) throw new Error('lens.drawStroke: expected a non-empty array of [x, y] points');
      var flat = [];
      for (var i = 0; i < points.length; i++) {
        var q = points[i];
        if (!Array.isArray(q) || q.length !== 2) throw new Error('lens.drawStroke: point ' + i + ' is not an [x, y] pair');
        flat.push(q[0], q[1]);
      }
      numbersIn01(flat, 'lens.drawStroke');
      withBytes(new Uint8Array(new Float32Array(flat).buffer), function (p) { ask('drawStroke', 'lens_draw_stroke', ['number', 'number'], [p, points.length]); });
    },
    clear: function () { need(); wake(); direct('lens_clear'); },
    // Class probabilities of the selected model for one input, without changing the page: pixels
    // is an Array of numbers, a Float32Array or a Float64Array with values in [0, 1], or a
    // Uint8Array / Uint8ClampedArray of bytes 0..255 (divided by 255); 784 values for MNIST
    // models (row-major 28x28), the model's input count in general. Returns a Float32Array of
    // the model's outputs (10 for MNIST, 1 for xor's sigmoid).
    predict: function (pixels) {
      need();
      var I = direct('lens_model_inputs'), kind = inputKind('lens.predict', pixels, I);
      if (pixels.length !== I) throw new Error('lens.predict: expected ' + I + ' values, got ' + pixels.length);
      return predictIn('predict', pixels, kind, -1, I, direct('lens_model_outputs')).slice();
    },
    // The same for n inputs one after another: a Float32Array of n * inputs values in [0, 1] (or a
    // Uint8Array of bytes) -> a Float32Array of n * outputs probabilities, sample after sample.
    predictBatch: function (values) {
      need();
      var t = typeName(values);
      if (t !== 'Float32Array' && t !== 'Uint8Array')
        throw new Error('lens.predictBatch: expected a Float32Array (values in [0, 1]) or a Uint8Array (bytes), got ' +
                        (values === null ? 'null' : typeof values === 'object' ? t : typeof values));
      var I = direct('lens_model_inputs'), O = direct('lens_model_outputs'), kind = t === 'Uint8Array' ? 'bytes' : 'floats';
      if (values.length === 0 || values.length % I !== 0)
        throw new Error('lens.predictBatch: expected a positive multiple of ' + I + ' values (' + I + ' per sample), got ' + values.length);
      var n = values.length / I, out = new Float32Array(n * O);
      var per = Math.max(1, Math.floor(BATCH_CHUNK_BYTES / (I * (kind === 'bytes' ? 1 : 4))));
      for (var j = 0; j < n; j += per) {
        var m = Math.min(per, n - j);
        out.set(predictIn('predictBatch', values.subarray(j * I, (j + m) * I), kind, j, I, O), j * O);
      }
      return out;
    },

    // --- what the page shows ---
    // {model, input, probs, predicted, ablated, layers, dead, tab, selected, analysis, ...}: input, probs,
    // ablated.probs and each hidden layer's activations are Float32Arrays (copies), the rest plain values.
    state: function () {
      need();
      var s = peek('state', 'lens_state');
      var t = s.arrays >> 2, H = Module.HEAP32, F = Module.HEAPF32, arrays = [];
      delete s.arrays;
      for (var i = 0; i < H[t]; i++) {
        var p = H[t + 1 + 2 * i] >> 2;
        arrays.push(F.slice(p, p + H[t + 2 + 2 * i]));
      }
      s.input = arrays[0];
      s.probs = arrays[1];
      s.layers = arrays.slice(2);
      if (s.ablated) s.ablated.probs = Float32Array.from(s.ablated.probs);
      return s;
    },
    select: function (layer, neuron) {
      need();
      checkIndices('lens.select', layer, neuron);
      ask('select', 'lens_select', ['number', 'number'], [layer, neuron]);
    },
    setTab: function (name) {
      need();
      checkName('lens.setTab', 'name (' + TABS.join(', ') + ')', name);
      ask('setTab', 'lens_set_tab', ['string'], [name]);
    },
    // Switches a hidden neuron off (held at 0, as the Neuron tab's switch does) or back on.
    setNeuronOff: function (layer, neuron, off) {
      need();
      checkIndices('lens.setNeuronOff', layer, neuron);
      if (typeof off !== 'boolean') throw new Error('lens.setNeuronOff: off must be true or false, got ' + shown(off));
      ask('setNeuronOff', 'lens_set_neuron_off', ['number', 'number', 'number'], [layer, neuron, off ? 1 : 0]);
    },
    // Single-character keys (Z, C, R, 1-5, ?, ...) on or off: off for speech input and screen
    // readers (WCAG 2.1.4). The arrows, Space, Esc, Backspace and Delete keep working.
    setShortcuts: function (on) {
      need();
      if (typeof on !== 'boolean') throw new Error('lens.setShortcuts: on must be true or false, got ' + shown(on));
      ask('setShortcuts', 'lens_set_shortcuts', ['number'], [on ? 1 : 0]);
    },
    // The class "How the answer was made" explains; null for the predicted one.
    setExplainClass: function (k) {
      need();
      if (k !== null && (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > MAX_INDEX))
        throw new Error('lens.setExplainClass: expected a class number or null, got ' + shown(k));
      ask('setExplainClass', 'lens_set_explain_class', ['number'], [k === null ? -1 : k]);
    },
    // The drawing canvas in CSS pixels relative to the viewport: {x, y, width, height}.
    canvasRect: function () { need(); return peek('canvasRect', 'lens_canvas_rect'); },
    // The address of the view on screen (what the address bar holds), without embed mode.
    link: function () { need(); return pageUrl(currentHash(), false); },
    // An <iframe> snippet of the view on screen in embed mode; width and height in CSS pixels
    // (default 700x500, from 320x240 to 1920x1440).
    embedCode: function (options) {
      need();
      var o = checkOptions('lens.embedCode', options, ['width', 'height']), size = {};
      [['width', 700, 320, 1920], ['height', 500, 240, 1440]].forEach(function (d) {
        var v = o[d[0]] === undefined ? d[1] : o[d[0]];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < d[2] || v > d[3])
          throw new Error('lens.embedCode: ' + d[0] + ' must be an integer from ' + d[2] + ' to ' + d[3] + ', got ' + shown(v));
        size[d[0]] = v;
      });
      var title = 'MNIST Lens: ' + currentId();
      return '<iframe src="' + escapeHtml(pageUrl(currentHash(), true)) + '" width="' + size.width + '" height="' + size.height +
        '" style="border:0;max-width:100%" title="' + escapeHtml(title) + '" loading="lazy" allow="fullscreen; clipboard-write"></iframe>';
    },

    // --- neurons ---
    // The maximization image of a neuron as a Float32Array of 784 values in [0, 1]: layer counts
    // hidden layers from 0; the output layer is the last. options {prior: 'digit' | 'none', count}:
    // 'digit' searches the digit prior's code space (a digit-like image; the prior is fetched on
    // first use); count (1..16) resolves with an Array of that many images pushed apart.
    actmax: promised(function (layer, neuron, options) {
      need();
      var o = checkOptions('lens.actmax', options, ['prior', 'count']);
      var prior = o.prior === undefined ? 'none' : o.prior;
      if (prior !== 'digit' && prior !== 'none')
        throw new Error('lens.actmax: prior must be "digit" or "none", got ' + (typeof prior === 'string' ? JSON.stringify(prior.slice(0, 40)) : shown(prior)));
      var count = o.count === undefined ? 1 : o.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 16)
        throw new Error('lens.actmax: count must be an integer from 1 to 16, got ' + shown(count));
      checkIndices('lens.actmax', layer, neuron);
      return until('actmax', function () { return actmaxAttempt(layer, neuron, prior === 'digit' ? 1 : 0, count); }, 'the image')
        .then(function (images) { return o.count === undefined ? images[0] : images; });
    }),
    // {summary, facts, score, concepts, shapes, shapeScore, story} for a hidden neuron, once the
    // model's analysis has finished; the summary is the sentence lens-report prints for it.
    explain: promised(function (layer, neuron) {
      need();
      checkIndices('lens.explain', layer, neuron);
      return until('explain', function () {
        return ask('explain', 'lens_explain', ['number', 'number'], [layer, neuron]);
      }, 'the analysis');
    }),

    // --- export ---
    // A figure as PNG bytes (Uint8Array): name is one of FIGURES; options {layer, neuron, scale,
    // theme}: layer and neuron default to the selected neuron (grid: its layer), scale is an
    // integer from 1 to 8 (view: 1 to 4), theme 'light' or 'dark' (default: the page's).
    // Resolves once the analysis has made what the figure shows.
    figure: promised(function (name, options) {
      need();
      checkName('lens.figure', 'name (' + FIGURES.join(', ') + ')', name);
      var o = checkOptions('lens.figure', options, ['layer', 'neuron', 'scale', 'theme']);
      var layer = o.layer === undefined ? -1 : o.layer, neuron = o.neuron === undefined ? -1 : o.neuron;
      if (o.layer !== undefined || o.neuron !== undefined)
        checkIndices('lens.figure', o.layer === undefined ? 0 : o.layer, o.neuron === undefined ? 0 : o.neuron);
      var scale = o.scale === undefined ? 1 : o.scale;
      if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 1 || scale > 8)
        throw new Error('lens.figure: scale must be an integer from 1 to 8, got ' + shown(scale));
      var theme = o.theme === undefined ? '' : o.theme;
      if (theme !== '' && theme !== 'light' && theme !== 'dark')
        throw new Error('lens.figure: theme must be "light" or "dark", got ' + (typeof theme === 'string' ? JSON.stringify(theme.slice(0, 40)) : shown(theme)));
      function png(r) { return 'pending' in r ? r : { ok: bytesOf(r.ok) }; }
      function attempt() { return png(ask('figure', 'lens_figure', ['string', 'number', 'number', 'number', 'string'], [name, layer, neuron, scale, theme])); }
      // A capture of the view is asked for once, then drawn in the next frame.
      if (name === 'view') {
        var first = attempt();
        return 'pending' in first ? until('figure', function () { return png(ask('figure', 'lens_view_result')); }) : first.ok;
      }
      return until('figure', attempt, 'the figure');
    }),
    // The Markdown report lens-report writes for the current model (resolves once the model's
    // analysis has finished); the figures it links are in the Network tab's zip.
    report: promised(function () {
      need();
      return until('report', function () {
        var r = ask('report', 'lens_report', ['number'], [0]);
        return 'pending' in r ? r : { ok: new TextDecoder().decode(bytesOf(r.ok)) };
      }, 'the report');
    }),

    // --- training ---
    // Trains a network in the page from a recipe (the JSON lens-train reads, tools/recipes/*.json
    // keys; "mnist" trains on the page's 20,000-image subset). Resolves when this training ends
    // with {id, testAccuracy, epochs, samplesPerSecond}; the new model is selected. Rejects when
    // the recipe is refused, the training images cannot be loaded, or another training starts
    // first. A paused training waits; stopTraining() ends it (it resolves then).
    train: promised(function (recipe) {
      need();
      if (!recipe || typeof recipe !== 'object' || Array.isArray(recipe)) throw new Error('lens.train: expected a recipe object');
      var text = JSON.stringify(recipe);
      if (text.length > 65536) throw new Error('lens.train: the recipe is ' + text.length + ' characters long (at most 65536)');
      var run = withBytes(new TextEncoder().encode(text), function (p, n) { return value('train', 'lens_train', ['number', 'number'], [p, n]); });
      return until('train', function () {
        var t = api.trainingState();
        if (t.run !== run) throw new Error('lens.train: another training started before this one ended');
        if (t.status === 'idle') throw new Error('lens.train: training stopped before it began (see the page\'s notice)');
        if (t.status === 'diverged') throw new Error('lens.train: ' + t.error);
        if (t.status !== 'done') return { pending: t.epoch / Math.max(1, t.epochs) };
        return { ok: { id: t.model, testAccuracy: t.testAccuracy, epochs: t.epoch, samplesPerSecond: t.samplesPerSecond } };
      });
    }),
    // {status, run, epoch, epochs, samples, samplesPerSecond, speed: samples a second or null (full speed),
    //  curve: [{epoch, loss, valLoss, valAccuracy, samples, computeMs}], dead: [[units]],
    //  diedAt: [[epoch or null]], model, testAccuracy, recipe, error: why a "diverged" run stopped, else null}
    trainingState: function () { need(); return peek('trainingState', 'lens_training_state'); },
    // The speed of training, for the run under way and the next: 'lesson' (lesson pace, a few
    // hundred samples a second), 'full' (as fast as the frame budget allows) or samples a second.
    // Returns the pace set, null for full speed; trainingState().speed reads it.
    trainSpeed: function (speed) {
      need();
      // JSON has no NaN or Infinity: such a number is sent as its name, and refused by name.
      var text = JSON.stringify(typeof speed === 'number' && !isFinite(speed) ? String(speed) : speed === undefined ? null : speed);
      return value('trainSpeed', 'lens_train_speed', ['string'], [text]);
    },
    // The Train tab's presets by name ({healthy, kill, convnet}), as recipes train() takes.
    trainPresets: function () { need(); return peek('trainPresets', 'lens_train_presets'); },
    // Ends training now: the model keeps its weights and is measured on the test set.
    stopTraining: function () { need(); wake(); direct('lens_stop_training'); },
    pauseTraining: function () { need(); ask('pauseTraining', 'lens_training_control', ['string'], ['pause']); },
    resumeTraining: function () { need(); ask('resumeTraining', 'lens_training_control', ['string'], ['resume']); },
    stepTraining: function () { need(); ask('stepTraining', 'lens_training_control', ['string'], ['step']); },

    // Timings for benchmarks: frame time, per-stroke compute, analysis progress, the digit prior.
    perf: function () { need(); return peek('perf', 'lens_perf'); },

    // For the browser tests and benchmarks only: not part of the API, may change at any time.
    _test: {
      // The next frame draws the whole screen again rather than only what changed.
      redrawAll: function () { need(); wake(); direct('lens_redraw_all'); },
      // Where the page last drew the item with this label, {x, y, width, height} or null.
      itemRect: function (label) {
        need();
        checkName('lens._test.itemRect', 'label', label);
        return peek('_test.itemRect', 'lens_item_rect', ['string'], [label]);
      },
      // Stops the app on purpose, as a bug would: 'abort' (abort()), 'trap' (an unreachable
      // instruction) or 'frame' (abort() in the next frame drawn). The page then shows why.
      crash: function (how) {
        need();
        var k = ['abort', 'trap', 'frame'].indexOf(how);
        if (k < 0) throw new Error('lens._test.crash: how must be "abort", "trap" or "frame", got ' + described(how));
        wake();
        direct('lens_test_crash', k);
      },
      // The size of wasm's memory in bytes (it grows and never shrinks).
      memoryBytes: function () { need(); return Module.HEAPU8.buffer.byteLength; },
      // The bytes of it malloc has handed out and not had back.
      heapInUse: function () { need(); return direct('lens_test_heap_in_use'); },
      // The explanation paragraphs the last frame drew (plain text).
      shownText: function () { need(); return peek('_test.shownText', 'lens_shown_text'); },
      // The windows whose content overflows where no scrollbar reaches it: what a reader cannot
      // see and cannot know is there ("name: N px cut at the bottom, M px at the right").
      cutOff: function () { need(); return peek('_test.cutOff', 'lens_cut_off'); },
      // What the last frame declared to the accessible mirror (src/app/core/a11y.h): role, name,
      // rect [x, y, w, h] in CSS pixels, and per role value, state, now/min/max/step, level.
      a11yNodes: function () { need(); return peek('_test.a11yNodes', 'lens_a11y_nodes'); },
      bench: {
        // The bare dense product W x of the selected model's first layer, reps times over the
        // inputs (a Float32Array of whole inputs, cycled): milliseconds spent inside wasm.
        matvec: function (inputs, reps) {
          need();
          var I = direct('lens_model_inputs');
          if (typeName(inputs) !== 'Float32Array' || inputs.length === 0 || inputs.length % I !== 0)
            throw new Error('lens._test.bench.matvec: expected a Float32Array of whole inputs (' + I + ' values each)');
          var p = ioBuffer(4 * inputs.length + 4 * 16384);
          Module.HEAPF32.set(inputs, p >> 2);
          return direct('lens_bench_matvec', reps, p, inputs.length, p + 4 * inputs.length);
        },
        // Digit-prior images of every unit of a layer, from scratch, as the page computes them when
        // the layer is first shown (the prior is fetched first): {ms, images: Float32Array inputs x units}.
        priorLayer: promised(function (layer) {
          need();
          checkIndices('lens._test.bench.priorLayer', layer, 0);
          var sizes = currentUnits(), n = sizes[0] * (sizes[layer + 1] || 0);
          return until('_test.bench.priorLayer', function () {
            var p = ioBuffer(4 * Math.max(1, n)), t0 = performance.now();
            var r = ask('_test.bench.priorLayer', 'lens_bench_prior_layer', ['number', 'number'], [layer, p]);
            if ('pending' in r) return r;
            return { ok: { ms: performance.now() - t0, images: Module.HEAPF32.slice(p >> 2, (p >> 2) + n) } };
          });
        }),
        // Maximizes every unit of a layer from scratch for `steps` steps with the page's settings:
        // a Float32Array of inputs x units values, image after image.
        actmaxLayer: function (layer, steps) {
          need();
          checkIndices('lens._test.bench.actmaxLayer', layer, 0);
          if (!Number.isInteger(steps) || steps < 1 || steps > 100000) throw new Error('lens._test.bench.actmaxLayer: steps must be an integer from 1 to 100000');
          var sizes = currentUnits(), n = sizes[0] * (sizes[layer + 1] || 0), p = ioBuffer(4 * Math.max(1, n));
          decode('_test.bench.actmaxLayer', direct('lens_bench_actmax', layer, steps, p));
          return Module.HEAPF32.slice(p >> 2, (p >> 2) + n);
        }
      }
    }
  };

  function escapeHtml(t) { return String(t).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }
  // This page's address with a view's hash, in embed mode or not.
  // The view's link as the app holds it now: the address bar is brought up to date at the end of
  // the next frame, so right after a call it can still show the view before.
  function currentHash() { return peek('link', 'lens_link') || location.hash; }
  function pageUrl(hash, embed) {
    var parts = String(hash || '').replace(/^#/, '').split('&').filter(function (p) { return p && !/^(embed|help)=/.test(p); });
    if (embed) parts.push('embed=1');
    return location.origin + location.pathname + (parts.length ? '#' + parts.join('&') : '');
  }
  // ?embed=1 in the query means the same as embed=1 in the hash (some hosts keep only one of them).
  function withEmbedQuery(hash) {
    if (!/(^\?|&)embed=1(&|$)/.test(location.search) || /(^#?|&)embed=/.test(hash || '')) return hash;
    return (hash && hash !== '#' ? hash + '&' : '#') + 'embed=1';
  }

  // --- the URL hash: #model=mlp6-dead&tab=neuron&layer=0&neuron=1 (also theme, scale, help) ---
  // The app core parses, checks and applies it (src/app/core/link.h); a bad link leaves the
  // view as it is and shows a notice saying why. Only the first-visit help stays here.
  function applyHash(hash, initial) {
    // A link to a listed model not fetched yet: fetch it, then open the link.
    var m = /(?:^#|&)model=([^&]*)/.exec(hash || '');
    var id = '';
    try { id = m ? decodeURIComponent(m[1]) : ''; } catch (e) { /* a broken escape: link_parse says so */ }
    var listed = api.models().filter(function (x) { return x.id === id; })[0];
    if (listed && !listed.loaded) {
      api.selectModel(id).then(function () { applyHash(hash, initial); }, function () { /* the notice says why */ });
      return;
    }
    var r = withBytes(new TextEncoder().encode(hash || ''), function (p, n) {
      return value('applyHash', 'lens_apply_hash', ['number', 'number'], [p, n]);
    });
    // A first visit gets the help, but not through a deep link (it would cover the view the
    // link names) unless the link asks for it with help=1.
    var deep = (hash || '').replace(/^#/, '').split('&').some(function (p) { return p && !/^help=/.test(p); });
    if (initial && r.applied && (r.help === true || (r.help !== false && !deep))) showHelpOnFirstVisit();
  }

  function showHelpOnFirstVisit() {
    try {
      if (!localStorage.getItem('mnist-lens-visited')) {
        localStorage.setItem('mnist-lens-visited', '1');
        wake();
        direct('lens_show_help');
      }
    } catch (e) { /* storage blocked (e.g. a sandboxed iframe): skip the overlay */ }
  }

  window.addEventListener('hashchange', function () { if (isReady) applyHash(location.hash, false); });

  // Drop a .lens or .onnx file anywhere on the page to inspect a model of your own.
  window.addEventListener('dragover', function (e) { e.preventDefault(); });
  window.addEventListener('drop', function (e) {
    e.preventDefault();
    if (!isReady || !e.dataTransfer || !e.dataTransfer.files.length) return;
    var file = e.dataTransfer.files[0], shownName = file.name.slice(0, 200);
    function refused(why) { if (!stopped) notice(shownName + ' could not be loaded: ' + why.replace(/^lens\.loadBundle: /, ''), NOTICE.error); }
    // A file larger than any model the page reads is refused before it is read at all.
    try { checkFileSize(file.size); } catch (err) { refused(err.message); return; }
    file.arrayBuffer().then(function (buf) {
      // An ONNX file's name (less .onnx) names the model.
      var onnx = /\.onnx$/i.test(file.name) && new Uint8Array(buf)[0] === 0x08;
      var name = Array.from(file.name.replace(/\.onnx$/i, '').replace(/[\u0000-\u001f\u007f]/g, ' ')).slice(0, limits.importNameChars).join('') || 'model';
      try { api.loadBundle(buf, onnx ? {name: name} : undefined); } catch (err) { refused(err.message); }
    }, function (err) { refused(String(err && err.message || err)); });
  });
  window.lens = api;
})();
