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
    if (Module.lensSleeping && Module._lens_wake) { Module.lensSleeping = false; Module._lens_wake(); }
  }
  ['pointerdown', 'pointermove', 'pointerup', 'mousedown', 'mousemove', 'mouseup', 'wheel', 'keydown', 'keyup', 'touchstart',
   'touchmove', 'touchend', 'resize', 'focus', 'blur', 'visibilitychange', 'dragover', 'drop'].forEach(function (type) {
    window.addEventListener(type, wake, { capture: true, passive: true });
  });
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

  function currentModel() {
    var id = call('lens_model_id', 'string');
    return JSON.parse(call('lens_models_json', 'string')).filter(function (m) { return m.id === id; })[0];
  }

  var api = {
    ready: ready,
    _wake: wake,
    _resolve: function () { isReady = true; applyHash(location.hash, true); resolveReady(api); },
    _reject: function (e) { rejectReady(e); },

    // [{id, name, layers: [784, ..., 10], accuracy}]
    models: function () { need(); return JSON.parse(call('lens_models_json', 'string')); },
    model: function () { need(); return call('lens_model_id', 'string'); },
    selectModel: function (id) {
      need();
      checkName('lens.selectModel', 'id', id);
      check('selectModel', call('lens_select_model', 'string', ['string'], [id]));
    },
    // pixels: the model's input size (784 for MNIST models, row-major 28x28), values in [0, 1].
    setInput: function (pixels) {
      need();
      if (!pixels || typeof pixels.length !== 'number') throw new Error('lens.setInput: expected an array of numbers');
      var n = currentModel().layers[0];
      if (pixels.length !== n) throw new Error('lens.setInput: expected ' + n + ' values, got ' + pixels.length);
      var values = Array.prototype.slice.call(pixels);
      numbersIn01(values, 'lens.setInput');
      check('setInput', withFloats(values, function (p) { return call('lens_set_input', 'string', ['number', 'number'], [p, values.length]); }));
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
    // {model, input, probs, predicted, layers: [[...], ...], dead: [[...], ...], tab, selected}
    state: function () { need(); return JSON.parse(call('lens_state_json', 'string')); },
    // The maximization image of a neuron: layer counts hidden layers from 0; the output layer is the last.
    actmax: function (layer, neuron) {
      need();
      checkIndices('lens.actmax', layer, neuron);
      var out = Module._malloc(784 * 4), result;
      try {
        check('actmax', call('lens_actmax', 'string', ['number', 'number', 'number'], [layer, neuron, out]));
        result = Array.from(Module.HEAPF32.subarray(out >> 2, (out >> 2) + 784));
      } finally { Module._free(out); }
      return Promise.resolve(result);
    },
    // {summary, facts, score} for a hidden neuron, once the model's analysis has finished
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
    // Adds a .lens weight bundle (ArrayBuffer or Uint8Array), selects it and returns its id.
    loadBundle: function (bytes) {
      need();
      if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
      if (!(bytes instanceof Uint8Array)) throw new Error('lens.loadBundle: expected an ArrayBuffer or Uint8Array');
      check('loadBundle', withBytes(bytes, function (p, n) { return call('lens_add_bundle', 'string', ['number', 'number'], [p, n]); }));
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
      return new Promise(function (resolve, reject) {
        (function poll() {
          try {
            if (api.model() !== model) fail('the model changed to ' + api.model() + ' before the report of ' + model + ' was ready');
            var r = exportReply(call('lens_report', 'string', ['number'], [0]));
            if (r.bytes) resolve(new TextDecoder().decode(r.bytes)); else setTimeout(poll, 50);
          } catch (e) { reject(e); }
        })();
      });
    },
    // For tests: where the page last drew the button with this label, {x, y, width, height} or null.
    _itemRect: function (label) {
      need();
      checkName('lens._itemRect', 'label', label);
      return JSON.parse(call('lens_button_rect_json', 'string', ['string'], [label]));
    },
    // Timings for benchmarks: frame time, per-stroke compute, analysis progress.
    perf: function () { need(); return JSON.parse(call('lens_perf_json', 'string')); }
  };

  // --- the URL hash: #model=mlp6-dead&tab=neuron&layer=0&neuron=1 (also theme, scale, help) ---
  // The app core parses, checks and applies it (src/app/core/link.h); a bad link leaves the
  // view as it is and shows a notice saying why. Only the first-visit help stays here.
  function applyHash(hash, initial) {
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

  // Drop a .lens file anywhere on the page to inspect a model of your own.
  window.addEventListener('dragover', function (e) { e.preventDefault(); });
  window.addEventListener('drop', function (e) {
    e.preventDefault();
    if (!isReady || !e.dataTransfer || !e.dataTransfer.files.length) return;
    var file = e.dataTransfer.files[0];
    file.arrayBuffer().then(function (buf) {
      try { api.loadBundle(buf); } catch (err) {
        call('lens_notice', null, ['string'], [file.name + ' could not be loaded: ' + err.message.replace(/^lens\.loadBundle: /, '')]);
      }
    });
  });
  window.lens = api;
})();
