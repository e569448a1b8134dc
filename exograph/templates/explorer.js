/* The explorer of `exograph serve`: search, entity view, path finder, SPARQL box.
 * What is shown lives in the URL's fragment (#view=entity&name=miRNA-21), so every view can be
 * bookmarked and shared. Every string from the server goes into the page as text, never markup. */
(function () {
  "use strict";

  var ENTITY_NS = "https://w3id.org/exograph/entity/";
  var el = ExographGraph.el;
  var byId = function (id) { return document.getElementById(id); };
  var drawn = null; // the vis-network on screen
  var queries = null; // the named SPARQL queries, once loaded

  // ------------------------------------------------------------------ helpers

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
    return node;
  }

  function api(call, params) {
    var url = "/api/" + call + "?" + new URLSearchParams(params || {}).toString();
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var error = new Error(data.error || response.statusText);
          error.suggestions = data.suggestions || [];
          error.status = response.status;
          throw error;
        }
        return data;
      });
    });
  }

  function hashOf(params) {
    var clean = {};
    Object.keys(params).forEach(function (k) {
      if (params[k] !== undefined && params[k] !== null && params[k] !== "") { clean[k] = String(params[k]); }
    });
    return "#" + new URLSearchParams(clean).toString();
  }

  /* relations listed on an entity's page at a time (a hub has tens of thousands) */
  var PAGE = 100;

  function go(params) {
    var hash = hashOf(params);
    if (location.hash === hash) { route(); } else { location.hash = hash; }
  }

  function entityName(id) {
    return id.indexOf(ENTITY_NS) === 0 ? id.slice(ENTITY_NS.length) : id;
  }

  function entityLink(e) {
    var a = el("a", e.label);
    a.href = hashOf({ view: "entity", name: entityName(e.id) });
    a.title = e.type;
    return a;
  }

  function status(message, suggestions, onPick) {
    var box = clear(byId("status"));
    box.className = message ? "shown" : "";
    if (!message) { return; }
    box.appendChild(el("span", message));
    (suggestions || []).forEach(function (label) {
      var b = el("button", label, "link");
      b.type = "button";
      b.addEventListener("click", function () { onPick(label); });
      box.appendChild(document.createTextNode(" "));
      box.appendChild(b);
    });
  }

  function failed(error) {
    status(error.message, error.suggestions, function (label) {
      var p = new URLSearchParams(location.hash.slice(1));
      if (p.get("view") === "entity" || !p.get("view")) { go({ view: "entity", name: label }); }
    });
  }

  // ------------------------------------------------------------------ suggestions as you type

  /* Suggestions under `input` from /api/resolve (or, when nothing matches, the nearest names);
   * `pick(match)` runs on a click, on Enter, or on Enter with nothing highlighted (the text). */
  function suggest(input, list, pick) {
    var seq = 0, timer = null, items = [], active = -1;

    function close() {
      seq++; // an answer still on its way is no longer wanted
      clearTimeout(timer);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      items = []; active = -1;
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
    }

    function show(matches, hint) {
      clear(list);
      items = matches;
      active = -1;
      if (hint) { list.appendChild(el("li", hint, "hint")); }
      matches.forEach(function (m, i) {
        var li = el("li", null, "option");
        li.setAttribute("role", "option");
        li.id = list.id + "-" + i;
        li.appendChild(el("span", m.label, "label"));
        if (m.type) { li.appendChild(el("span", m.type, "type")); }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(m); });
        list.appendChild(li);
      });
      list.hidden = matches.length === 0 && !hint;
      input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
    }

    function choose(m) {
      input.value = m.label;
      close();
      pick(m);
    }

    function lookup() {
      var text = input.value.trim();
      var mine = ++seq;
      if (text.length < 2) { close(); return; }
      api("resolve", { q: text, limit: 8 }).then(function (data) {
        if (mine === seq) { show(data.matches); }
      }, function (error) {
        if (mine !== seq) { return; }
        var near = (error.suggestions || []).map(function (label) { return { label: label, type: "" }; });
        show(near, near.length ? "no exact match; did you mean:" : "no entity matches");
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault(); highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault(); highlight((active - 1 + items.length) % items.length);
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); choose(items[active]);
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    return { close: close };
  }

  // ------------------------------------------------------------------ drawing

  /* The switch showing the generic entities of the drawing in `container` (its sibling). */
  function controlOf(container) {
    return container.parentNode.querySelector(".graph-control");
  }

  function draw(container, legend, data) {
    if (drawn) { drawn.destroy(); drawn = null; }
    document.body.setAttribute("data-graph", "drawing");
    var view = ExographGraph.draw(container, data, {
      legend: legend,
      control: controlOf(container),
      onStable: function () { document.body.setAttribute("data-graph", "stable"); },
      onMoving: function () { document.body.setAttribute("data-graph", "drawing"); }
    });
    drawn = view.network;
    drawn.on("doubleClick", function (event) {
      if (event.nodes.length) { go({ view: "entity", name: entityName(event.nodes[0]) }); }
    });
    window.explorer.graph = view;
  }

  function graphInto(container, legend, params) {
    return api("graph", params).then(function (data) {
      var note = container.parentNode.querySelector(".graph-note");
      if (note) { note.remove(); }
      if (data.total > data.drawn) {  // a hub: the first relations drawn, the rest listed beside
        note = el("p", "Drawing the first " + data.drawn + " of the " + data.total + " relations around it.", "hint graph-note");
        container.parentNode.insertBefore(note, container);
      }
      draw(container, legend, data);
    });
  }

  // ------------------------------------------------------------------ relations and evidence

  function contextText(context) {
    var parts = [];
    Object.keys(context).forEach(function (key) {
      var value = context[key];
      var text;
      if (Array.isArray(value)) {
        text = value.map(function (v) { return v && v.label ? v.label : String(v); }).join(", ");
      } else if (value && typeof value === "object") {
        text = value.label;
      } else if (value === true) {
        text = "yes";
      } else {
        text = String(value);
      }
      parts.push(key.replace(/_/g, " ") + ": " + text);
    });
    return parts.join(" \u00b7 ");
  }

  function evidenceList(edge) {
    var list = el("ul", null, "evidence");
    edge.evidence.forEach(function (ev) {
      var li = el("li");
      var who = ev.first_author ? ev.first_author + " et al, " : "";
      var source = ev.publication ? ", " + ev.publication : "";
      li.appendChild(el("span", "ref. " + ev.refs_printed + " (" + who + ev.section + source + ")", "ref"));
      li.appendChild(el("blockquote", ev.quote, "quote"));
      list.appendChild(li);
    });
    edge.notes.forEach(function (note) { list.appendChild(el("li", "note: " + note, "note")); });
    return list;
  }

  function hedgedMark(edge) {
    return edge.context.hedged ? el("span", "hedged", "hedged-mark") : null;
  }

  /* One relation as a list item: its first line (the parts given, then a hedge mark), its context, its evidence. */
  function relationLi(edge, parts) {
    var li = el("li", null, "relation");
    var line = el("div", null, "line");
    parts.forEach(function (part) { line.appendChild(part); });
    var mark = hedgedMark(edge);
    if (mark) { line.appendChild(document.createTextNode(" ")); line.appendChild(mark); }
    li.appendChild(line);
    var context = contextText(edge.context);
    if (context) { li.appendChild(el("div", context, "context")); }
    li.appendChild(evidenceList(edge));
    return li;
  }

  function relationItem(edge, other) {
    return relationLi(edge, [entityLink(other)]);
  }

  /* A relation the entity takes part in through its context: the whole triple, linked. */
  function contextItem(edge) {
    return relationLi(edge, [entityLink(edge.subject), document.createTextNode(" \u2014" + edge.label + "\u2192 "), entityLink(edge.object)]);
  }

  // ------------------------------------------------------------------ views

  function showView(name) {
    ["home", "entity", "path", "sparql"].forEach(function (v) { byId("view-" + v).hidden = v !== name; });
    document.body.setAttribute("data-view", name);
  }

  /* An entity view with nothing of another entity left on it (while the next one loads, or when none is found). */
  function clearEntity(label, kind) {
    byId("entity-label").textContent = label;
    byId("entity-type").textContent = kind;
    ["entity-id", "entity-synonyms", "entity-xrefs"].forEach(function (id) { byId(id).textContent = "\u2014"; });
    clear(byId("entity-relations"));
    clear(byId("entity-legend"));
    clear(byId("entity-generic")).hidden = true;
    var note = byId("entity-graph").parentNode.querySelector(".graph-note");
    if (note) { note.remove(); }
    if (drawn) { drawn.destroy(); drawn = null; }
    clear(byId("entity-graph"));
  }

  /* The one clear view of a name that is no entity: the message, and the nearest names to go to. */
  function entityNotFound(name, error) {
    clearEntity(name, "not found");
    document.title = "not found \u2014 exograph";
    var box = byId("entity-relations");
    box.appendChild(el("p", error.message, "not-found"));
    if (error.suggestions.length) {
      var list = el("ul", null, "near-names");
      error.suggestions.forEach(function (label) {
        var li = el("li");
        var a = el("a", label);
        a.href = hashOf({ view: "entity", name: label });
        li.appendChild(a);
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    document.body.setAttribute("data-graph", "none");
  }

  function showEntity(name, depth, offset) {
    byId("entity-depth").value = String(depth);
    clearEntity(name, "\u2026");
    return api("entity", { name: name, offset: offset, limit: PAGE }).catch(function (error) {
      if (error.status === 404) { entityNotFound(name, error); return null; }
      throw error;
    }).then(function (data) {
      if (data === null) { return Promise.resolve(); }
      var e = data.entity;
      document.title = e.label + " \u2014 exograph";
      byId("entity-label").textContent = e.label;
      byId("entity-type").textContent = e.type;
      byId("entity-id").textContent = e.id;
      byId("entity-synonyms").textContent = e.synonyms.length ? e.synonyms.join(", ") : "\u2014";
      byId("entity-xrefs").textContent = e.xrefs.length ? e.xrefs.join(", ") : "\u2014";
      byId("entity-paths").onclick = function () { go({ view: "path", source: e.label }); };
      var groups = {}, order = [];
      data.relations.forEach(function (r) {
        var key = (r.forward ? "out " : "in ") + r.label;
        if (!groups[key]) { groups[key] = []; order.push(key); }
        groups[key].push(r);
      });
      order.sort(function (a, b) { return a.slice(a.indexOf(" ") + 1).localeCompare(b.slice(b.indexOf(" ") + 1)) || b.localeCompare(a); });
      var box = clear(byId("entity-relations"));
      var roles = data.through_context || [];
      var paged = offset > 0 || data.total_relations > offset + data.relations.length || data.total_through_context > offset + roles.length;
      if (paged) {  // a hub: its relations a page at a time, in statement order
        var pager = el("p", "Relations " + (offset + 1) + "\u2013" + (offset + Math.max(data.relations.length, roles.length)) + ": " +
          data.total_relations + " relations and " + data.total_through_context + " naming it in their context in all. ", "hint pager");
        if (offset > 0) {
          var back = el("button", "Previous " + PAGE, "previous-page");
          back.type = "button";
          back.onclick = function () { go({ view: "entity", name: name, depth: depth, offset: Math.max(0, offset - PAGE) }); };
          pager.appendChild(back);
        }
        if (data.total_relations > offset + data.relations.length || data.total_through_context > offset + roles.length) {
          var next = el("button", "Next " + PAGE, "next-page");
          next.type = "button";
          next.onclick = function () { go({ view: "entity", name: name, depth: depth, offset: offset + PAGE }); };
          pager.appendChild(next);
        }
        box.appendChild(pager);
      }
      if (!order.length) {
        box.appendChild(el("p", roles.length ? "No relation has this entity as subject or object; it takes part through the context of the relations below."
          : "No relations are curated for this entity."));
      }
      order.forEach(function (key) {
        var rels = groups[key];
        var forward = rels[0].forward;
        var heading = forward ? e.label + " " + rels[0].label + " \u2026" : "\u2026 " + rels[0].label + " " + e.label;
        box.appendChild(el("h3", heading + " (" + rels.length + ")"));
        var list = el("ul", null, "relations");
        rels.forEach(function (r) { list.appendChild(relationItem(r, forward ? r.object : r.subject)); });
        box.appendChild(list);
      });
      // the relations whose context names the entity (as cancer, donor, recipient...), by role
      var byRole = {}, roleOrder = [];
      roles.forEach(function (r) {
        r.roles.forEach(function (role) {
          if (!byRole[role]) { byRole[role] = []; roleOrder.push(role); }
          byRole[role].push(r);
        });
      });
      roleOrder.forEach(function (role) {
        var rels = byRole[role];
        var section = el("div", null, "through-context");
        section.setAttribute("data-role", role);
        section.appendChild(el("h3", "In the context, as " + role.replace(/_/g, " ") + " (" + rels.length + ")"));
        var list = el("ul", null, "relations");
        rels.forEach(function (r) { list.appendChild(contextItem(r)); });
        section.appendChild(list);
        box.appendChild(section);
      });
      if (!order.length && !roles.length) {  // nothing to draw: an empty drawing, not an error
        draw(byId("entity-graph"), byId("entity-legend"), { nodes: [], edges: [], options: {}, legend: [], paths: [] });
        return Promise.resolve();
      }
      return graphInto(byId("entity-graph"), byId("entity-legend"), { name: name, depth: depth });
    });
  }

  function showPaths(p) {
    byId("path-source").value = p.source || "";
    byId("path-target").value = p.target || "";
    byId("path-cancer").value = p.cancer || "";
    byId("path-hops").value = p.max_hops || "4";
    byId("path-through-generic").checked = p.through_generic === "1";
    byId("path-no-hedged").checked = p.no_hedged === "1";
    var box = clear(byId("path-results"));
    clear(byId("path-generic")).hidden = true;
    if (!p.source || !p.target) {
      box.appendChild(el("p", "Give a source and a target: paths that stay within one cancer rank first, then those with fewer hops, then better-supported ones, then paths that follow the relations' direction."));
      return Promise.resolve();
    }
    document.title = p.source + " \u2192 " + p.target + " \u2014 exograph";
    var params = { source: p.source, target: p.target, max_hops: p.max_hops || 4, cancer: p.cancer || "" };
    if (p.through_generic === "1") { params.through_generic = "1"; }
    if (p.no_hedged === "1") { params.no_hedged = "1"; }
    return api("path", params).then(function (data) {
      box.appendChild(el("p", data.paths.length + " path" + (data.paths.length === 1 ? "" : "s") + " from " + data.source.label + " to " + data.target.label + ", best first."));
      var list = el("ol", null, "paths");
      data.paths.forEach(function (path, index) {
        var li = el("li", null, "path");
        var hops = path.edges.length;
        li.appendChild(el("h3", "Path " + (index + 1) + " (" + hops + " hop" + (hops === 1 ? "" : "s") + "): " +
          path.nodes.map(function (n) { return n.label; }).join(" \u2192 ")));
        if (path.cross_cancer) {
          li.className = "path cross-cancer";
          li.appendChild(el("p", "Cross-cancer path: its hops are stated for different cancers (" +
            path.cancers.map(function (c) { return c.label; }).join(", ") + "); no one study shows the whole chain.", "warning"));
        }
        var steps = el("ol", null, "hops");
        path.edges.forEach(function (edge, i) {
          var step = el("li", null, "hop");
          var line = el("div", null, "line");
          line.appendChild(entityLink(path.nodes[i]));
          line.appendChild(document.createTextNode(edge.forward ? " \u2014" + edge.label + "\u2192 " : " \u2190" + edge.label + "\u2014 "));
          line.appendChild(entityLink(path.nodes[i + 1]));
          var mark = hedgedMark(edge);
          if (mark) { line.appendChild(document.createTextNode(" ")); line.appendChild(mark); }
          step.appendChild(line);
          var context = contextText(edge.context);
          if (context) { step.appendChild(el("div", context, "context")); }
          step.appendChild(evidenceList(edge));
          steps.appendChild(step);
        });
        li.appendChild(steps);
        list.appendChild(li);
      });
      box.appendChild(list);
      return graphInto(byId("path-graph"), byId("path-legend"), params);
    });
  }

  function loadQueries() {
    if (queries) { return Promise.resolve(queries); }
    return api("queries").then(function (list) {
      queries = list;
      var select = byId("sparql-examples");
      list.forEach(function (q) {
        var option = el("option", q.title);
        option.value = q.name;
        select.appendChild(option);
      });
      return list;
    });
  }

  function cellOf(term) {
    var td = el("td");
    if (!term) { return td; }
    if (term.type === "uri" && term.value.indexOf(ENTITY_NS) === 0) {
      var a = el("a", "ent:" + term.value.slice(ENTITY_NS.length));
      a.href = hashOf({ view: "entity", name: term.value.slice(ENTITY_NS.length) });
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term.type === "uri") { td.className = "iri"; }
    }
    return td;
  }

  function runSparql(text) {
    var box = clear(byId("sparql-results"));
    box.appendChild(el("p", "Running\u2026", "hint"));
    return fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json, text/turtle;q=0.9" },
      body: new URLSearchParams({ query: text }).toString()
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      return (type.indexOf("json") >= 0 && response.ok ? response.json() : response.text()).then(function (data) {
        clear(box);
        if (!response.ok) { box.appendChild(el("p", String(data).trim(), "error")); return; }
        if (typeof data === "string") { box.appendChild(el("pre", data)); return; }
        if (data.boolean !== undefined) { box.appendChild(el("p", "Answer: " + data.boolean, "answer")); return; }
        var vars = data.head.vars, rows = data.results.bindings;
        box.appendChild(el("p", rows.length + " row" + (rows.length === 1 ? "" : "s"), "count"));
        var table = el("table", null, "results");
        var head = el("tr");
        vars.forEach(function (v) { head.appendChild(el("th", v)); });
        table.appendChild(el("thead")).appendChild(head);
        var body = table.appendChild(el("tbody"));
        rows.forEach(function (row) {
          var tr = el("tr");
          vars.forEach(function (v) { tr.appendChild(cellOf(row[v])); });
          body.appendChild(tr);
        });
        box.appendChild(table);
      });
    });
  }

  function showSparql(p) {
    return loadQueries().then(function (list) {
      var text = p.query;
      byId("sparql-examples").value = "";
      if (p.named) {
        var found = list.filter(function (q) { return q.name === p.named; })[0];
        if (!found) { throw new Error("no prepared question named '" + p.named + "'"); }
        byId("sparql-examples").value = found.name;
        text = found.text;
      }
      if (text) {
        byId("sparql-query").value = text;
        return runSparql(text);
      }
    });
  }

  // ------------------------------------------------------------------ routing

  function route() {
    var p = {};
    new URLSearchParams(location.hash.slice(1)).forEach(function (value, key) { p[key] = value; });
    var view = p.view || "home";
    if (view === "entity" && !p.name) { view = "home"; }
    status("");
    showView(view);
    if (drawn) { drawn.destroy(); drawn = null; }
    document.body.setAttribute("data-graph", "none");
    var done;
    if (view === "entity") {
      done = showEntity(p.name, parseInt(p.depth || "1", 10) || 1, Math.max(0, parseInt(p.offset || "0", 10) || 0));
    } else if (view === "path") {
      done = showPaths(p);
    } else if (view === "sparql") {
      done = showSparql(p);
    } else {
      document.title = "exograph explorer";
      done = Promise.resolve();
    }
    window.explorer.ready = done.catch(failed);
  }

  // ------------------------------------------------------------------ wiring

  window.explorer = { graph: null, ready: null, go: go };

  var search = byId("search");
  var searchBox = suggest(search, byId("search-suggestions"), function (m) {
    search.value = "";
    go({ view: "entity", name: m.id ? entityName(m.id) : m.label });
  });
  search.addEventListener("keydown", function (event) {
    // Enter on a highlighted suggestion picks it (and is handled); otherwise it opens what was typed
    if (event.key === "Enter" && !event.defaultPrevented && search.value.trim()) {
      var text = search.value.trim();
      searchBox.close();
      search.value = "";
      go({ view: "entity", name: text });
    }
  });

  var pathBoxes = ["path-source", "path-target", "path-cancer"].map(function (id) {
    return suggest(byId(id), byId(id + "-suggestions"), function () {});
  });
  byId("path-form").addEventListener("submit", function (event) {
    event.preventDefault();
    pathBoxes.forEach(function (box) { box.close(); });
    go({ view: "path", source: byId("path-source").value.trim(), target: byId("path-target").value.trim(),
         cancer: byId("path-cancer").value.trim(), max_hops: byId("path-hops").value,
         through_generic: byId("path-through-generic").checked ? "1" : "",
         no_hedged: byId("path-no-hedged").checked ? "1" : "" });
  });

  byId("entity-depth").addEventListener("change", function () {
    var p = new URLSearchParams(location.hash.slice(1));
    go({ view: "entity", name: p.get("name"), depth: byId("entity-depth").value });
  });

  byId("sparql-examples").addEventListener("change", function () {
    var name = byId("sparql-examples").value;
    if (name) { go({ view: "sparql", named: name }); }
  });
  byId("sparql-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = byId("sparql-query").value;
    var chosen = byId("sparql-examples").value;
    var named = chosen && queries && queries.filter(function (q) { return q.name === chosen && q.text === text; }).length;
    go(named ? { view: "sparql", named: chosen } : { view: "sparql", query: text });
  });

  window.addEventListener("hashchange", route);
  route();
})();
