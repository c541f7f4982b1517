// window.lens: the page's JavaScript API for tests and embedders.
// Available once `await window.lens.ready` resolves. A call with bad arguments
// throws an Error with a clear message and changes nothing.
(function () {
  'use strict';
  var resolveReady, rejectReady;
  var ready = new Promise(function (resolve, reject) { resolveReady = resolve; rejectReady = reject; });
  var isReady = false;
  var TABS = ['explore', 'neuron', 'outputs', 'network', 'train'];
  var FIGURES = ['actmax', 'weights', 'grid', 'prediction', 'classes', 'confusion', 'view'];

  function need() { if (!isReady) throw new Error('lens: not ready yet (await lens.ready first)'); }
  // Every call may change what the page shows: the next frames are drawn (main.cpp draws
  // only while something changes).
  function call(name, ret, types, args) { wake(); return Module.ccall(name, ret, types || [], args || []); }
  // The page stops drawing when nothing changes (main.cpp); anything that may change it wakes it.
  function wake() {
    Module.lensTouched = true;
    if (Module.lensHidden) return;  // drawn again when it comes back into view
    if (Module.lensSleeping && Module._lens_wake) { Module.lensSleeping = false; Module._lens_wake(); }
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
    if (!isReady || window.parent === window) return;
    var r = Module.canvas.getBoundingClientRect();
    if (!Module.ccall('lens_scrollable_at', 'number', ['number', 'number'], [e.clientX - r.left, e.clientY - r.top]))
      e.stopPropagation();  // SDL's handler on the canvas never sees it, so it never calls preventDefault
  }, { capture: true, passive: true });
  function check(prefix, error) { if (error) throw new Error('lens.' + prefix + ': ' + error.replace(/^[a-zA-Z]+: /, '')); }
  var MAX_INDEX = 2147483647, MAX_NAME = 256;
  // Layer and neuron numbers: integers the wasm side can take without wrapping to 32 bits.
  function checkIndices(prefix, layer, neuron) {
    [['layer', layer], ['neuron', neuron]].forEach(function (p) {
      var v = p[1];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_INDEX)
        throw new Error(prefix + ': ' + p[0] + ' must be an integer from 0 to ' + MAX_INDEX + ', got ' +
                        (typeof v === 'number' ? String(v) : typeof v));
    });
  }
  // Names (model ids, tabs) are short: a long string is refused before it reaches wasm.
  function checkName(prefix, what, v) {
    if (typeof v !== 'string') throw new Error(prefix + ': ' + what + ' must be a string, got ' + typeof v);
    if (v.length > MAX_NAME) throw new Error(prefix + ': ' + what + ' is ' + v.length + ' characters long (at most ' + MAX_NAME + ')');
  }

  // Copies bytes into the wasm heap, calls fn(pointer, length), frees. Buffers and long
  // strings go this way: ccall copies a 'string' argument onto the small wasm stack.
  function withBytes(bytes, fn) {
    var p = Module._malloc(Math.max(1, bytes.length));
    try {
      Module.HEAPU8.set(bytes, p);
      return fn(p, bytes.length);
    } finally { Module._free(p); }
  }

  // Copies numbers into the wasm heap as float32, calls fn(pointer), frees.
  function withFloats(values, fn) {
    var p = Module._malloc(Math.max(4, values.length * 4));
    try {
      Module.HEAPF32.set(values, p >> 2);
      return fn(p);
    } finally { Module._free(p); }
  }

  function numbersIn01(values, what) {
    for (var i = 0; i < values.length; i++) {
      var v = values[i];
      if (typeof v !== 'number' || !isFinite(v)) throw new Error(what + ': value ' + i + ' is ' + String(v) + ', not a finite number');
      if (v < 0 || v > 1) throw new Error(what + ': value ' + i + ' is ' + v + ', outside [0, 1]');
    }
  }

  // --- numbers through the wasm heap (lens.predict, predictBatch, setInput) ---
  // One heap buffer kept from call to call: a malloc per prediction would cost as much as the
  // prediction. Growing it may grow wasm memory, so Module.HEAP* views are read after it.
  var io = { ptr: 0, size: 0 };
  function ioBuffer(size) {
    if (io.size < size) {
      if (io.ptr) Module._free(io.ptr);
      io.ptr = Module._malloc(size);
      io.size = size;
    }
    return io.ptr;
  }
  function typeName(v) { return Object.prototype.toString.call(v).slice(8, -1); }  // works across frames
  // How input values reach wasm: 'bytes' (Uint8Array, Uint8ClampedArray: 0..255, scaled by 1/255)
  // or 'floats' (Float32Array, Float64Array, an Array of numbers: values in [0, 1]).
  function inputKind(prefix, v) {
    var t = typeName(v);
    if (t === 'Uint8Array' || t === 'Uint8ClampedArray') return 'bytes';
    if (t === 'Float32Array' || t === 'Float64Array') return 'floats';
    if (t === 'Array') {
      for (var i = 0; i < v.length; i++)
        if (typeof v[i] !== 'number') throw new Error(prefix + ': value ' + i + ' is ' + (v[i] === null ? 'null' : typeof v[i]) + ', not a number');
      return 'floats';
    }
    throw new Error(prefix + ': expected an Array of numbers, a Float32Array, Float64Array, Uint8Array or Uint8ClampedArray, got ' +
                    (v === null ? 'null' : typeof v === 'object' ? typeName(v) : typeof v));
  }
  // Runs lens_predict on whole samples; returns a view into the heap (valid until the next call).
  function predictIn(prefix, values, kind, first, I, O) {
    var n = values.length, inSize = ((kind === 'bytes' ? n : 4 * n) + 15) & ~15, samples = Math.floor(n / I);
    var p = ioBuffer(inSize + 4 * O * samples), out = p + inSize;
    if (kind === 'bytes') Module.HEAPU8.set(values, p); else Module.HEAPF32.set(values, p >> 2);
    var r = Module._lens_predict(p, n, kind === 'bytes' ? 1 : 0, first, out);
    if (r) throw new Error(prefix + ': ' + Module.UTF8ToString(r));
    return Module.HEAPF32.subarray(out >> 2, (out >> 2) + O * samples);
  }
  var BATCH_CHUNK_BYTES = 4 << 20;  // predictBatch sends at most this much at a time into the heap

  // Resolves when the model with this id is the current one; rejects if its bundle could not be fetched.
  function whenSelected(id) {
    return new Promise(function (resolve, reject) {
      (function poll() {
        if (api.model() === id) return resolve(id);
        var m = api.models().filter(function (x) { return x.id === id; })[0];
        if (m && !m.loaded && !call('lens_model_wanted_is', 'number', ['string'], [id]))
          return reject(new Error('lens.selectModel: ' + id + ' could not be loaded (see the page\'s notice)'));
        setTimeout(poll, 20);
      })();
    });
  }

  function fail(message) { throw new Error('lens.' + message); }
  // An export reply (js_api.cpp): throws its error; {bytes} once made, else {pending} or {view}.
  function exportReply(text) {
    var r = JSON.parse(text);
    if (r.error) fail(r.error);
    if (r.size !== undefined) {
      var p = Module.ccall('lens_export_data', 'number', [], []);
      r.bytes = Module.HEAPU8.slice(p, p + r.size);
    }
    return r;
  }

  // lens.figure: checks the arguments (throwing), then polls until the figure is made.
  function figureOf(name, options) {
    need();
    checkName('lens.figure', 'name (' + FIGURES.join(', ') + ')', name);
    var o = options === undefined ? {} : options;
    if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error('lens.figure: options must be an object {layer, neuron, scale, theme}');
    Object.keys(o).forEach(function (k) {
      if (['layer', 'neuron', 'scale', 'theme'].indexOf(k) < 0) throw new Error('lens.figure: unknown option ' + JSON.stringify(k.slice(0, 40)) + ' (known: layer, neuron, scale, theme)');
    });
    var layer = o.layer === undefined ? -1 : o.layer, neuron = o.neuron === undefined ? -1 : o.neuron;
    if (o.layer !== undefined || o.neuron !== undefined) {
      checkIndices('lens.figure', o.layer === undefined ? 0 : o.layer, o.neuron === undefined ? 0 : o.neuron);
    }
    var scale = o.scale === undefined ? 1 : o.scale;
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 1 || scale > 8)
      throw new Error('lens.figure: scale must be an integer from 1 to 8, got ' + (typeof scale === 'number' ? String(scale) : typeof scale));
    var theme = o.theme === undefined ? '' : o.theme;
    if (theme !== '' && theme !== 'light' && theme !== 'dark')
      throw new Error('lens.figure: theme must be "light" or "dark", got ' + (typeof theme === 'string' ? JSON.stringify(theme.slice(0, 40)) : typeof theme));
    var model = api.model();
    function attempt() {
      return exportReply(call('lens_figure', 'string', ['string', 'number', 'number', 'number', 'string'], [name, layer, neuron, scale, theme]));
    }
    var first = attempt();  // bad arguments throw here (lens.figure turns that into a rejection)
    if (first.bytes) return Promise.resolve(first.bytes);
    return new Promise(function (resolve, reject) {
      (function poll() {
        try {
          var r = first.view ? exportReply(call('lens_view_result', 'string')) : (api.model() !== model
            ? fail('the model changed to ' + api.model() + ' before the figure of ' + model + ' was ready') : attempt());
          if (r.bytes) resolve(r.bytes); else setTimeout(poll, first.view ? 16 : 30);
        } catch (e) { reject(e); }
      })();
    });
  }

  // n maximization images of a neuron (lens_actmax_options), each an Array of 784 numbers.
  function actmaxImages(layer, neuron, prior, n) {
    var out = Module._malloc(784 * 4 * n), images = [];
    try {
      check('actmax', call('lens_actmax_options', 'string', ['number', 'number', 'number', 'number', 'number'], [layer, neuron, prior, n, out]));
      for (var i = 0; i < n; i++) images.push(Array.from(Module.HEAPF32.subarray((out >> 2) + 784 * i, (out >> 2) + 784 * (i + 1))));
    } finally { Module._free(out); }
    return images;
  }
  // Resolves once the digit prior is loaded (fetched now if it was not: web/shell.js).
  function loadPrior() {
    var state = Module._lens_prior_state();
    if (state === 1) return Promise.resolve();
    if (state === 2) return Promise.reject(new Error('lens.actmax: ' + call('lens_prior_error', 'string')));
    return Module.lensFetchPrior().then(function () {
      if (Module._lens_prior_state() !== 1) throw new Error('lens.actmax: ' + call('lens_prior_error', 'string'));
    });
  }

  function currentModel() {
    var id = call('lens_model_id', 'string');
    return JSON.parse(call('lens_models_json', 'string')).filter(function (m) { return m.id === id; })[0];
  }

  var api = {
    ready: ready,
    _wake: wake,
    _resolve: function () { isReady = true; watchView(); applyHash(withEmbedQuery(location.hash), true); resolveReady(api); },
    // The Share menu (main.cpp): 1 copy the link, 2 copy the embed code, 3 open the full page.
    _share: function (kind, hash) {
      if (kind === 3) { window.open(pageUrl(hash, false), '_blank', 'noopener'); return; }
      var text = kind === 1 ? pageUrl(hash, false) : api.embedCode();
      var what = kind === 1 ? 'the link to this view' : 'the embed code';
      function shown() { window.prompt('Copy ' + what + ':', text); }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () {
          call('lens_notice', null, ['string'], ['Copied ' + what + ': ' + text.slice(0, 400)]);
        }, shown);
      } else shown();
    },
    // The address of the view on screen (what the address bar holds), without embed mode.
    link: function () { need(); return pageUrl(location.hash, false); },
    // An <iframe> snippet of the view on screen in embed mode; width and height in CSS pixels
    // (default 700x500, from 320x240 to 1920x1440).
    embedCode: function (options) {
      need();
      var o = options === undefined ? {} : options;
      if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error('lens.embedCode: options must be an object like {width: 700, height: 500}');
      var size = {};
      [['width', 700, 320, 1920], ['height', 500, 240, 1440]].forEach(function (d) {
        var v = o[d[0]] === undefined ? d[1] : o[d[0]];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < d[2] || v > d[3])
          throw new Error('lens.embedCode: ' + d[0] + ' must be an integer from ' + d[2] + ' to ' + d[3] + ', got ' + String(v));
        size[d[0]] = v;
      });
      var title = 'MNIST Lens: ' + api.model();
      return '<iframe src="' + escapeHtml(pageUrl(location.hash, true)) + '" width="' + size.width + '" height="' + size.height +
        '" style="border:0;max-width:100%" title="' + escapeHtml(title) + '" loading="lazy" allow="fullscreen"></iframe>';
    },
    _reject: function (e) { rejectReady(e); },

    // [{id, name, layers: [784, ..., 10], accuracy}]
    models: function () { need(); return JSON.parse(call('lens_models_json', 'string')); },
    // The current model's recorded test accuracy against the measured one, once measured:
    // {recorded, measured, differs, message} (message names the likely cause), else null.
    accuracyCheck: function () { need(); return JSON.parse(call('lens_accuracy_check_json', 'string')); },
    model: function () { need(); return call('lens_model_id', 'string'); },
    // Selects a model; returns a Promise that resolves once it is on screen (at once for a
    // model already loaded; a listed model not fetched yet is fetched first).
    selectModel: function (id) {
      need();
      checkName('lens.selectModel', 'id', id);
      check('selectModel', call('lens_select_model', 'string', ['string'], [id]));
      return api.model() === id ? Promise.resolve(id) : whenSelected(id);
    },
    // pixels: the model's input size (784 for MNIST models, row-major 28x28), values in [0, 1].
    setInput: function (pixels) {
      need();
      if (!pixels || typeof pixels.length !== 'number') throw new Error('lens.setInput: expected an array of numbers');
      var n = Module._lens_model_inputs();
      if (pixels.length !== n) throw new Error('lens.setInput: expected ' + n + ' values, got ' + pixels.length);
      var t = typeName(pixels), values = pixels;
      // Float arrays go straight to the heap (wasm checks the range); anything else is checked here.
      if (t !== 'Float32Array' && t !== 'Float64Array') {
        values = t === 'Array' ? pixels : Array.prototype.slice.call(pixels);
        numbersIn01(values, 'lens.setInput');
      }
      var p = ioBuffer(4 * n);
      Module.HEAPF32.set(values, p >> 2);
      wake();
      check('setInput', Module.UTF8ToString(Module._lens_set_input(p, n)));
    },
    // Class probabilities of the selected model for one input, without changing the page: pixels
    // is an Array of numbers, a Float32Array or a Float64Array with values in [0, 1], or a
    // Uint8Array / Uint8ClampedArray of bytes 0..255 (divided by 255); 784 values for MNIST
    // models (row-major 28x28), the model's input count in general. Returns a Float32Array of
    // the model's outputs (10 for MNIST, 1 for xor's sigmoid).
    predict: function (pixels) {
      need();
      var kind = inputKind('lens.predict', pixels), I = Module._lens_model_inputs();
      if (pixels.length !== I) throw new Error('lens.predict: expected ' + I + ' values, got ' + pixels.length);
      return predictIn('lens.predict', pixels, kind, -1, I, Module._lens_model_outputs()).slice();
    },
    // The same for n inputs one after another: a Float32Array of n * inputs values in [0, 1] (or a
    // Uint8Array of bytes) -> a Float32Array of n * outputs probabilities, sample after sample.
    predictBatch: function (values) {
      need();
      var t = typeName(values);
      if (t !== 'Float32Array' && t !== 'Uint8Array')
        throw new Error('lens.predictBatch: expected a Float32Array (values in [0, 1]) or a Uint8Array (bytes), got ' +
                        (values === null ? 'null' : typeof values === 'object' ? t : typeof values));
      var I = Module._lens_model_inputs(), O = Module._lens_model_outputs(), kind = t === 'Uint8Array' ? 'bytes' : 'floats';
      if (values.length === 0 || values.length % I !== 0)
        throw new Error('lens.predictBatch: expected a positive multiple of ' + I + ' values (' + I + ' per sample), got ' + values.length);
      var n = values.length / I, out = new Float32Array(n * O);
      var per = Math.max(1, Math.floor(BATCH_CHUNK_BYTES / (I * (kind === 'bytes' ? 1 : 4))));
      for (var j = 0; j < n; j += per) {
        var m = Math.min(per, n - j);
        out.set(predictIn('lens.predictBatch', values.subarray(j * I, (j + m) * I), kind, j, I, O), j * O);
      }
      return out;
    },
    clear: function () { need(); call('lens_clear', null); },
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
      check('drawStroke', withFloats(flat, function (p) { return call('lens_draw_stroke', 'string', ['number', 'number'], [p, points.length]); }));
    },
    // {model, input, probs, predicted, layers: [[...], ...], dead: [[...], ...], tab, selected, ...}:
    // input, probs and each hidden layer's activations are Float32Arrays (copies), the rest JSON.
    // Reading the state changes nothing on the page, so it does not wake it.
    state: function () {
      need();
      var s = JSON.parse(Module.ccall('lens_state_json', 'string', [], []));
      var t = Module._lens_state_arrays() >> 2, H = Module.HEAP32, F = Module.HEAPF32, arrays = [];
      for (var i = 0; i < H[t]; i++) {
        var p = H[t + 1 + 2 * i] >> 2;
        arrays.push(F.slice(p, p + H[t + 2 + 2 * i]));
      }
      s.input = arrays[0];
      s.probs = arrays[1];
      s.layers = arrays.slice(2);
      return s;
    },
    // The maximization image of a neuron: layer counts hidden layers from 0; the output layer is the last.
    // options {prior: 'digit' | 'none', count: n}: 'digit' searches the digit prior's code space (a
    // digit-like image; the prior is fetched on first use); count (1..16) gives an array of n
    // images pushed apart. Bad options reject with the reason and change nothing.
    actmax: function (layer, neuron, options) {
      need();
      if (options === undefined) {
        checkIndices('lens.actmax', layer, neuron);
        return Promise.resolve(actmaxImages(layer, neuron, 0, 1)[0]);
      }
      return new Promise(function (resolve, reject) {
        var o = options, prior, count;
        if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error('lens.actmax: options must be an object {prior, count}');
        Object.keys(o).forEach(function (k) {
          if (k !== 'prior' && k !== 'count') throw new Error('lens.actmax: unknown option ' + JSON.stringify(k.slice(0, 40)) + ' (known: prior, count)');
        });
        prior = o.prior === undefined ? 'none' : o.prior;
        if (prior !== 'digit' && prior !== 'none')
          throw new Error('lens.actmax: prior must be "digit" or "none", got ' + (typeof prior === 'string' ? JSON.stringify(prior.slice(0, 40)) : typeof prior));
        count = o.count === undefined ? 1 : o.count;
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 16)
          throw new Error('lens.actmax: count must be an integer from 1 to 16, got ' + (typeof count === 'number' ? String(count) : typeof count));
        checkIndices('lens.actmax', layer, neuron);
        var model = api.model();
        (prior === 'digit' ? loadPrior() : Promise.resolve()).then(function () {
          if (api.model() !== model) throw new Error('lens.actmax: the model changed to ' + api.model() + ' before the image of ' + model + ' was ready');
          var images = actmaxImages(layer, neuron, prior === 'digit' ? 1 : 0, count);
          resolve(o.count === undefined ? images[0] : images);
        }).catch(reject);
      });
    },
    // {summary, facts, score, concepts, shapes, shapeScore, story} for a hidden neuron, once the model's analysis has finished
    // (resolves then); the summary is the sentence lens-report prints for the neuron.
    explain: function (layer, neuron) {
      need();
      checkIndices('lens.explain', layer, neuron);
      var model = api.model();
      function attempt() {
        var r = JSON.parse(call('lens_explain_json', 'string', ['number', 'number'], [layer, neuron]));
        if (r.error) throw new Error('lens.' + r.error);
        return r;
      }
      var first = attempt();  // bad arguments throw here (lens.figure turns that into a rejection)
      if (!('pending' in first)) return Promise.resolve(first);
      return new Promise(function (resolve, reject) {
        (function poll() {
          if (api.model() !== model) return reject(new Error('lens.explain: the model changed to ' + api.model() + ' before the analysis of ' + model + ' finished'));
          try {
            var r = attempt();
            if ('pending' in r) setTimeout(poll, 30); else resolve(r);
          } catch (e) { reject(e); }
        })();
      });
    },
    // Switches a hidden neuron off (held at 0, as the Neuron tab's switch does) or back on.
    setNeuronOff: function (layer, neuron, off) {
      need();
      checkIndices('lens.setNeuronOff', layer, neuron);
      if (typeof off !== 'boolean') throw new Error('lens.setNeuronOff: off must be true or false, got ' + typeof off);
      check('setNeuronOff', call('lens_set_neuron_off', 'string', ['number', 'number', 'number'], [layer, neuron, off ? 1 : 0]));
    },
    // The class "How the answer was made" explains; null for the predicted one.
    setExplainClass: function (k) {
      need();
      if (k !== null && (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > MAX_INDEX))
        throw new Error('lens.setExplainClass: expected a class number or null, got ' + (typeof k === 'number' ? String(k) : typeof k));
      check('setExplainClass', call('lens_set_explain_class', 'string', ['number'], [k === null ? -1 : k]));
    },
    select: function (layer, neuron) {
      need();
      checkIndices('lens.select', layer, neuron);
      check('select', call('lens_select', 'string', ['number', 'number'], [layer, neuron]));
    },
    setTab: function (name) {
      need();
      checkName('lens.setTab', 'name (' + TABS.join(', ') + ')', name);
      check('setTab', call('lens_set_tab', 'string', ['string'], [name]));
    },
    // The drawing canvas in CSS pixels relative to the viewport: {x, y, width, height}.
    canvasRect: function () { need(); return JSON.parse(call('lens_canvas_rect_json', 'string')); },
    // Adds a model (ArrayBuffer or Uint8Array): a .lens weight bundle or an ONNX model, told
    // apart by their bytes; selects it and returns its id. options (ONNX only, all optional):
    // {name, normalize: [mean, std], accuracy} (the recorded test accuracy, in [0, 1]).
    loadBundle: function (bytes, options) {
      need();
      if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
      if (!(bytes instanceof Uint8Array)) throw new Error('lens.loadBundle: expected an ArrayBuffer or Uint8Array');
      if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options)))
        throw new Error('lens.loadBundle: options must be an object {name, normalize, accuracy}');
      var json = options === undefined ? '' : JSON.stringify(options);
      check('loadBundle', withBytes(bytes, function (p, n) {
        return call('lens_add_bundle', 'string', ['number', 'number', 'string'], [p, n, json]);
      }));
      return api.model();
    },
    // Trains a network in the page from a recipe (the JSON lens-train reads, tools/recipes/*.json
    // keys; "mnist" trains on the page's 20,000-image subset). Resolves when training ends with
    // {id, testAccuracy, epochs, samplesPerSecond}; the new model is selected.
    train: function (recipe) {
      need();
      if (!recipe || typeof recipe !== 'object' || Array.isArray(recipe)) throw new Error('lens.train: expected a recipe object');
      var text = JSON.stringify(recipe);
      if (text.length > 65536) throw new Error('lens.train: the recipe is ' + text.length + ' characters long (at most 65536)');
      check('train', withBytes(new TextEncoder().encode(text), function (p, n) { return call('lens_train', 'string', ['number', 'number'], [p, n]); }));
      return new Promise(function (resolve, reject) {
        (function poll() {
          var t = api.trainingState();
          if (t.status === 'done') return resolve({ id: t.model, testAccuracy: t.testAccuracy, epochs: t.epoch, samplesPerSecond: t.samplesPerSecond });
          if (t.status === 'idle') return reject(new Error('lens.train: training stopped before it began (see the page\'s notice)'));
          setTimeout(poll, 100);
        })();
      });
    },
    // {status, epoch, epochs, samples, samplesPerSecond, curve: [{epoch, loss, valLoss, valAccuracy}],
    //  dead: [[units]], diedAt: [[epoch or null]], model, testAccuracy, recipe}
    trainingState: function () { need(); return JSON.parse(call('lens_training_state_json', 'string')); },
    // Ends training now: the model keeps its weights and is measured on the test set.
    stopTraining: function () { need(); call('lens_stop_training', null); },
    pauseTraining: function () { need(); call('lens_training_control', null, ['number'], [0]); },
    resumeTraining: function () { need(); call('lens_training_control', null, ['number'], [1]); },
    stepTraining: function () { need(); call('lens_training_control', null, ['number'], [2]); },
    // The current model as .lens bytes (what the Download button saves).
    modelBundle: function () {
      need();
      var pn = Module._malloc(4);
      try {
        var p = Module.ccall('lens_model_bundle', 'number', ['number'], [pn]);
        var n = Module.HEAP32[pn >> 2];
        return Module.HEAPU8.slice(p, p + n);
      } finally { Module._free(pn); }
    },
    // A figure as PNG bytes (Uint8Array): name is one of FIGURES; options {layer, neuron, scale,
    // theme}: layer and neuron default to the selected neuron (grid: its layer), scale is an
    // integer from 1 to 8 (view: 1 to 4), theme 'light' or 'dark' (default: the page's).
    // Resolves once the analysis has made what the figure shows.
    figure: function (name, options) {
      try { return figureOf(name, options); } catch (e) { return Promise.reject(e); }
    },
    // The Markdown report lens-report writes for the current model (resolves once the
    // model's analysis has finished); the figures it links are in the Network tab's zip.
    report: function () {
      need();
      var model = api.model();
      // With the digit prior, as lens-report with the shipped models (its images are in the report).
      return loadPrior().catch(function () {}).then(function () { return new Promise(function (resolve, reject) {
        (function poll() {
          try {
            if (api.model() !== model) fail('the model changed to ' + api.model() + ' before the report of ' + model + ' was ready');
            var r = exportReply(call('lens_report', 'string', ['number'], [0]));
            if (r.bytes) resolve(new TextDecoder().decode(r.bytes)); else setTimeout(poll, 50);
          } catch (e) { reject(e); }
        })();
      }); });
    },
    // For tests: the next frame draws the whole screen again rather than only what changed.
    _redrawAll: function () { need(); call('lens_redraw_all', null); },
    // For tests: where the page last drew the button with this label, {x, y, width, height} or null.
    _itemRect: function (label) {
      need();
      checkName('lens._itemRect', 'label', label);
      return JSON.parse(call('lens_button_rect_json', 'string', ['string'], [label]));
    },
    // The explanation paragraphs the last frame drew (plain text), for browser tests.
    _shownText: function () {
      need();
      return JSON.parse(call('lens_shown_text_json', 'string'));
    },
    // Yardsticks for tools/bench/peers.sh, not part of the documented API.
    _bench: {
      // The bare dense product W x of the selected model's first layer, reps times over the
      // inputs (a Float32Array of whole inputs, cycled): milliseconds spent inside wasm.
      matvec: function (inputs, reps) {
        need();
        var I = Module._lens_model_inputs();
        if (typeName(inputs) !== 'Float32Array' || inputs.length === 0 || inputs.length % I !== 0)
          throw new Error('lens._bench.matvec: expected a Float32Array of whole inputs (' + I + ' values each)');
        var p = ioBuffer(4 * inputs.length + 4 * 16384);
        Module.HEAPF32.set(inputs, p >> 2);
        return Module._lens_bench_matvec(reps, p, inputs.length, p + 4 * inputs.length);
      },
      // Digit-prior images of every unit of a layer, from scratch, as the page computes them when the
      // layer is first shown (loads the prior first): {ms, images: Float32Array inputs x units}.
      priorLayer: function (layer) {
        need();
        checkIndices('lens._bench.priorLayer', layer, 0);
        return loadPrior().then(function () {
          var sizes = api.models().filter(function (m) { return m.id === api.model(); })[0].layers;
          var n = sizes[0] * (sizes[layer + 1] || 0), p = ioBuffer(4 * Math.max(1, n));
          var t0 = performance.now(), r = Module._lens_bench_prior_layer(layer, p), ms = performance.now() - t0;
          if (r) throw new Error('lens._bench.priorLayer: ' + Module.UTF8ToString(r));
          return {ms: ms, images: Module.HEAPF32.slice(p >> 2, (p >> 2) + n)};
        });
      },
      // Maximizes every unit of a layer from scratch for `steps` steps with the page's settings:
      // a Float32Array of inputs x units values, image after image.
      actmaxLayer: function (layer, steps) {
        need();
        checkIndices('lens._bench.actmaxLayer', layer, 0);
        if (!Number.isInteger(steps) || steps < 1 || steps > 100000) throw new Error('lens._bench.actmaxLayer: steps must be an integer from 1 to 100000');
        var sizes = api.models().filter(function (m) { return m.id === api.model(); })[0].layers;
        var n = sizes[0] * (sizes[layer + 1] || 0), p = ioBuffer(4 * Math.max(1, n));
        var r = Module._lens_bench_actmax(layer, steps, p);
        if (r) throw new Error('lens._bench.actmaxLayer: ' + Module.UTF8ToString(r));
        return Module.HEAPF32.slice(p >> 2, (p >> 2) + n);
      }
    },
    // Timings for benchmarks: frame time, per-stroke compute, analysis progress.
    perf: function () { need(); return JSON.parse(call('lens_perf_json', 'string')); }
  };

  function escapeHtml(t) { return String(t).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }
  // This page's address with a view's hash, in embed mode or not.
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
    var r = JSON.parse(withBytes(new TextEncoder().encode(hash || ''), function (p, n) {
      return call('lens_apply_hash', 'string', ['number', 'number'], [p, n]);
    }));
    // A first visit gets the help, but not through a deep link (it would cover the view the
    // link names) unless the link asks for it with help=1.
    var deep = (hash || '').replace(/^#/, '').split('&').some(function (p) { return p && !/^help=/.test(p); });
    if (initial && r.applied && (r.help === true || (r.help !== false && !deep))) showHelpOnFirstVisit();
  }

  function showHelpOnFirstVisit() {
    try {
      if (!localStorage.getItem('mnist-lens-visited')) {
        localStorage.setItem('mnist-lens-visited', '1');
        call('lens_show_help', null);
      }
    } catch (e) { /* storage blocked (e.g. a sandboxed iframe): skip the overlay */ }
  }

  window.addEventListener('hashchange', function () { if (isReady) applyHash(location.hash, false); });

  // Drop a .lens or .onnx file anywhere on the page to inspect a model of your own.
  window.addEventListener('dragover', function (e) { e.preventDefault(); });
  window.addEventListener('drop', function (e) {
    e.preventDefault();
    if (!isReady || !e.dataTransfer || !e.dataTransfer.files.length) return;
    var file = e.dataTransfer.files[0];
    file.arrayBuffer().then(function (buf) {
      // An ONNX file's name (less .onnx) names the model.
      var onnx = /\.onnx$/i.test(file.name) && new Uint8Array(buf)[0] === 0x08;
      try { api.loadBundle(buf, onnx ? {name: file.name.replace(/\.onnx$/i, '').slice(0, 100) || 'model'} : undefined); } catch (err) {
        call('lens_notice', null, ['string'], [file.name + ' could not be loaded: ' + err.message.replace(/^lens\.loadBundle: /, '')]);
      }
    });
  });
  window.lens = api;
})();
