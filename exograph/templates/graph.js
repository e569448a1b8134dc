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

  /* Draw `data` in `container`; options: legend (an element), onStable (called once the
   * seeded layout has settled and physics is off). Returns the network and its data sets. */
  function draw(container, data, options) {
    options = options || {};
    var labels = {};
    data.nodes.forEach(function (n) { labels[n.id] = n.label; });
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
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    function settle() {
      network.setOptions({ physics: { enabled: false } });
      if (options.onStable) { options.onStable(network); }
    }
    network.once("stabilizationIterationsDone", settle);
    if (data.nodes.length === 0) { settle(); }
    if (options.legend) { legend(options.legend, data.legend); }
    return { network: network, nodes: nodes, edges: edges, labels: labels };
  }

  return { draw: draw, el: el, visible: visible };
})();
