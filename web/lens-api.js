// window.lens: the page's JavaScript API for tests and embedders.
// Available once `await window.lens.ready` resolves. Bad arguments throw an
// Error with a clear message and change nothing.
(function () {
  'use strict';
  var resolveReady, rejectReady;
  var ready = new Promise(function (resolve, reject) { resolveReady = resolve; rejectReady = reject; });

  function call(name, returnType, argTypes, args) {
    if (!window.Module || !Module.ccall) throw new Error('lens: not ready yet (await lens.ready first)');
    return Module.ccall(name, returnType, argTypes || [], args || []);
  }
  function check(error) { if (error) throw new Error('lens: ' + error); }

  window.lens = {
    ready: ready,
    _resolve: function () { resolveReady(window.lens); },
    _reject: function (e) { rejectReady(e); },

    // [{id, name, layers: [784, ..., 10], accuracy}]
    models: function () { return JSON.parse(call('lens_models_json', 'string')); },
    // The current model's id.
    model: function () { return call('lens_model_id', 'string'); },
    selectModel: function (id) {
      if (typeof id !== 'string') throw new Error('lens.selectModel: id must be a string, got ' + typeof id);
      check(call('lens_select_model', 'string', ['string'], [id]));
    }
  };
})();
