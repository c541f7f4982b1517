// The page's side of the embed protocol (docs/embedding.md): the page that embeds this one in an
// iframe, on any origin, drives window.lens through postMessage (web/embed.js is its side).
// Rules, each a line below:
// - only the embedding window (window.parent) is answered, and only messages of this protocol
//   (type 'mnist-lens', version 1); everything else is ignored without a word;
// - a reply goes to event.source with targetOrigin event.origin, never '*';
// - a call names a public method of window.lens (an own function property, not _test, not
//   ready) and passes plain data: nothing in a message is evaluated, and no lens method takes an
//   address to fetch (selectModel fetches only the models listed in this page's models.json);
// - a malformed message gets an error reply and changes nothing; nothing here throws into the page;
// - events go only to the connections that subscribed, and the page is watched only while one has.
(function () {
  'use strict';
  var TYPE = 'mnist-lens', VERSION = 1;
  var MAX_ARGS = 8;          // the most any lens method takes is 3
  var MAX_TOKEN_CHARS = 64;  // a channel, call id, method or event name
  var MAX_CHANNELS = 16;     // connections a host may hold open at once
  var TRAINING_MS = 250;     // 'training' events: at most 4 a second
  var EVENTS = ['prediction', 'view', 'training'];

  // channel -> {source, origin, events: {name: true}}
  var channels = Object.create(null);

  function isToken(v) { return typeof v === 'string' && v.length > 0 && v.length <= MAX_TOKEN_CHARS; }
  function isCallId(v) { return isToken(v) || (typeof v === 'number' && Number.isSafeInteger(v)); }
  function described(v) {
    if (v === null || v === undefined) return String(v);
    if (Array.isArray(v)) return 'an array of ' + v.length + ' values';
    if (typeof v === 'string') return 'a string of ' + v.length + ' characters';
    return typeof v === 'object' ? 'an object' : typeof v === 'number' ? 'the number ' + v : 'a ' + typeof v;
  }

  function send(target, origin, message) {
    message.type = TYPE;
    message.version = VERSION;
    try { target.postMessage(message, origin); } catch (e) {
      // A result that cannot be cloned: say so instead (the call id is still waiting for it).
      if (message.kind !== 'result') return;
      try {
        target.postMessage({ type: TYPE, version: VERSION, channel: message.channel, kind: 'error', id: message.id,
                             message: 'lens.' + message.method + ': the result cannot be sent to the host page (' + (e && e.message || e) + ')' }, origin);
      } catch (ignored) { /* the host window went away */ }
    }
  }

  // The lens methods a host may call: own function properties, none private, not ready.
  function callable(name) {
    var api = window.lens;
    return !!api && isToken(name) && name.charAt(0) !== '_' && name !== 'ready' &&
      Object.prototype.hasOwnProperty.call(api, name) && typeof api[name] === 'function';
  }
  function methods() {
    return window.lens ? Object.keys(window.lens).filter(callable).sort() : [];
  }

  window.addEventListener('message', function (ev) {
    try { receive(ev); } catch (e) { console.warn('MNIST Lens embed bridge: ' + (e && e.message || e)); }
  });

  function receive(ev) {
    var d = ev.data;
    if (window.parent === window || ev.source !== window.parent) return;  // only the embedding page
    if (!d || typeof d !== 'object' || d.type !== TYPE) return;           // another protocol
    if (ev.origin === 'null') return;  // an opaque origin cannot be named as a target: no reply
    var reply = function (m) {
      if (isToken(d.channel)) m.channel = d.channel;
      if (isCallId(d.id)) m.id = d.id;
      send(ev.source, ev.origin, m);
    };
    var refuse = function (text) { reply({ kind: 'error', message: 'lens embed: ' + text }); };
    if (d.version !== VERSION) return refuse('protocol version ' + (typeof d.version === 'number' ? d.version : described(d.version)) + ' is not spoken here (this page speaks version ' + VERSION + ')');
    if (!isToken(d.channel)) return refuse('channel must be a string of 1 to ' + MAX_TOKEN_CHARS + ' characters, got ' + described(d.channel));
    if (d.kind === 'hello') return hello(ev, d, reply, refuse);
    if (d.kind === 'call') return call(ev, d, reply, refuse);
    if (d.kind === 'subscribe' || d.kind === 'unsubscribe') return subscription(ev, d, reply, refuse);
    refuse('unknown kind ' + (typeof d.kind === 'string' ? JSON.stringify(d.kind.slice(0, MAX_TOKEN_CHARS)) : described(d.kind)) +
           ' (known: hello, call, subscribe, unsubscribe)');
  }

  // hello: an answer at once (the page is here), then 'ready' once lens.ready resolves, or
  // 'failed' with the page's own message when it cannot start.
  function hello(ev, d, reply, refuse) {
    if (!window.lens || !window.lens.ready) return reply({ kind: 'failed', message: 'lens: the page\'s API did not load' });
    reply({ kind: 'hello' });
    window.lens.ready.then(function () { reply({ kind: 'ready', methods: methods(), events: EVENTS.slice() }); },
                           function (e) { reply({ kind: 'failed', message: String(e && e.message || e) }); });
  }

  function call(ev, d, reply, refuse) {
    if (!isCallId(d.id)) return refuse('a call needs an id (a string of 1 to ' + MAX_TOKEN_CHARS + ' characters or an integer), got ' + described(d.id));
    if (!callable(d.method)) {
      var name = typeof d.method === 'string' ? JSON.stringify(d.method.slice(0, MAX_TOKEN_CHARS)) : described(d.method);
      return refuse('no method ' + name + ' can be called (callable: ' + methods().join(', ') + ')');
    }
    var args = d.args === undefined ? [] : d.args;
    if (!Array.isArray(args)) return refuse('args must be an array, got ' + described(args));
    if (args.length > MAX_ARGS) return refuse('args holds ' + args.length + ' values; lens methods take at most ' + MAX_ARGS);
    touched();
    var result;
    try { result = window.lens[d.method].apply(window.lens, args); } catch (e) { return reply({ kind: 'error', message: String(e && e.message || e) }); }
    Promise.resolve(result).then(function (value) {
      touched();
      reply({ kind: 'result', method: d.method, value: value });
    }, function (e) {
      reply({ kind: 'error', message: String(e && e.message || e) });
    });
  }

  function subscription(ev, d, reply, refuse) {
    if (EVENTS.indexOf(d.event) < 0)
      return refuse('no event ' + (typeof d.event === 'string' ? JSON.stringify(d.event.slice(0, MAX_TOKEN_CHARS)) : described(d.event)) +
                    ' (events: ' + EVENTS.join(', ') + ')');
    var c = channels[d.channel];
    if (d.kind === 'unsubscribe') {
      if (c && c.source === ev.source) {
        delete c.events[d.event];
        if (!Object.keys(c.events).length) delete channels[d.channel];
      }
      return reply({ kind: 'result', value: true });
    }
    if (!c) {
      if (Object.keys(channels).length >= MAX_CHANNELS) return refuse('at most ' + MAX_CHANNELS + ' connections may listen at once');
      c = channels[d.channel] = { source: ev.source, origin: ev.origin, events: Object.create(null) };
    }
    if (c.source !== ev.source) return refuse('channel ' + JSON.stringify(d.channel) + ' belongs to another window');
    c.events[d.event] = true;
    reply({ kind: 'result', value: true });
    // The current value first, so that a host shows it without waiting for a change.
    var now = current(d.event);
    if (now !== undefined) send(c.source, c.origin, { kind: 'event', channel: d.channel, event: d.event, data: now });
    watch();
  }

  function push(event, data) {
    Object.keys(channels).forEach(function (id) {
      var c = channels[id];
      if (c.events[event]) send(c.source, c.origin, { kind: 'event', channel: id, event: event, data: data });
    });
  }
  function listening(event) {
    return Object.keys(channels).some(function (id) { return channels[id].events[event]; });
  }

  // --- watching the page, only while someone listens ---
  // The page changes only in a frame it draws or in a call into it (lens-api.js wakes it for
  // both): while it sleeps, one look after it fell asleep is enough. state() costs ~65 us.
  var lastPrediction = null, lastView = null, lastTraining = null;
  var lookedWhileAsleep = false, calledSinceLook = false, frameWatch = 0, trainingWatch = 0;
  function touched() { calledSinceLook = true; }

  function ready() {
    try { window.lens.model(); return true; } catch (e) { return false; }  // not ready yet, or stopped
  }
  function blank(input) { for (var i = 0; i < input.length; i++) if (input[i] !== 0) return false; return true; }
  function prediction(s) { return { predicted: s.predicted, probs: s.probs, blank: blank(s.input), ablated: s.ablated }; }
  function sameAnswer(a, b) {
    return a === b || (!!a && !!b && a.predicted === b.predicted && sameValues(a.probs, b.probs));
  }
  function view(s) { return { link: window.lens.link(), model: s.model, tab: s.tab, layer: s.selected.layer, neuron: s.selected.neuron }; }
  function current(event) {
    if (!ready()) return undefined;
    if (event === 'training') return (lastTraining = window.lens.trainingState());
    var s = window.lens.state();
    return event === 'prediction' ? (lastPrediction = { data: prediction(s), input: s.input, model: s.model }).data : (lastView = view(s));
  }
  function sameValues(a, b) {
    if (!a || !b || a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function watch() {
    if (!frameWatch && (listening('prediction') || listening('view'))) frameWatch = requestAnimationFrame(lookAtFrame);
    if (!trainingWatch && listening('training')) trainingWatch = setInterval(lookAtTraining, TRAINING_MS);
  }

  function lookAtFrame() {
    frameWatch = 0;
    var wantPrediction = listening('prediction'), wantView = listening('view');
    if (!wantPrediction && !wantView) return;
    frameWatch = requestAnimationFrame(lookAtFrame);
    var asleep = !!(window.Module && window.Module.lensSleeping && !window.Module.lensTouched);
    if (asleep && lookedWhileAsleep && !calledSinceLook) return;
    lookedWhileAsleep = asleep;
    calledSinceLook = false;
    if (!ready()) return;
    try {
      var s = window.lens.state();
      if (wantPrediction) {
        var p = lastPrediction;
        if (!p || p.model !== s.model || !sameAnswer(p.data, s) || !sameAnswer(p.data.ablated, s.ablated) || !sameValues(p.input, s.input)) {
          lastPrediction = { data: prediction(s), input: s.input, model: s.model };
          push('prediction', lastPrediction.data);
        }
      }
      if (wantView) {
        var v = view(s), w = lastView;
        if (!w || v.link !== w.link || v.model !== w.model || v.tab !== w.tab || v.layer !== w.layer || v.neuron !== w.neuron) {
          lastView = v;
          push('view', v);
        }
      }
    } catch (e) { /* the page stopped: its own notice says why */ }
  }

  // While a training runs (or waits for data), its state at most every TRAINING_MS; once more
  // when its status changes (paused, done, diverged).
  function lookAtTraining() {
    if (!listening('training')) { clearInterval(trainingWatch); trainingWatch = 0; return; }
    if (!ready()) return;
    try {
      var t = window.lens.trainingState(), was = lastTraining;
      var active = t.status === 'running' || t.status === 'waiting for data';
      var moved = !was || was.status !== t.status || was.run !== t.run || (active && (was.samples !== t.samples || was.epoch !== t.epoch));
      if (!moved) return;
      lastTraining = t;
      push('training', t);
    } catch (e) { /* the page stopped */ }
  }
})();
