// Under node, give the wasm test binary the real environment (Emscripten's ENV
// starts with a fixed set), so CTest's LENS_* variables reach getenv().
Module['preRun'] = Module['preRun'] || [];
Module['preRun'].push(function () {
  if (typeof process !== 'undefined' && process.env) {
    for (var k in process.env) ENV[k] = process.env[k];
  }
});
