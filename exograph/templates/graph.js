/* Draws an exograph graph (the data of exograph.viz.graph_data) with vis-network.
 * Shared by the offline page of `exograph viz` (inlined) and the explorer of `exograph serve`.
 * Every string from the data goes into the page as text (textContent), never as markup. */
var ExographGraph = (function () {
  "use strict";

  /* Text from the data as it reads: control characters and bidi overrides (U+202E turns
   * "abc" into "cba" for the reader) written as \uNNNN, so no label can disguise another. */
  var UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  function visible(text) {
    return String(text).replace(UNSAFE, function (c) { return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4); });
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = visible(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function nodeTip(n) {
    var tip = el("div", null, "tip");
    tip.appendChild(el("b", n.label));
    tip.appendChild(el("div", "type: " + n.exo_type));
    if (n.exo_synonyms.length) { tip.appendChild(el("div", "synonyms: " + n.exo_synonyms.join(", "))); }
    if (n.exo_xrefs.length) { tip.appendChild(el("div", "cross-references: " + n.exo_xrefs.join(", "))); }
    tip.appendChild(el("div", n.id));
    return tip;
  }

  function edgeTip(e, labels) {
    var tip = el("div", null, "tip");
    if (e.exo_kind === "context") {  // a context link: the focus named in the context of these relations
      tip.appendChild(el("b", labels[e.from] + " as " + e.exo_role + " of"));
      e.exo_relations.forEach(function (line) { tip.appendChild(el("div", line)); });
      return tip;
    }
    tip.appendChild(el("b", labels[e.from] + " \u2014" + e.label + "\u2192 " + labels[e.to]));
    if (e.exo_hedged) { tip.appendChild(el("div", "hedged: the text states it with reservation (may, might, could)", "hedged")); }
    e.exo_context.forEach(function (pair) { tip.appendChild(el("div", pair[0] + ": " + pair[1])); });
    e.exo_evidence.forEach(function (ev) {
      var who = ev.author ? ev.author + " et al, " : "";
      tip.appendChild(el("div", "ref. " + ev.refs + " (" + who + ev.section + ")"));
      tip.appendChild(el("q", ev.quote));
    });
    e.exo_notes.forEach(function (note) { tip.appendChild(el("div", "note: " + note)); });
    return tip;
  }

  function legend(container, items) {
    while (container.firstChild) { container.removeChild(container.firstChild); }
    items.forEach(function (item) {
      var row = el("div", null, "legend-item");
      var swatch = el("span", null, "swatch");
      swatch.style.background = item.color;
      row.appendChild(swatch);
      row.appendChild(el("span", item.type + " (" + item.shape + ")"));
      container.appendChild(row);
    });
  }

  /* vis-network's physics keeps nodes apart, not their labels. Once a drawing of at most SPREAD
   * nodes has settled, a node whose label box overlaps another node's box (node and label) is
   * moved out of the way, along the axis where they overlap less: of each pair the one with fewer
   * relations moves, for a few passes (the same moves on every run). */
  var SPREAD = 150, GAP = 4, PASSES = 8;
  function spread(network, ids, weight) {
    if (ids.length > SPREAD || ids.length < 2) { return false; }
    var at = network.getPositions(ids);
    var boxes = ids.map(function (id) {
      var b = network.getBoundingBox(id);
      return { id: id, l: b.left - GAP, r: b.right + GAP, t: b.top - GAP, b: b.bottom + GAP, w: weight(id), dx: 0, dy: 0 };
    });
    var moved = false;
    for (var pass = 0; pass < PASSES; pass++) {
      var overlaps = 0;
      for (var i = 0; i < boxes.length; i++) {
        for (var j = i + 1; j < boxes.length; j++) {
          var p = boxes[i], q = boxes[j];
          var x = Math.min(p.r, q.r) - Math.max(p.l, q.l), y = Math.min(p.b, q.b) - Math.max(p.t, q.t);
          if (x <= 0 || y <= 0) { continue; }
          overlaps++;
          var mover = p.w < q.w ? p : q, other = mover === p ? q : p;
          var sx = 0, sy = 0;
          if (x < y) { sx = mover.l + mover.r < other.l + other.r ? -x : x; } else { sy = mover.t + mover.b < other.t + other.b ? -y : y; }
          mover.l += sx; mover.r += sx; mover.t += sy; mover.b += sy; mover.dx += sx; mover.dy += sy;
        }
      }
      if (!overlaps) { break; }
      moved = true;
    }
    boxes.forEach(function (box) { if (box.dx || box.dy) { network.moveNode(box.id, at[box.id].x + box.dx, at[box.id].y + box.dy); } });
    return moved;
  }

  /* Whether the page hides a node until generic entities are shown: a generic entity, or one
   * joined to the drawing only through them; never the focus or an entity on a highlighted path. */
  function hideable(n) {
    return (n.exo_generic || n.exo_behind_generic) && !n.exo_focus && !n.exo_on_path;
  }

  /* Draw `data` in `container`; options: legend (an element), control (an element that gets the
   * switch showing the generic entities), onStable (called each time the seeded layout has
   * settled and physics is off), onMoving (called when it moves again: generic entities shown).
   * Returns the network, every node and edge (`nodes`, `edges`: vis DataSets), those drawn
   * (`shown`: DataViews), and `setGeneric(show, then)`. */
  function draw(container, data, options) {
    options = options || {};
    var labels = {}, hideables = {}, near = {};
    data.nodes.forEach(function (n) {
      labels[n.id] = n.label;
      if (hideable(n)) { hideables[n.id] = true; }
      near[n.id] = [];
    });
    data.edges.forEach(function (e) {
      if (near[e.from] && near[e.to]) { near[e.from].push(e.to); near[e.to].push(e.from); }
    });
    var state = { generic: !!data.show_generic, moving: true, then: [] };
    var nodes = new vis.DataSet(data.nodes.map(function (n) {
      var copy = Object.assign({}, n);
      copy.title = nodeTip(n);
      copy.label = visible(n.label);  // drawn on the canvas: no override may reorder it
      return copy;
    }));
    var edges = new vis.DataSet(data.edges.map(function (e) {
      var copy = Object.assign({}, e);
      copy.title = edgeTip(e, labels);
      if (e.label) { copy.label = visible(e.label); }
      return copy;
    }));
    var shown = {
      nodes: new vis.DataView(nodes, { filter: function (n) { return state.generic || !hideables[n.id]; } }),
      edges: new vis.DataView(edges, { filter: function (e) { return state.generic || !(hideables[e.from] || hideables[e.to]); } })
    };
    var network = new vis.Network(container, { nodes: shown.nodes, edges: shown.edges }, data.options);
    /* Physics off, then (once drawn: the label boxes are measured while drawing) labels spread. */
    function settle() {
      network.setOptions({ physics: { enabled: false } });
      if (shown.nodes.length === 0) { ready(); return; }
      network.once("afterDrawing", function () {
        if (spread(network, shown.nodes.getIds(), function (id) { return nodes.get(id).value || 0; })) { network.fit({ animation: false }); }
        ready();
      });
      network.redraw();
    }
    function ready() {
      state.moving = false;
      var waiting = state.then;
      state.then = [];
      if (options.onStable) { options.onStable(network); }
      waiting.forEach(function (f) { f(); });
    }
    network.once("stabilizationIterationsDone", settle);
    if (shown.nodes.length === 0) { settle(); }

    /* Put each node about to be shown beside those it is joined to (generic entities first, at
     * the middle of their drawn neighbours; then the entities joined only to them, around them),
     * so showing them extends the drawing instead of starting it again. */
    function placeHidden() {
      var at = network.getPositions();
      var ids = Object.keys(hideables).sort(function (a, b) { return near[b].length - near[a].length || (a < b ? -1 : 1); });
      [true, false].forEach(function (generics) {
        var updates = [];
        ids.forEach(function (id, i) {
          var n = nodes.get(id);
          if (at[id] || !!n.exo_generic !== generics) { return; }
          var x = 0, y = 0, k = 0;
          near[id].forEach(function (other) { if (at[other]) { x += at[other].x; y += at[other].y; k++; } });
          var angle = i * 2.399963;  // the golden angle: neighbours spread around, the same on every run
          var r = generics ? 0 : 60 + 8 * (i % 5);
          var p = k ? { x: x / k + r * Math.cos(angle), y: y / k + r * Math.sin(angle) } : { x: 300 * Math.cos(angle), y: 300 * Math.sin(angle) };
          at[id] = p;
          updates.push({ id: id, x: p.x, y: p.y });
        });
        nodes.update(updates);
      });
    }

    /* Show (or hide again) the generic entities and those joined only through them; `then` runs
     * once the drawing has settled again. */
    function setGeneric(show, then) {
      show = !!show;
      if (show === state.generic) {
        if (then && state.moving) { state.then.push(then); } else if (then) { then(); }
        return;
      }
      if (then) { state.then.push(then); }
      if (show) { placeHidden(); }
      state.generic = show;
      if (view.syncControl) { view.syncControl(); }
      shown.nodes.refresh();
      shown.edges.refresh();
      state.moving = true;
      if (options.onMoving) { options.onMoving(network); }
      var sized = (data.options_for || {})[show ? "shown" : "hidden"];  // the layout and label sizes for this many nodes
      if (sized) { network.setOptions({ physics: sized.physics, nodes: sized.nodes, edges: sized.edges, interaction: sized.interaction }); }
      network.setOptions({ physics: { enabled: true } });
      network.once("stabilizationIterationsDone", settle);
      network.stabilize(show ? 150 : 60);
    }

    var view = {
      network: network, nodes: nodes, edges: edges, shown: shown, labels: labels, setGeneric: setGeneric,
      isHidden: function (id) { return !state.generic && !!hideables[id]; },
      showingGeneric: function () { return state.generic; }
    };
    if (options.legend) { legend(options.legend, data.legend); }
    if (options.control) { genericControl(options.control, view, data); }
    return view;
  }

  /* The switch showing the generic entities, and what it hides: "12 generic entities (exosome,
   * tumour cell, microRNA and 9 more) hidden, with the 53 entities joined only through them". */
  function genericControl(container, view, data) {
    while (container.firstChild) { container.removeChild(container.firstChild); }
    var generic = [], behind = 0, degree = {};
    data.edges.forEach(function (e) { degree[e.from] = (degree[e.from] || 0) + 1; degree[e.to] = (degree[e.to] || 0) + 1; });
    data.nodes.forEach(function (n) {
      if (!hideable(n)) { return; }
      if (n.exo_generic) { generic.push(n); } else { behind++; }
    });
    container.hidden = generic.length + behind === 0;
    if (container.hidden) { return; }
    generic.sort(function (a, b) { return (degree[b.id] || 0) - (degree[a.id] || 0) || (a.label < b.label ? -1 : 1); });
    var names = generic.slice(0, 3).map(function (n) { return n.label; }).join(", ") + (generic.length > 3 ? " and " + (generic.length - 3) + " more" : "");
    var label = el("label", null, "generic-switch");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.className = "show-generic";
    box.checked = view.showingGeneric();
    label.appendChild(box);
    label.appendChild(document.createTextNode(" show generic entities"));
    label.title = "Generic entities (exosome, tumour cell, microRNA...) join unrelated studies; paths do not walk through them either";
    var note = el("span", null, "generic-note");
    function describe() {
      var what = generic.length + " generic entit" + (generic.length === 1 ? "y" : "ies") + (names ? " (" + names + ")" : "");
      var also = behind ? ", with the " + behind + " entit" + (behind === 1 ? "y" : "ies") + " joined only through them" : "";
      note.textContent = visible(box.checked ? what + also + " shown" : what + also + " hidden");
    }
    box.addEventListener("change", function () { view.setGeneric(box.checked); describe(); });
    describe();
    container.appendChild(label);
    container.appendChild(document.createTextNode(" "));
    container.appendChild(note);
    view.syncControl = function () { box.checked = view.showingGeneric(); describe(); };
  }

  return { draw: draw, el: el, visible: visible };
})();
