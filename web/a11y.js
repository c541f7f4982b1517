// The accessible mirror (docs/accessibility.md). The page is one canvas drawn by Dear ImGui,
// which a screen reader cannot read and the Tab key cannot walk. After every frame that changed
// what the panels declared (src/app/core/a11y.h: role, name, state, rectangle), main.cpp hands
// the list here, and this keeps a <main> of real elements in step with it: buttons, tabs in a
// tablist, switches, range inputs, headings, paragraphs and a polite live status. Controls sit,
// transparent, over the rectangle their item is drawn at, so the focus outline shows where the
// control is; they let the pointer through (pointer-events: none), so the mouse, pen and fingers
// reach the canvas as before. Text is visually hidden. DOM order is the order the panels drew,
// which is the reading order and the Tab order.
// Acting: a control's click (Enter, Space, a screen reader's action) presses its ImGui item at
// the rectangle's centre over the next frames; a range input's new value goes to its slider.
(function () {
  'use strict';
  var Module = window.Module = window.Module || {};
  var root = null;        // the <main>
  var shown = {};         // id -> {el, key}: the element of each node and the node it shows
  var order = '';         // the ids in DOM order
  var groups = {};        // the tablist and listbox containers, by role and name
  var opener = null;      // the id of the list button last pressed: focus goes back there when its list closes

  function page() { return Module.lensPage; }
  function press(id) { var p = page(); if (p) p.a11yPress(id); }

  // The keys a focused control acts on stay with it: SDL, listening on the window, would take
  // them as the app's own keys (the arrows step neurons) or cancel their default (the arrows).
  function keepKeys(el, keys) {
    ['keydown', 'keyup', 'keypress'].forEach(function (type) {
      el.addEventListener(type, function (e) { if (keys.indexOf(e.key) >= 0) e.stopPropagation(); });
    });
  }
  var PRESS_KEYS = ['Enter', ' '];
  var SLIDER_KEYS = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'];

  // The arrow keys within a group of controls, as ARIA's tabs, listbox and grid patterns have
  // them: in a tablist or a listbox the previous and next one (Home, End: the first and last);
  // in a grid of cards the nearest one that way.
  var ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  function neighbour(el, key) {
    var list = el.parentElement && /^(tablist|listbox)$/.test(el.parentElement.getAttribute('role') || '') ? el.parentElement : null;
    if (list) {
      var kids = Array.prototype.slice.call(list.children), i = kids.indexOf(el);
      if (key === 'Home') return kids[0];
      if (key === 'End') return kids[kids.length - 1];
      var d = ARROWS[key];
      return d ? kids[Math.max(0, Math.min(kids.length - 1, i + d[0] + d[1]))] : null;
    }
    var grid = el.dataset.grid, d2 = ARROWS[key];
    if (!grid || !d2) return null;
    var from = el.getBoundingClientRect(), best = null, bestScore = Infinity;
    root.querySelectorAll('[data-grid]').forEach(function (o) {
      if (o === el || o.dataset.grid !== grid) return;
      var r = o.getBoundingClientRect(), dx = r.left - from.left, dy = r.top - from.top;
      var along = dx * d2[0] + dy * d2[1], across = Math.abs(dx * d2[1]) + Math.abs(dy * d2[0]);
      if (along <= 1) return;
      var score = along + 4 * across;  // straight on first
      if (score < bestScore) { bestScore = score; best = o; }
    });
    return best;
  }
  function arrowKeys(el) {
    el.addEventListener('keydown', function (e) {
      var to = neighbour(el, e.key);
      if (!to && !(e.key in ARROWS && (el.dataset.grid || el.getAttribute('role') === 'tab' || el.getAttribute('role') === 'option'))) return;
      e.preventDefault();
      e.stopPropagation();
      if (to && to !== el) to.focus();
    });
  }

  function control(tag, id) {
    var el = document.createElement(tag);
    el.className = 'a11y-box';
    el.dataset.id = id;
    // Focused while scrolled out of its panel's view (Tab reached it): the app scrolls it in.
    el.addEventListener('focus', function () { var p = page(); if (p && el.dataset.offscreen) p.a11yReveal(id); });
    arrowKeys(el);
    return el;
  }

  function make(n) {
    var el;
    switch (n.role) {
      case 'button': case 'tab': case 'combobox':
        el = control('button', n.id);
        el.type = 'button';
        if (n.role === 'tab') el.setAttribute('role', 'tab');
        if (n.role === 'combobox') el.setAttribute('aria-haspopup', 'listbox');
        el.addEventListener('click', function () { opener = n.role === 'combobox' ? n.id : null; press(n.id); });
        keepKeys(el, PRESS_KEYS);
        return el;
      case 'option':  // a div: an <option> lives only in a <select>
        el = control('div', n.id);
        el.setAttribute('role', 'option');
        el.tabIndex = 0;
        el.addEventListener('click', function () { press(n.id); });
        el.addEventListener('keydown', function (e) {
          if (PRESS_KEYS.indexOf(e.key) < 0) return;
          e.preventDefault();  // Space would scroll
          press(n.id);
        });
        keepKeys(el, PRESS_KEYS);
        return el;
      case 'switch':
        el = control('input', n.id);
        el.type = 'checkbox';
        el.setAttribute('role', 'switch');
        // The app decides: the box shows the state the next frame reports, not its own toggle.
        el.addEventListener('click', function (e) { e.preventDefault(); press(n.id); });
        keepKeys(el, PRESS_KEYS);
        return el;
      case 'slider':
        el = control('input', n.id);
        el.type = 'range';
        el.addEventListener('input', function () { var p = page(); if (p) p.a11ySet(n.id, Number(el.value)); });
        keepKeys(el, SLIDER_KEYS);
        return el;
      case 'number':  // typed whole: the app takes the value when the field is left or Enter is pressed
        el = control('input', n.id);
        el.type = 'number';
        el.addEventListener('change', function () { var p = page(); if (p && el.value !== '') p.a11ySet(n.id, Number(el.value)); });
        // Every key but Tab and Esc stays with the field: digits would be the app's shortcuts.
        ['keydown', 'keyup', 'keypress'].forEach(function (type) {
          el.addEventListener(type, function (e) { if (e.key !== 'Tab' && e.key !== 'Escape') e.stopPropagation(); });
        });
        return el;
      case 'heading':
        el = document.createElement('h' + Math.min(6, Math.max(2, n.level || 2)));
        break;
      case 'image':
        el = control('div', n.id);
        el.setAttribute('role', 'img');
        return el;
      case 'status':
        el = document.createElement('div');
        el.setAttribute('role', 'status');
        el.setAttribute('aria-live', 'polite');
        break;
      default:
        el = document.createElement('p');
    }
    el.className = 'a11y-text';
    return el;
  }

  // Shows node n in its element: where it is drawn, its name and its state.
  function apply(el, n) {
    if (el.classList.contains('a11y-box')) {
      if (n.offscreen) el.dataset.offscreen = '1'; else delete el.dataset.offscreen;
      if (n.grid) el.dataset.grid = n.grid; else delete el.dataset.grid;
      var s = el.style, r = n.rect;
      s.left = r[0] + 'px'; s.top = r[1] + 'px'; s.width = r[2] + 'px'; s.height = r[3] + 'px';
    }
    switch (n.role) {
      case 'button':
        el.setAttribute('aria-label', n.name);
        if (n.state === undefined) el.removeAttribute('aria-pressed'); else el.setAttribute('aria-pressed', String(n.state));
        break;
      case 'tab': case 'option':
        el.setAttribute('aria-label', n.name);
        el.setAttribute('aria-selected', String(!!n.state));
        break;
      case 'combobox':
        el.setAttribute('aria-label', n.name + ': ' + n.value);
        el.setAttribute('aria-expanded', String(!!n.state));
        break;
      case 'switch':
        el.setAttribute('aria-label', n.name);
        el.checked = !!n.state;
        break;
      case 'slider':
        el.setAttribute('aria-label', n.name);
        el.min = String(n.min); el.max = String(n.max); el.step = String(n.step);
        el.value = String(n.now);
        el.setAttribute('aria-valuetext', n.value || String(n.now));
        break;
      case 'number':
        el.setAttribute('aria-label', n.name);
        el.min = String(n.min); el.max = String(n.max); el.step = String(n.step);
        if (document.activeElement !== el) el.value = String(n.now);  // not under the reader's typing
        break;
      case 'image':
        el.setAttribute('aria-label', n.name);
        break;
      case 'status':  // announced when the sentence changed (the app sends nothing mid-stroke)
        if (el.textContent === n.value) break;
        // A region that arrives with its text is not read out: a new one is filled a moment later.
        el.dataset.say = n.value;
        if (el.isConnected) el.textContent = n.value;
        else setTimeout(function () { el.textContent = el.dataset.say; }, 100);
        break;
      default:
        el.textContent = n.name;
    }
  }

  function ensureRoot() {
    if (root) return;
    root = document.createElement('main');
    root.id = 'a11y';
    root.tabIndex = -1;  // where focus goes when the control that had it is gone
    var title = document.createElement('h1');
    title.className = 'a11y-text';
    title.textContent = 'MNIST Lens';
    root.appendChild(title);
    document.body.appendChild(root);
  }

  // Puts kids into parent in this order, moving only what is out of place (moving a focused
  // element would blur it).
  function place(parent, kids, first) {
    for (var k = 0; k < kids.length; k++) {
      var at = parent.children[first + k];
      if (at !== kids[k]) parent.insertBefore(kids[k], at || null);
    }
    while (parent.children.length > first + kids.length) parent.removeChild(parent.lastChild);
  }

  // A run of tabs goes into a tablist, a run of options into a listbox named after its button;
  // the same container each time (a list opening before the tabs does not move them).
  function group(role, label, used) {
    var key = role + ':' + label, g = groups[key];
    if (!g) {
      g = groups[key] = document.createElement('div');
      g.setAttribute('role', role);
      g.setAttribute('aria-label', label);
    }
    used[key] = g;
    return g;
  }

  function arrange(nodes) {
    var had = document.activeElement, top = [], used = {};
    for (var i = 0; i < nodes.length;) {
      var role = nodes[i].role;
      if (role !== 'tab' && role !== 'option') { top.push(shown[nodes[i++].id].el); continue; }
      var before = i > 0 ? nodes[i - 1] : null;
      var g = group(role === 'tab' ? 'tablist' : 'listbox', role === 'tab' ? 'Tabs' : before && before.role === 'combobox' ? before.name : 'Choices', used);
      var kids = [];
      while (i < nodes.length && nodes[i].role === role) kids.push(shown[nodes[i++].id].el);
      place(g, kids, 0);
      top.push(g);
    }
    groups = used;
    place(root, top, 1);  // after the <h1>
    if (had && had !== document.body && had.isConnected && document.activeElement !== had) had.focus({ preventScroll: true });
  }

  // After a frame: the nodes it declared. Only elements whose node changed are touched.
  function update(nodes) {
    ensureRoot();
    var live = {}, ids = [];
    nodes.forEach(function (n) {
      var key = JSON.stringify(n), s = shown[n.id];
      if (!s) s = shown[n.id] = { el: make(n), key: '' };
      if (s.key !== key) { apply(s.el, n); s.key = key; }
      live[n.id] = true;
      ids.push(n.id);
    });
    var lost = false;
    Object.keys(shown).forEach(function (id) {
      if (live[id]) return;
      if (shown[id].el === document.activeElement) lost = true;
      shown[id].el.remove();
      delete shown[id];
    });
    var joined = ids.join('\n');
    if (joined !== order) { order = joined; arrange(nodes); }
    // The focused control went (a list closed, a card opened the Neuron tab): to the list's
    // button if it is still there, else to the current tab, so that the next Tab goes into the
    // tab's content (the tabs come just before it), else to the start of the mirror.
    if (lost) {
      var back = opener && shown[opener];
      var tab = root.querySelector('[role=tab][aria-selected=true]');
      (back ? back.el : tab || root).focus({ preventScroll: true });
    }
  }

  Module.lensA11y = function (json) { update(JSON.parse(json)); };

  // Tab moves focus between the mirror's controls: SDL would cancel it (it takes Tab for the app).
  ['keydown', 'keyup'].forEach(function (type) {
    document.addEventListener(type, function (e) { if (e.key === 'Tab') e.stopPropagation(); });
  });
})();
