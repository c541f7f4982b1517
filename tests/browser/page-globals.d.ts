// What the browser tests read in the page beyond window.lens (web/lens.d.ts): Emscripten's
// Module (the program's internals, for the split and profile tests) and the values the tests
// themselves put on window (from addInitScript). Not the page's API.
export {};

declare global {
  const Module: any;
  interface Window {
    Module: any;
    [testValue: `__${string}`]: any;
    copiedText: any;  // present.test.mjs: what the page copied
    glCalls: any;     // redraw.test.mjs: the WebGL calls counted
    axe: any;         // a11y.test.mjs: axe-core, added to the page by the test
  }
}
