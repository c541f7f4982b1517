// MNIST Lens for the page that embeds it: talks to the page inside an <iframe>, on any origin,
// through postMessage (the protocol: docs/embedding.md; the page's side: embed-bridge.js).
//
//   <script src="https://your.host/mnist-lens/embed.js"></script>
//   const lens = await MnistLens.connect(document.querySelector('iframe'));
//   lens.on('prediction', ({ predicted, probs }) => { ... });
//   await lens.call('drawStroke', [[0.5, 0.2], [0.5, 0.8]]);
//
// Types: embed.d.ts.
(function (global) {
  'use strict';
  var TYPE = 'mnist-lens', VERSION = 1;
  var EVENTS = ['prediction', 'view', 'training'];
  var HELLO_EVERY_MS = 200;          // the iframe's page may not listen yet: hello again until it answers
  var DEFAULT_TIMEOUT_MS = 30000;    // for the page to answer and be ready

  function randomChannel() {
    var bytes = new Uint8Array(12);
    global.crypto.getRandomValues(bytes);
    return 'c' + Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }

  // connect(iframe, {timeout}) -> Promise of a remote: {call, on, off, close, methods, origin}.
  function connect(iframe, options) {
    return new Promise(function (resolve, reject) {
      var o = options || {};
      var timeout = o.timeout === undefined ? DEFAULT_TIMEOUT_MS : o.timeout;
      if (!iframe || typeof iframe !== 'object' || !('contentWindow' in iframe) || typeof iframe.src !== 'string')
        throw new Error('MnistLens.connect: expected an <iframe> element');
      if (typeof timeout !== 'number' || !(timeout > 0)) throw new Error('MnistLens.connect: timeout must be a positive number of milliseconds');
      var origin = new URL(iframe.src, document.baseURI).origin;
      if (origin === 'null') throw new Error('MnistLens.connect: the iframe\'s address (' + iframe.src + ') has no origin to talk to; it must be an http(s) address');

      var channel = randomChannel(), nextId = 1, pending = {}, listeners = {}, answered = false, closed = false, closedWhy = '', latest = {};
      var remote = {
        origin: origin,
        methods: [],
        // Calls window.lens[method](...args) in the page; resolves with its result, rejects with the page's message.
        call: function (method) {
          var args = Array.prototype.slice.call(arguments, 1);
          return new Promise(function (res, rej) {
            if (closed) throw new Error('MnistLens: the connection is closed' + closedWhy);
            var id = nextId++;
            pending[id] = { resolve: res, reject: rej };
            try { post({ kind: 'call', id: id, method: method, args: args }); } catch (e) {
              delete pending[id];
              throw new Error('MnistLens: the arguments of ' + method + ' cannot be sent to the page (' + (e && e.message || e) + ')');
            }
          });
        },
        // Calls fn(data) on every such event; returns a function that stops it.
        on: function (event, fn) {
          if (EVENTS.indexOf(event) < 0) throw new Error('MnistLens: no event ' + JSON.stringify(String(event)) + ' (events: ' + EVENTS.join(', ') + ')');
          if (typeof fn !== 'function') throw new Error('MnistLens: on(' + JSON.stringify(event) + ', fn) needs a function');
          if (closed) throw new Error('MnistLens: the connection is closed' + closedWhy);
          var list = listeners[event] = listeners[event] || [];
          list.push(fn);
          if (list.length === 1) post({ kind: 'subscribe', event: event });
          // A later listener starts with the value the page last sent, as the first one did.
          else if (event in latest) setTimeout(function () { if (list.indexOf(fn) >= 0) fn(latest[event]); });
          return function () { remote.off(event, fn); };
        },
        off: function (event, fn) {
          var list = listeners[event];
          if (!list || list.indexOf(fn) < 0) return;
          list.splice(list.indexOf(fn), 1);
          if (!list.length) delete latest[event];
          if (!list.length && !closed) post({ kind: 'unsubscribe', event: event });
        },
        // Stops every listener and refuses further calls; calls under way reject.
        close: function (why) {
          if (closed) return;
          Object.keys(listeners).forEach(function (event) {
            if (listeners[event].length) try { post({ kind: 'unsubscribe', event: event }); } catch (e) { /* the iframe is gone */ }
          });
          listeners = {};
          closed = true;
          if (typeof why === 'string') closedWhy = ' (' + why + ')';
          global.removeEventListener('message', receive);
          var text = 'MnistLens: the connection was closed' + closedWhy;
          Object.keys(pending).forEach(function (id) { pending[id].reject(new Error(text)); });
          pending = {};
        }
      };

      function post(message) {
        message.type = TYPE;
        message.version = VERSION;
        message.channel = channel;
        if (!iframe.contentWindow) throw new Error('MnistLens: the iframe is no longer in the document');
        iframe.contentWindow.postMessage(message, origin);  // only to the page's origin
      }
      function receive(ev) {
        var d = ev.data;
        if (ev.source !== iframe.contentWindow || ev.origin !== origin) return;
        if (!d || typeof d !== 'object' || d.type !== TYPE || d.channel !== channel) return;
        if (d.kind === 'hello') answered = true;
        else if (d.kind === 'ready') {
          remote.methods = Array.isArray(d.methods) ? d.methods.slice() : [];
          finish(null);
        }
        else if (d.kind === 'failed') finish(new Error('MnistLens.connect: the page could not start: ' + d.message));
        else if (d.kind === 'result' || d.kind === 'error') settle(d);
        else if (d.kind === 'event') {
          latest[d.event] = d.data;
          (listeners[d.event] || []).slice().forEach(function (fn) {
            try { fn(d.data); } catch (e) { setTimeout(function () { throw e; }); }  // one listener's error does not stop the others
          });
        }
      }
      function settle(d) {
        var p = pending[d.id];
        if (!p) {
          // An error with no call behind it (a refused subscription): said where a developer looks.
          if (d.kind === 'error') console.warn('MnistLens: ' + d.message);
          return;
        }
        delete pending[d.id];
        if (d.kind === 'result') p.resolve(d.value); else p.reject(new Error(d.message));
      }

      var done = false, hello = 0, timer = 0;
      function finish(error) {
        if (done) return;
        done = true;
        clearInterval(hello);
        clearTimeout(timer);
        iframe.removeEventListener('load', sayHello);
        if (error) { remote.close(); reject(error); return; }
        // A page loaded in the iframe from now on is another page, which knows nothing of this connection.
        iframe.addEventListener('load', function () { remote.close('the iframe loaded another page; connect again'); }, { once: true });
        resolve(remote);
      }
      global.addEventListener('message', receive);
      // Until the iframe's own page arrives, it holds the initial about:blank of this page's origin:
      // a message for the page's origin would only be dropped (with a warning in the console).
      function arrived() {
        try { return iframe.contentWindow.location.href !== 'about:blank'; } catch (e) { return true; }  // another origin's page
      }
      function sayHello() { if (!answered && !done && iframe.contentWindow && arrived()) post({ kind: 'hello' }); }
      iframe.addEventListener('load', sayHello);
      sayHello();
      hello = setInterval(sayHello, HELLO_EVERY_MS);
      timer = setTimeout(function () {
        var s = Math.round(timeout / 1000);
        finish(new Error(answered
          ? 'MnistLens.connect: the page at ' + origin + ' answered but was not ready within ' + s + ' s (still loading?)'
          : 'MnistLens.connect: the iframe (' + origin + ') did not answer within ' + s + ' s; is it MNIST Lens (index.html, which loads embed-bridge.js), and loaded (an iframe with loading="lazy" loads only when scrolled into view)?'));
      }, timeout);
    });
  }

  global.MnistLens = { connect: connect, version: VERSION };
})(window);
