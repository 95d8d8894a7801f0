/* wijknet: the wijk map, drawn by the locally served vis-network.
 *
 * Positions come from the server (seeded layout), physics stays off, so the whole map
 * appears at once. Names and other user-supplied strings reach the page only through
 * textContent and the canvas: tooltips are DOM elements built here, never HTML strings.
 *
 * vis-network draws the nodes and the links; this script draws the rest on the same canvas:
 * the groups' faint discs and the "los van het netwerk" area behind the nodes, and on top
 * the suggested introductions, the weak spots, the highlight rings and the labels. Labels
 * follow the server's rule (visual/labels.py): by importance, each label takes the first
 * free spot below, above, right or left of its node, or is not shown. */
(function () {
  "use strict";
  var container = document.getElementById("kaart");
  if (!container || !window.vis) return;
  var el = window.wijknetEl;
  var statusLine = document.getElementById("kaart-status");
  var announcer = document.getElementById("kaart-melding");
  var svgNS = "http://www.w3.org/2000/svg";

  var VIEW = { width: 940, height: 610, min_px: 10, max_px: 16 };
  var CHAR_WIDTH = 0.6, LINE_HEIGHT = 1.2, WRAP_AT = 18, GAP = 0.15, SIDE_GAP = 0.3;
  var INK = "#1b1f23", VERMILLION = "#D55E00", SUGGESTION = "#B0126B";
  var FONT_FACE = "px system-ui, sans-serif";
  var FIT_PAD = 18;
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 60rem)") : { matches: false };

  var state = {
    data: null, network: null, nodes: null, edges: null, nodeView: null, edgeView: null,
    filters: { thema: "", domein: "", soort: "", kernaanpak: "" },
    focus: null, showSuggestions: true, measure: 0, neighbours: {}, labels: {}, visible: {},
    selected: null, searched: null, suggestion: null, weak: false, weakSets: null,
    labelLayout: { items: [], server: false }, introducers: {}
  };
  window.wijknetMap = state;

  function optionLabels(selectId) {
    var out = {};
    var select = document.getElementById(selectId);
    if (select) Array.prototype.forEach.call(select.options, function (o) { out[o.value] = o.textContent; });
    return out;
  }
  state.labels = {
    thema: optionLabels("filter-thema"), domein: optionLabels("filter-domein"),
    soort: optionLabels("filter-soort"), kernaanpak: optionLabels("filter-kernaanpak")
  };

  function setStatus(text) {
    if (!statusLine) return;
    statusLine.textContent = text;
  }

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    announcer.textContent = text;
  }

  function tooltip(node) {
    var box = el("div", null, "tip");
    box.appendChild(el("strong", node.label));
    box.appendChild(el("div", [state.labels.soort[node.kind] || node.kind,
      state.labels.domein[node.domain] || node.domain].join(" · ")));
    if (node.role) box.appendChild(el("div", node.role));
    if (node.kind === "groep" && node.sample) box.appendChild(el("div", node.sample.join(", ")));
    return box;
  }

  function edgeTooltip(edge) {
    if (edge.suggestion) {
      var box = el("div", null, "tip");
      box.appendChild(el("strong", "Voorgestelde kennismaking"));
      if (edge.reason) box.appendChild(el("div", edge.reason));
      box.appendChild(el("div", "Klik op de lijn voor meer.", "muted"));
      return box;
    }
    return undefined;
  }

  /* The on-screen label sizes; a quarter larger in presentation mode (a projector). */
  function view() {
    var v = Object.assign({}, VIEW, (state.data && state.data.view) || {});
    if (document.body.classList.contains("present")) { v.min_px *= 1.25; v.max_px *= 1.25; }
    return v;
  }
  function hasServerLabels() { return !!(state.data && state.data.nodes.length && "label_shown" in state.data.nodes[0]); }

  /* ---- sizes ---- */

  function computeSizes() {
    var maxima = [], minBase = Infinity, maxBase = 0;
    var server = hasServerLabels();
    state.data.nodes.forEach(function (n) {
      (n.m || []).forEach(function (v, i) { maxima[i] = Math.max(maxima[i] || 0, v); });
      if (typeof n.size === "number") { minBase = Math.min(minBase, n.size); maxBase = Math.max(maxBase, n.size); }
    });
    return state.data.nodes.map(function (n) {
      if (n.kind === "groep") return { id: n.id, size: n.size };
      if (server && state.measure === 0) return { id: n.id, size: n.size };
      var v = (n.m || [])[state.measure] || 0, max = maxima[state.measure] || 0;
      var share = max > 0 ? Math.sqrt(v / max) : 0;
      if (server && maxBase > minBase) return { id: n.id, size: minBase + (maxBase - minBase) * share };
      return { id: n.id, size: 9 + 23 * share };
    });
  }

  /* ---- filters and visibility ---- */

  function matches(node) {
    var f = state.filters;
    if (state.focus && !state.focus[node.id]) return false;
    if (f.domein && node.domain !== f.domein) return false;
    if (f.soort && node.kind !== f.soort) return false;
    if (f.thema && (node.themes || []).indexOf(f.thema) < 0) return false;
    if (f.kernaanpak && (node.kernaanpakken || []).indexOf(f.kernaanpak) < 0) return false;
    return true;
  }

  function filtered() {
    var f = state.filters;
    return !!(state.focus || f.thema || f.domein || f.soort || f.kernaanpak);
  }

  /* Which nodes pass the filters, worked out once per change (the views only look it up). */
  function computeVisible() {
    state.visible = {};
    state.data.nodes.forEach(function (n) { if (matches(n)) state.visible[n.id] = true; });
  }

  function nodeVisible(node) { return !!state.visible[node.id]; }

  function edgeVisible(edge) {
    if (edge.suggestion && !state.showSuggestions) return false;
    return !!(state.visible[edge.from] && state.visible[edge.to]);
  }

  function visibleIds() { return state.data.nodes.filter(function (n) { return state.visible[n.id]; }).map(function (n) { return n.id; }); }

  function report() {
    var shownNodes = state.nodeView.length, shownEdges = 0, shownSuggestions = 0;
    state.edgeView.forEach(function (e) { if (e.suggestion) shownSuggestions += 1; else shownEdges += 1; });
    var what = state.data.mode === "groups" ? "groepen" : "actoren";
    setStatus("Getoond: " + shownNodes + " van " + state.data.nodes.length + " " + what + ", " +
      shownEdges + " verbindingen" + (state.showSuggestions ? ", " + shownSuggestions + " voorgestelde kennismakingen" : "") + ".");
  }

  function refresh() {
    computeVisible();
    state.nodeView.refresh();
    state.edgeView.refresh();
    report();
    scheduleLabels();
  }

  function indexNeighbours(data) {
    var nb = {};
    data.edges.forEach(function (e) {
      if (e.from === e.to) return;
      var a = (nb[e.from] = nb[e.from] || []), b = (nb[e.to] = nb[e.to] || []);
      if (a.indexOf(e.to) < 0) a.push(e.to);
      if (b.indexOf(e.from) < 0) b.push(e.from);
    });
    return nb;
  }

  function ego(id, steps) {
    var seen = {}, frontier = [id];
    seen[id] = true;
    for (var s = 0; s < steps; s++) {
      var next = [];
      frontier.forEach(function (n) {
        (state.neighbours[n] || []).forEach(function (m) { if (!seen[m]) { seen[m] = true; next.push(m); } });
      });
      frontier = next;
    }
    return seen;
  }

  /* Node positions: the server's own (vis-network rounds them to whole units, which would move
   * labels off the server's places), or where the user dragged them. */
  function positionsOf(ids) {
    if (state.moved) return state.network.getPositions(ids);
    var out = {};
    ids.forEach(function (id) { var n = state.nodes.get(id); if (n) out[id] = { x: n.x, y: n.y }; });
    return out;
  }

  /* ---- labels: the server's rule (visual/labels.py), in the browser ---- */

  function chars(text) { return Array.from(text); }

  function wrapName(name) {
    name = String(name || "").split(/\s+/).filter(Boolean).join(" ");
    var cs = chars(name);
    if (cs.length <= WRAP_AT || name.indexOf(" ") < 0) return [name];
    var middle = cs.length / 2, cut = -1, best = Infinity;
    cs.forEach(function (ch, i) {
      if (ch !== " ") return;
      var d = Math.abs(i - middle);
      if (d < best) { best = d; cut = i; }
    });
    return [cs.slice(0, cut).join(""), cs.slice(cut + 1).join("")];
  }

  function outward(b) {
    return [Math.floor(b[0] * 10) / 10, Math.floor(b[1] * 10) / 10, Math.ceil(b[2] * 10) / 10, Math.ceil(b[3] * 10) / 10];
  }

  function overlaps(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }

  function candidates(x, y, s, w, h, f) {
    var below = y + s + GAP * f, above = y - s - GAP * f, right = x + s + SIDE_GAP * f, left = x - s - SIDE_GAP * f;
    return [
      [x - w / 2, below, x + w / 2, below + h],
      [x - w / 2, above - h, x + w / 2, above],
      [right, y - h / 2, right + w, y + h / 2],
      [left - w, y - h / 2, left, y + h / 2]
    ];
  }

  function Grid(cell) { this.cell = cell; this.cells = {}; }
  Grid.prototype.keys = function (b) {
    var c = this.cell, out = [];
    for (var i = Math.floor(b[0] / c); i <= Math.floor(b[2] / c); i++)
      for (var j = Math.floor(b[1] / c); j <= Math.floor(b[3] / c); j++) out.push(i + "," + j);
    return out;
  };
  Grid.prototype.add = function (b, owner) {
    var cells = this.cells;
    this.keys(b).forEach(function (k) { (cells[k] = cells[k] || []).push([b, owner]); });
  };
  Grid.prototype.hits = function (b, owner) {
    var keys = this.keys(b);
    for (var k = 0; k < keys.length; k++) {
      var list = this.cells[keys[k]];
      if (!list) continue;
      for (var m = 0; m < list.length; m++) if (list[m][1] !== owner && overlaps(b, list[m][0])) return true;
    }
    return false;
  };

  /* spots: [{id, x, y, s, name, font, forced}], most important first; obstacles: every visible
   * node; ``inside`` (optional): the part of the map on screen, which a label may not leave. */
  function placeLabels(spots, obstacles, inside) {
    var maxFont = 1;
    spots.forEach(function (sp) { maxFont = Math.max(maxFont, sp.font); });
    var grid = new Grid(Math.max(4 * maxFont, 1));
    obstacles.forEach(function (o) { grid.add(o.box || [o.x - o.s, o.y - o.s, o.x + o.s, o.y + o.s], o.id); });
    var out = [];
    spots.forEach(function (sp) {
      if (!String(sp.name || "").trim()) return;
      var lines = wrapName(sp.name), f = sp.font;
      var longest = Math.max.apply(null, lines.map(function (l) { return chars(l).length; }));
      var cands = candidates(sp.x, sp.y, sp.s, CHAR_WIDTH * f * longest, LINE_HEIGHT * f * lines.length, f);
      var chosen = null;
      for (var c = 0; c < cands.length; c++) {
        var box = outward(cands[c]);
        if (inside && !(box[0] >= inside[0] && box[1] >= inside[1] && box[2] <= inside[2] && box[3] <= inside[3])) continue;
        if (!grid.hits(box, sp.id)) { chosen = box; break; }
      }
      if (!chosen && sp.forced) chosen = outward(cands[0]);
      if (!chosen) return;
      grid.add(chosen, "label:" + sp.id);
      out.push({ id: sp.id, lines: lines, box: chosen, font: f });
    });
    return out;
  }

  function rankOf(n) {
    if (typeof n.label_rank === "number") return n.label_rank;
    return 1e6 - (state.neighbours[n.id] || []).length;
  }

  function fontSize(n) {
    if (typeof n.font_size === "number") return n.font_size;
    return n.kind === "groep" ? 24 : 14;
  }

  function screenPx(n, scale) {
    var v = view();
    return Math.min(v.max_px, Math.max(v.min_px, fontSize(n) * scale));
  }

  /* The actors whose label comes first: the selected one, the searched one, a suggestion's. */
  function firstIds() {
    var out = [];
    function add(id) { if (id && out.indexOf(id) < 0) out.push(id); }
    add(state.selected);
    add(state.searched);
    if (state.suggestion) { add(state.suggestion.from); add(state.suggestion.to); add(state.suggestion.introducer); }
    return out;
  }

  function quiet() { return !filtered() && !state.selected && !state.searched && !state.suggestion && state.measure === 0 && !state.moved; }

  /* The labels shown at ``scale`` (CSS pixels per world unit) for the visible nodes: the
   * server's while its rule would give the same (nothing filtered or chosen, no label size
   * clamped), else the same rule run here with the chosen actors first. ``inside``: the world
   * rectangle labels must stay in; ``bare``: the rule alone, as the server runs it. */
  function layoutLabels(scale, inside, bare) {
    var ids = visibleIds(), positions = positionsOf(ids);
    var nodes = ids.map(function (id) { return state.nodes.get(id); });
    var exact = nodes.every(function (n) { return Math.abs(screenPx(n, scale) - fontSize(n) * scale) < 1e-9; });
    var titles = bare ? [] : (state.data.areas || []).filter(function (a) { return a.label; }).map(function (a) { return areaTitle(a, scale).box; });
    if (!bare && hasServerLabels() && quiet() && exact) {
      var items = nodes.filter(function (n) { return n.label_shown && n.label_box; }).map(function (n) {
        return { id: n.id, lines: n.label_lines || wrapName(n.name), box: n.label_box, font: fontSize(n) };
      });
      // the server's labels as they are, unless one would cover an area's title
      var clear = items.every(function (it) { return titles.every(function (t) { return !overlaps(it.box, t); }); });
      if (clear) return { server: true, items: items };
    }
    var first = bare ? [] : firstIds();
    var spots = nodes.map(function (n) {
      var p = positions[n.id];
      var k = first.indexOf(n.id);
      return { id: n.id, x: p.x, y: p.y, s: n.size || 0, name: n.name, font: screenPx(n, scale) / scale,
        forced: k >= 0, order: k >= 0 ? k - first.length : rankOf(n) };
    });
    var obstacles = spots.slice();
    titles.forEach(function (t, i) { obstacles.push({ id: "area:" + i, x: 0, y: 0, s: 0, box: t }); });
    spots.sort(function (a, b) { return a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0); });
    return { server: false, items: placeLabels(spots, obstacles, inside) };
  }

  /* The bare rule at a scale, as the server runs it (for tests): labels by id. */
  state.labelRule = function (scale) { return layoutLabels(scale, null, true).items; };

  function computeLabels() {
    if (!state.network) return;
    // beyond the server's first view, labels that would stick out of the canvas are left out
    var a = state.network.DOMtoCanvas({ x: 0, y: 0 });
    var b = state.network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
    state.labelLayout = layoutLabels(state.network.getScale(), [a.x, a.y, b.x, b.y]);
    container.dataset.labels = String(state.labelLayout.items.length);
  }

  var pending = 0;
  function scheduleLabels() {
    if (pending || !state.network) return;
    pending = window.requestAnimationFrame(function () {
      pending = 0;
      computeLabels();
      state.network.redraw();
    });
  }

  /* The shown labels in DOM pixels of the map, for tests and tools. */
  Object.defineProperty(state, "shownLabels", {
    get: function () {
      if (!state.network) return [];
      return state.labelLayout.items.map(function (it) {
        var a = state.network.canvasToDOM({ x: it.box[0], y: it.box[1] });
        var b = state.network.canvasToDOM({ x: it.box[2], y: it.box[3] });
        return { id: it.id, box: { x0: a.x, y0: a.y, x1: b.x, y1: b.y } };
      });
    }
  });

  /* ---- fitting the view ---- */

  function fitScale(b) {
    var w = Math.max(container.clientWidth - 2 * FIT_PAD, 40), h = Math.max(container.clientHeight - 2 * FIT_PAD, 40);
    var s = Math.min(w / Math.max(b[2] - b[0], 1), h / Math.max(b[3] - b[1], 1));
    return Math.min(s, 2.5);
  }

  function union(a, b) { return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]; }

  function nodeBounds(ids) {
    var b = null, positions = positionsOf(ids);
    ids.forEach(function (id) {
      var p = positions[id], n = state.nodes.get(id);
      if (!p || !n) return;
      var s = n.size || 0, box = [p.x - s, p.y - s, p.x + s, p.y + s];
      b = b ? union(b, box) : box;
    });
    return b;
  }

  function moveTo(b, scale) {
    state.network.moveTo({ position: { x: (b[0] + b[2]) / 2, y: (b[1] + b[3]) / 2 }, scale: scale, animation: false });
  }

  /* Fit the view to ``ids`` (default: every visible node) with their labels. */
  function fitTo(ids) {
    if (!state.network) return;
    var whole = !ids;
    ids = (ids || visibleIds()).filter(function (id) { return state.visible[id]; });
    if (!ids.length) return;
    if (whole && quiet() && state.data.bounds && hasServerLabels()) {
      // the server's bounds hold its labels: right as long as the labels keep its size here
      var sb = state.data.bounds, sc = fitScale(sb), titles = areaTitles(sc);
      if (titles) { sb = union(sb, titles); sc = fitScale(sb); }
      if (layoutLabels(sc).server) {
        moveTo(sb, sc);
        computeLabels();
        state.network.redraw();
        return;
      }
    }
    var base = nodeBounds(ids), b = base, scale, wanted = {};
    if (whole && !filtered()) (state.data.areas || []).forEach(function (a) { base = union(base, [a.x0, a.y0, a.x1, a.y1]); });
    scale = fitScale(base);
    var least = 0.85 * scale;  // labels may take some room from the map, not most of it
    ids.forEach(function (id) { wanted[id] = true; });
    // labels keep their size on the screen while the map shrinks: zoom out until they fit too
    for (var round = 0; round < 8; round++) {
      b = base;
      layoutLabels(scale).items.forEach(function (it) { if (wanted[it.id]) b = union(b, it.box); });
      if (whole && !filtered() && areaTitles(scale)) b = union(b, areaTitles(scale));
      var next = fitScale(b);
      if (next >= scale * 0.999 || scale <= least) break;
      scale = Math.max(least, round < 4 ? next : next * 0.97);
    }
    moveTo(b, scale);
    computeLabels();
    state.network.redraw();
  }

  /* Keep a node inside the canvas without changing the zoom. */
  function keepInView(id) {
    var p = positionsOf([id])[id];
    if (!p) return;
    var d = state.network.canvasToDOM(p), m = 40;
    if (d.x < m || d.y < m || d.x > container.clientWidth - m || d.y > container.clientHeight - m) {
      state.network.moveTo({ position: p, animation: false });
      scheduleLabels();
    }
  }

  /* ---- drawing ---- */

  function drawBehind(ctx) {
    var scale = state.network.getScale(), data = state.data;
    if (!filtered() && data.clusters) {
      ctx.fillStyle = "rgba(11, 79, 138, 0.05)";
      ctx.strokeStyle = "rgba(11, 79, 138, 0.10)";
      ctx.lineWidth = 1 / scale;
      data.clusters.forEach(function (c) {
        ctx.beginPath();
        ctx.arc(c.x, c.y, c.r, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      });
    }
    (data.areas || []).forEach(function (a) {
      ctx.fillStyle = "#f1f4f7";
      ctx.strokeStyle = "#b5bec8";
      ctx.lineWidth = 1 / scale;
      ctx.setLineDash([6 / scale, 4 / scale]);
      ctx.fillRect(a.x0, a.y0, a.x1 - a.x0, a.y1 - a.y0);
      ctx.strokeRect(a.x0, a.y0, a.x1 - a.x0, a.y1 - a.y0);
      ctx.setLineDash([]);
    });
    if (state.weak && state.weakSets) {
      var positions = positionsOf(Object.keys(state.weakSets.cutOff));
      ctx.fillStyle = "rgba(213, 94, 0, 0.22)";
      Object.keys(state.weakSets.cutOff).forEach(function (id) {
        if (!state.visible[id] || !positions[id]) return;
        var n = state.nodes.get(id), p = positions[id];
        ctx.beginPath();
        ctx.arc(p.x, p.y, (n.size || 10) + 7 / scale, 0, 2 * Math.PI);
        ctx.fill();
      });
    }
  }

  /* The title of an area ("Los van het netwerk"): 13 px on the screen, above its top left corner. */
  function areaTitle(a, scale) {
    var f = Math.max(9 / scale, Math.min(13 / scale, (a.x1 - a.x0) / (0.62 * a.label.length))), width = 0.62 * f * a.label.length;
    return { font: f, box: [a.x0, a.y0 - 1.5 * f, a.x0 + width, a.y0 - 0.25 * f] };
  }

  function areaTitles(scale) {
    var b = null;
    (state.data.areas || []).forEach(function (a) { if (a.label) { var t = areaTitle(a, scale).box; b = b ? union(b, t) : t; } });
    return b;
  }

  /* A line from the edge of one node to the edge of the other. */
  function segment(a, b, sa, sb) {
    var dx = b.x - a.x, dy = b.y - a.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
    return [a.x + dx / len * sa, a.y + dy / len * sa, b.x - dx / len * sb, b.y - dy / len * sb];
  }

  function drawSuggestions(ctx, scale) {
    if (!state.showSuggestions) return;
    var list = state.data.suggestions || [];
    var ids = [];
    list.forEach(function (e) { ids.push(e.from, e.to); });
    var positions = positionsOf(ids);
    // the chosen suggestion last (on top), the others faded while one is chosen
    var ordered = list.filter(function (e) { return !state.suggestion || state.suggestion.id !== e.id; })
      .concat(list.filter(function (e) { return state.suggestion && state.suggestion.id === e.id; }));
    ordered.forEach(function (e) {
      if (!state.visible[e.from] || !state.visible[e.to] || !positions[e.from] || !positions[e.to]) return;
      var chosen = state.suggestion && state.suggestion.id === e.id;
      ctx.globalAlpha = state.suggestion && !chosen ? 0.3 : 1;
      var na = state.nodes.get(e.from), nb = state.nodes.get(e.to);
      var seg = segment(positions[e.from], positions[e.to], na.size || 0, nb.size || 0);
      var w = Math.max(e.width || 2.5, 1.6 / scale) * (chosen ? 1.8 : 1);
      ctx.lineCap = "butt";
      ctx.beginPath();
      ctx.moveTo(seg[0], seg[1]);
      ctx.lineTo(seg[2], seg[3]);
      ctx.setLineDash([]);
      ctx.strokeStyle = "rgba(255, 255, 255, 0.85)";
      ctx.lineWidth = w + 2 / scale;
      ctx.stroke();
      ctx.setLineDash([8 / scale * (chosen ? 1.4 : 1), 5 / scale]);
      ctx.strokeStyle = (e.color && e.color.color) || SUGGESTION;
      ctx.lineWidth = w;
      ctx.stroke();
      ctx.setLineDash([]);
    });
    ctx.globalAlpha = 1;
  }

  function ring(ctx, p, r, colour, width, dash) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
    ctx.setLineDash(dash || []);
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.stroke();
    ctx.setLineDash([]);
  }

  function drawWeak(ctx, scale) {
    if (!state.weak || !state.weakSets) return;
    var ws = state.data.weak_spots || {};
    (ws.bridges || []).forEach(function (br) {
      if (!state.visible[br.a] || !state.visible[br.b]) return;
      var pos = positionsOf([br.a, br.b]);
      var seg = segment(pos[br.a], pos[br.b], state.nodes.get(br.a).size || 0, state.nodes.get(br.b).size || 0);
      ctx.beginPath();
      ctx.moveTo(seg[0], seg[1]);
      ctx.lineTo(seg[2], seg[3]);
      ctx.strokeStyle = VERMILLION;
      ctx.lineWidth = 7 / scale;
      ctx.stroke();
      ctx.setLineDash([4 / scale, 4 / scale]);
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = 2 / scale;
      ctx.stroke();
      ctx.setLineDash([]);
    });
    var cuts = (ws.cut_points || []).map(function (c) { return c.id; }).filter(function (id) { return state.visible[id]; });
    var positions = positionsOf(cuts);
    cuts.forEach(function (id) {
      var n = state.nodes.get(id), p = positions[id];
      if (!p) return;
      var r = (n.size || 10) + 6 / scale;
      ring(ctx, p, r, "#ffffff", 8 / scale);
      ring(ctx, p, r, VERMILLION, 5 / scale, [7 / scale, 4 / scale]);
    });
  }

  function drawRings(ctx, scale) {
    var rings = [];
    if (state.suggestion) {
      rings.push([state.suggestion.from, SUGGESTION, []]);
      rings.push([state.suggestion.to, SUGGESTION, []]);
      if (state.suggestion.introducer) rings.push([state.suggestion.introducer, INK, [5 / scale, 3 / scale]]);
    }
    if (state.selected && !state.suggestion) rings.push([state.selected, INK, []]);
    var positions = positionsOf(rings.map(function (r) { return r[0]; }));
    rings.forEach(function (r) {
      var n = state.nodes.get(r[0]), p = positions[r[0]];
      if (!n || !p || !state.visible[r[0]]) return;
      var radius = (n.size || 10) + 5 / scale;
      ring(ctx, p, radius, "#ffffff", 6 / scale);
      ring(ctx, p, radius, r[1], 3 / scale, r[2]);
    });
  }

  function drawLabels(ctx, scale) {
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    state.labelLayout.items.forEach(function (it) {
      if (!state.visible[it.id]) return;
      var b = it.box, lh = (b[3] - b[1]) / it.lines.length, cx = (b[0] + b[2]) / 2;
      ctx.font = it.font + FONT_FACE;
      it.lines.forEach(function (line, i) {
        var y = b[1] + (i + 0.5) * lh;
        ctx.lineWidth = 3 / scale;
        ctx.strokeStyle = "#ffffff";
        // never wider than the label's box, whatever the font: squeezed a little if need be
        ctx.strokeText(line, cx, y, b[2] - b[0]);
        ctx.fillStyle = INK;
        ctx.fillText(line, cx, y, b[2] - b[0]);
      });
    });
  }

  /* An area's title, just above its top left corner (where no actor's label goes), over the lines. */
  function drawAreaTitles(ctx, scale) {
    (state.data.areas || []).forEach(function (a) {
      if (!a.label) return;
      var t = areaTitle(a, scale);
      ctx.font = "600 " + t.font + FONT_FACE;
      ctx.textAlign = "left";
      ctx.textBaseline = "bottom";
      ctx.lineJoin = "round";
      ctx.lineWidth = 4 / scale;
      ctx.strokeStyle = "#ffffff";
      ctx.strokeText(a.label, t.box[0], t.box[3], t.box[2] - t.box[0]);
      ctx.fillStyle = "#4d5761";
      ctx.fillText(a.label, t.box[0], t.box[3], t.box[2] - t.box[0]);
    });
  }

  function drawAbove(ctx) {
    var scale = state.network.getScale();
    drawSuggestions(ctx, scale);
    drawWeak(ctx, scale);
    drawRings(ctx, scale);
    drawAreaTitles(ctx, scale);
    drawLabels(ctx, scale);
  }

  /* ---- details, selection, the bottom sheet ---- */

  function labelList(values, kind) {
    return (values || []).map(function (v) { return state.labels[kind][v] || v; }).join(", ") || "—";
  }

  function addFact(dl, term, value) {
    dl.appendChild(el("dt", term));
    dl.appendChild(el("dd", value));
  }

  var details = document.getElementById("details");

  /* On a small screen the details slide up over the bottom of the screen; the map moves to the
   * top of the screen so that it stays in sight above them. */
  function openSheet() {
    if (!details || !narrow.matches) return;
    details.classList.add("open");
    details.scrollTop = 0;
    // after the tap's own click has landed (a scroll before it would send it elsewhere)
    window.setTimeout(function () {
      var top = container.getBoundingClientRect().top;
      if (details.classList.contains("open") && Math.abs(top) > 8) window.scrollBy(0, top - 8);
    }, 400);
  }

  function closeSheet() {
    if (details) details.classList.remove("open");
  }

  function detailBox() {
    var box = document.getElementById("details-inhoud");
    box.replaceChildren();
    box.hidden = false;
    document.getElementById("details-leeg").hidden = true;
    return box;
  }

  function actorButton(id, text) {
    var b = el("button", text, "secondary small");
    b.type = "button";
    b.addEventListener("click", function () { select(id); });
    return b;
  }

  function showDetails(id) {
    var node = state.nodes.get(id);
    if (!node) {
      document.getElementById("details-inhoud").hidden = true;
      document.getElementById("details-leeg").hidden = false;
      return;
    }
    var box = detailBox();
    var title = el("h4", null, "details-name");
    if (node.kind === "groep") {
      title.textContent = node.name;
      box.appendChild(title);
      box.appendChild(el("p", "Onder meer: " + (node.sample || []).join(", ")));
      return;
    }
    var link = el("a", node.name);
    link.href = "/actor/" + encodeURIComponent(node.id);
    title.appendChild(link);
    box.appendChild(title);
    var dl = el("dl");
    addFact(dl, "Soort", state.labels.soort[node.kind] || node.kind);
    addFact(dl, "Domein", state.labels.domein[node.domain] || node.domain);
    if (node.role) addFact(dl, "Rol", node.role);
    addFact(dl, "Thema's", labelList(node.themes, "thema"));
    addFact(dl, "Kernaanpakken", labelList(node.kernaanpakken, "kernaanpak"));
    var partners = state.neighbours[id] || [];
    addFact(dl, "Verbindingen", String(partners.length));
    state.data.measures.forEach(function (m, i) {
      var v = (node.m || [])[i];
      if (v !== undefined) addFact(dl, m.label, (Math.round(v * 1000) / 1000).toString().replace(".", ","));
    });
    box.appendChild(dl);
    if (partners.length) {
      box.appendChild(el("p", "Partners:", "muted small"));
      var ul = el("ul", null, "compact");
      partners.slice(0, 12).forEach(function (pid) {
        var p = state.nodes.get(pid);
        if (!p) return;
        var li = el("li");
        li.appendChild(actorButton(pid, p.name));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      if (partners.length > 12) box.appendChild(el("p", "en nog " + (partners.length - 12) + ".", "muted small"));
    }
    var actions = el("div", null, "detail-actions");
    [[1, "Focus: 1 stap"], [2, "Focus: 2 stappen"]].forEach(function (pair) {
      var b = el("button", pair[1], "secondary small");
      b.type = "button";
      b.addEventListener("click", function () { focusOn(id, pair[0]); });
      actions.appendChild(b);
    });
    box.appendChild(actions);
  }

  function describe(id) {
    var n = state.nodes.get(id);
    if (!n) return "";
    if (n.kind === "groep") return "Geselecteerd: " + n.name;
    var count = (state.neighbours[id] || []).length;
    return "Geselecteerd: " + n.name + ", " + (state.labels.soort[n.kind] || n.kind).toLowerCase() + ", " +
      (state.labels.domein[n.domain] || n.domain).toLowerCase() + ", " + count + (count === 1 ? " verbinding" : " verbindingen");
  }

  /* Mark ``id`` as the selected actor: details, the label, the announcement. */
  function setSelected(id, how) {
    how = how || {};
    state.selected = id;
    state.suggestion = null;
    if (id) {
      state.network.selectNodes([id]);
      showDetails(id);
      announce(describe(id));
      if (how.sheet) openSheet();
    } else {
      state.network.unselectAll();
    }
    scheduleLabels();
    if (!how.keepRedraw) state.network.redraw();
  }

  function clearSelection() {
    state.selected = null;
    state.searched = null;
    state.suggestion = null;
    state.network.unselectAll();
    closeSheet();
    announce("Geen actor geselecteerd.");
    scheduleLabels();
  }

  function resetFilters() {
    Object.keys(state.filters).forEach(function (k) { state.filters[k] = ""; });
    document.querySelectorAll("[data-filter]").forEach(function (s) { s.value = ""; });
  }

  /* Select an actor from outside the map (search, a list, a partner): it and its partners in view. */
  function select(id, how) {
    how = how || {};
    if (!state.nodes.get(id)) return;
    if (state.focus && !state.focus[id]) state.focus = null;
    if (!matches(state.nodes.get(id))) resetFilters();
    computeVisible();
    state.nodeView.refresh();
    state.edgeView.refresh();
    report();
    if (how.search) state.searched = id;
    setSelected(id, { sheet: true });
    var around = [id].concat((state.neighbours[id] || []).filter(function (m) { return state.visible[m]; }));
    fitTo(around);
  }

  function focusOn(id, steps) {
    state.focus = ego(id, steps);
    computeVisible();
    state.nodeView.refresh();
    state.edgeView.refresh();
    report();
    setSelected(id);
    fitTo();
  }

  /* ---- suggested introductions ---- */

  function suggestionEdge(a, b) {
    return (state.data.suggestions || []).filter(function (e) {
      return (e.from === a && e.to === b) || (e.from === b && e.to === a);
    })[0];
  }

  function selectSuggestion(edge) {
    if (!edge) return;
    var introducer = edge.introducer !== undefined ? edge.introducer : state.introducers[edge.from + "|" + edge.to] || null;
    var wanted = [edge.from, edge.to].concat(introducer ? [introducer] : []);
    if (wanted.some(function (id) { return !state.visible[id]; })) {
      resetFilters();
      state.focus = null;
    }
    if (!state.showSuggestions) {
      state.showSuggestions = true;
      if (layer) layer.checked = true;
    }
    computeVisible();
    state.nodeView.refresh();
    state.edgeView.refresh();
    report();
    state.selected = null;
    state.searched = null;
    state.suggestion = { id: edge.id, from: edge.from, to: edge.to, introducer: introducer, reason: edge.reason || "" };
    state.network.unselectAll();
    var a = state.nodes.get(edge.from), b = state.nodes.get(edge.to), c = introducer && state.nodes.get(introducer);
    var box = detailBox();
    box.appendChild(el("h4", "Voorgestelde kennismaking", "details-name"));
    var pair = el("p", null, "detail-actions");
    pair.appendChild(actorButton(edge.from, a.name));
    pair.appendChild(el("span", "en"));
    pair.appendChild(actorButton(edge.to, b.name));
    box.appendChild(pair);
    if (edge.reason) box.appendChild(el("p", edge.reason));
    if (c) {
      var p = el("p", "Wie kan voorstellen: ");
      p.appendChild(actorButton(introducer, c.name));
      box.appendChild(p);
      box.appendChild(el("p", "Op de kaart: een roze ring om de twee actoren, een gestippelde ring om wie ze kan voorstellen.", "muted small"));
    }
    announce("Voorgestelde kennismaking: " + a.name + " en " + b.name + (c ? ", voor te stellen door " + c.name : "") + ".");
    openSheet();
    fitTo(wanted);
  }

  /* ---- weak spots ---- */

  function weakSets() {
    var ws = state.data.weak_spots || {}, cutOff = {};
    (ws.cut_points || []).forEach(function (c) { (c.cut_off || []).forEach(function (id) { cutOff[id] = true; }); });
    (ws.bridges || []).forEach(function (b) { (b.cut_off || []).forEach(function (id) { cutOff[id] = true; }); });
    return { cutOff: cutOff };
  }

  function fillWeakList() {
    var list = document.getElementById("kwetsbaar-lijst");
    if (!list || !state.data) return;
    list.replaceChildren();
    var ws = state.data.weak_spots || {};
    var items = [];
    (ws.cut_points || []).forEach(function (c) { items.push({ text: c.text, ids: [c.id], select: c.id }); });
    (ws.bridges || []).forEach(function (b) { items.push({ text: b.text, ids: [b.a, b.b], select: b.a }); });
    items.forEach(function (item) {
      var li = el("li");
      var b = el("button", item.text, "weak-item");
      b.type = "button";
      b.addEventListener("click", function () {
        select(item.select);
        if (item.ids.length > 1) fitTo(item.ids);
      });
      li.appendChild(b);
      list.appendChild(li);
    });
    if (!items.length) list.appendChild(el("li", ws.cut_points ? "Geen kwetsbare punten: geen actor of verbinding houdt het netwerk in zijn eentje bij elkaar." : "Voor deze kaart zijn geen kwetsbare punten bekend.", "muted"));
  }

  function setWeak(on) {
    state.weak = on;
    state.weakSets = on ? weakSets() : null;
    var section = document.getElementById("kwetsbaar");
    if (section) section.hidden = !on;
    if (on) fillWeakList();
    container.dataset.weak = on ? "true" : "false";
    if (state.network) state.network.redraw();
  }

  /* ---- keyboard ---- */

  var DIRECTIONS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

  /* Without a selection the arrows start at the actor nearest the middle of the map. */
  function startNode() {
    var ids = visibleIds(), positions = positionsOf(ids);
    var centre = state.network.DOMtoCanvas({ x: container.clientWidth / 2, y: container.clientHeight / 2 });
    var best = null, distance = Infinity;
    ids.forEach(function (id) {
      var p = positions[id], d = (p.x - centre.x) * (p.x - centre.x) + (p.y - centre.y) * (p.y - centre.y);
      if (d < distance) { distance = d; best = id; }
    });
    return best;
  }

  function nextInDirection(from, dir) {
    var ids = visibleIds(), positions = positionsOf(ids), o = positions[from];
    /* the nearest actor in the arrow's direction: within 56 degrees of it (``cone``), else on that side */
    function best(candidates, cone) {
      var found = null, score = Infinity;
      candidates.forEach(function (id) {
        if (id === from || !state.visible[id] || !positions[id]) return;
        var dx = positions[id].x - o.x, dy = positions[id].y - o.y;
        var along = dx * dir[0] + dy * dir[1], across = Math.abs(dx * dir[1] - dy * dir[0]);
        if (along <= 0 || (cone && across > 1.5 * along)) return;
        var s = along + 2 * across;
        if (s < score) { score = s; found = id; }
      });
      return found;
    }
    var partners = state.neighbours[from] || [];
    return best(partners, true) || best(ids, true) || best(ids, false);
  }

  container.addEventListener("keydown", function (ev) {
    if (!state.network || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var dir = DIRECTIONS[ev.key];
    if (dir) {
      ev.preventDefault();
      var from = state.selected && state.visible[state.selected] ? state.selected : null;
      var next = from ? nextInDirection(from, dir) : startNode();
      if (!next) { announce(from ? "Geen actor in die richting." : "Geen actor op de kaart."); return; }
      setSelected(next);
      keepInView(next);
    } else if (ev.key === "Enter") {
      var node = state.selected && state.nodes.get(state.selected);
      if (node && node.kind !== "groep") { ev.preventDefault(); window.location.href = "/actor/" + encodeURIComponent(node.id); }
    } else if (ev.key === "Escape") {
      ev.preventDefault();
      clearSelection();
    } else if (ev.key === "+" || ev.key === "=" || ev.key === "-") {
      ev.preventDefault();
      state.network.moveTo({ scale: state.network.getScale() * (ev.key === "-" ? 1 / 1.25 : 1.25), animation: false });
      scheduleLabels();
    } else if (ev.key === "0") {
      ev.preventDefault();
      fitTo();
    }
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && details && details.classList.contains("open")) {
      closeSheet();
      if (details.contains(document.activeElement)) container.focus();
    }
  });
  var closeButton = document.getElementById("details-sluiten");
  if (closeButton) closeButton.addEventListener("click", function () { closeSheet(); container.focus(); });

  /* ---- legend, names, the actor list ---- */

  function shapeIcon(shape, colour) {
    var svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("width", "16"); svg.setAttribute("height", "16"); svg.setAttribute("aria-hidden", "true");
    var item;
    if (shape === "square") {
      item = document.createElementNS(svgNS, "rect");
      item.setAttribute("x", "2"); item.setAttribute("y", "2"); item.setAttribute("width", "12"); item.setAttribute("height", "12");
    } else if (shape === "triangle") {
      item = document.createElementNS(svgNS, "polygon");
      item.setAttribute("points", "8,1 15,14 1,14");
    } else {
      item = document.createElementNS(svgNS, "circle");
      item.setAttribute("cx", "8"); item.setAttribute("cy", "8"); item.setAttribute("r", "6");
    }
    item.setAttribute("fill", colour);
    item.setAttribute("stroke", INK);
    svg.appendChild(item);
    return svg;
  }

  function lineIcon(width, colour, dashed) {
    var svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("width", "30"); svg.setAttribute("height", "12"); svg.setAttribute("aria-hidden", "true");
    var line = document.createElementNS(svgNS, "line");
    line.setAttribute("x1", "1"); line.setAttribute("y1", "6"); line.setAttribute("x2", "29"); line.setAttribute("y2", "6");
    line.setAttribute("stroke", colour); line.setAttribute("stroke-width", String(width));
    if (dashed) line.setAttribute("stroke-dasharray", "5 3");
    svg.appendChild(line);
    return svg;
  }

  function legendItem(list, icon, text) {
    var li = el("li");
    li.appendChild(icon);
    li.appendChild(el("span", text));
    list.appendChild(li);
  }

  function drawLegend(legend) {
    var dom = document.getElementById("legenda-domein"), kinds = document.getElementById("legenda-soort");
    var widths = document.getElementById("legenda-intensiteit"), lines = document.getElementById("legenda-lijnen");
    [dom, kinds, widths, lines].forEach(function (l) { l.replaceChildren(); });
    legend.domains.forEach(function (d) { legendItem(dom, shapeIcon("dot", d.colour), d.label); });
    legend.kinds.forEach(function (k) { legendItem(kinds, shapeIcon(k.shape, "#ffffff"), k.label); });
    legend.intensities.forEach(function (i) { legendItem(widths, lineIcon(i.width, "#8a96a3"), i.label); });
    legendItem(lines, lineIcon(2.5, legend.suggestion.colour, true), legend.suggestion.label);
    legendItem(lines, lineIcon(1, "#c3cad2"), "Werkt bij (organisatie)");
  }

  function byName(a, b) { return a.name.localeCompare(b.name, "nl"); }

  function fillNames() {
    var list = document.getElementById("actor-namen");
    list.replaceChildren();
    state.nodes.get().sort(byName)
      .forEach(function (n) { if (n.kind !== "groep") { var o = document.createElement("option"); o.value = n.name; list.appendChild(o); } });
  }

  function fillTable() {
    var body = document.querySelector("#actorlijst tbody");
    if (!body || body.childElementCount) return;
    state.nodes.get().sort(byName).forEach(function (n) {
      if (n.kind === "groep") return;
      var tr = el("tr");
      var th = el("th");
      th.scope = "row";
      var a = el("a", n.name);
      a.href = "/actor/" + encodeURIComponent(n.id);
      th.appendChild(a);
      tr.appendChild(th);
      tr.appendChild(el("td", state.labels.soort[n.kind] || n.kind));
      tr.appendChild(el("td", state.labels.domein[n.domain] || n.domain));
      tr.appendChild(el("td", String((state.neighbours[n.id] || []).length), "num"));
      var td = el("td");
      var b = el("button", "Toon", "secondary small");
      b.type = "button";
      b.appendChild(el("span", " " + n.name + " op de kaart", "sr-only"));
      b.addEventListener("click", function () {
        select(n.id);
        container.scrollIntoView({ block: "nearest" });
        container.focus({ preventScroll: true });
      });
      td.appendChild(b);
      tr.appendChild(td);
      body.appendChild(tr);
    });
  }

  /* A tap beside a small node still finds it: the nearest visible node within a finger's reach. */
  var REACH = 16;
  function nearestNode(point) {
    if (!point) return null;
    var ids = visibleIds(), positions = positionsOf(ids), scale = state.network.getScale();
    var best = null, distance = Infinity;
    ids.forEach(function (id) {
      var d = state.network.canvasToDOM(positions[id]);
      var r = (state.nodes.get(id).size || 0) * scale;
      var gap = Math.sqrt((d.x - point.x) * (d.x - point.x) + (d.y - point.y) * (d.y - point.y)) - r;
      if (gap < REACH && gap < distance) { distance = gap; best = id; }
    });
    return best;
  }

  /* On a phone the map is as high as the network needs (a wide network leaves no empty band). */
  function fitHeight() {
    container.style.height = "";
    if (!narrow.matches || !state.data || !state.data.bounds) return;
    var b = state.data.bounds, ratio = (b[3] - b[1]) / Math.max(b[2] - b[0], 1);
    var rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    var wanted = (container.clientWidth - 2 * FIT_PAD) * ratio + 2 * FIT_PAD + 4 * rem;
    container.style.height = Math.round(Math.max(18 * rem, Math.min(wanted, window.innerHeight * 0.6))) + "px";
  }

  /* ---- building the map ---- */

  function build(data) {
    state.data = data;
    state.focus = null;
    state.selected = state.searched = state.suggestion = null;
    state.moved = false;
    state.neighbours = indexNeighbours(data);
    var nodes = data.nodes.map(function (n) {
      var copy = Object.assign({}, n);
      copy.name = n.label;
      copy.title = tooltip(n);
      copy.label = undefined;
      return copy;
    });
    var edges = data.edges.concat(data.suggestions).map(function (e) {
      var copy = Object.assign({}, e);
      var tip = edgeTooltip(e);
      if (tip) copy.title = tip; else delete copy.title;
      if (e.suggestion) {
        // drawn by this script above the links; vis-network keeps an invisible line to click on
        var clear = "rgba(0,0,0,0)";
        copy.color = { color: clear, highlight: clear, hover: clear, inherit: false, opacity: 1 };
        copy.dashes = false;
        copy.width = Math.max(e.width || 2.5, 6);
        copy.selectionWidth = 0;
        copy.hoverWidth = 0;
      }
      return copy;
    });
    state.nodes = new vis.DataSet(nodes);
    state.edges = new vis.DataSet(edges);
    state.nodes.update(computeSizes());
    computeVisible();
    state.nodeView = new vis.DataView(state.nodes, { filter: nodeVisible });
    state.edgeView = new vis.DataView(state.edges, { filter: edgeVisible });
    if (state.network) state.network.destroy();
    container.replaceChildren();
    fitHeight();
    var options = JSON.parse(JSON.stringify(data.options || {}));
    options.interaction = Object.assign({}, options.interaction || {}, { keyboard: false, selectConnectedEdges: false });
    state.network = new vis.Network(container, { nodes: state.nodeView, edges: state.edgeView }, options);
    var frame = container.querySelector(".vis-network");
    if (frame) frame.tabIndex = -1;
    state.network.on("beforeDrawing", function (ctx) {
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      ctx.restore();
      ctx.save();
      drawBehind(ctx);
      ctx.restore();
    });
    state.network.on("afterDrawing", function (ctx) {
      ctx.save();
      drawAbove(ctx);
      ctx.restore();
    });
    state.network.on("click", function (params) {
      if (params.nodes.length) {
        setSelected(params.nodes[0], { sheet: true });
        return;
      }
      var near = nearestNode(params.pointer && params.pointer.DOM);
      if (near) {
        state.network.selectNodes([near]);
        setSelected(near, { sheet: true });
        return;
      }
      var hit = params.edges.map(function (id) { return state.edges.get(id); }).filter(function (e) { return e && e.suggestion; })[0];
      if (hit) { selectSuggestion(suggestionEdge(hit.from, hit.to)); return; }
      if (state.selected || state.suggestion) clearSelection();
    });
    state.network.on("zoom", scheduleLabels);
    state.network.on("resize", scheduleLabels);
    state.network.on("dragEnd", function (params) {
      if (params.nodes && params.nodes.length) state.moved = true;
      scheduleLabels();
    });
    container.setAttribute("data-ready", "true");
    container.setAttribute("data-mode", data.mode);
    var wrapper = container.parentNode;
    if (statusLine && statusLine.parentNode !== wrapper) {
      statusLine.className = "muted small map-status";
      wrapper.insertBefore(statusLine, container.nextSibling);
    }
    drawLegend(data.legend);
    fillNames();
    report();
    if (data.mode === "groups") {
      setStatus("Dit netwerk heeft " + data.actors + " actoren: de kaart toont groepen. Zoek een actor om die met zijn partners te zien.");
    }
    setWeak(state.weak);
    var list = document.getElementById("actorlijst");
    if (list && list.open) fillTable();
    fitTo();
  }

  function load(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(build)
      .catch(function (err) {
        setStatus("De kaart kon niet worden geladen. Laad de pagina opnieuw.");
        if (window.console) console.error(err);
      });
  }

  /* ---- controls ---- */
  document.querySelectorAll("[data-filter]").forEach(function (select) {
    select.addEventListener("change", function () {
      state.filters[select.dataset.filter] = select.value;
      if (state.selected && !matches(state.nodes.get(state.selected))) {
        state.selected = state.searched = null;
        state.network.unselectAll();
      }
      state.suggestion = null;
      refresh();
      fitTo();
    });
  });
  var measure = document.getElementById("grootte");
  if (measure) measure.addEventListener("change", function () {
    state.measure = Math.max(0, state.data.measures.map(function (m) { return m.key; }).indexOf(measure.value));
    document.getElementById("legenda-grootte").textContent = measure.options[measure.selectedIndex].textContent.toLowerCase();
    state.nodes.update(computeSizes());
    scheduleLabels();
  });
  var layer = document.getElementById("laag-voorstellen");
  if (layer) layer.addEventListener("change", function () {
    state.showSuggestions = layer.checked;
    if (!layer.checked) state.suggestion = null;
    refresh();
  });
  var weakToggle = document.getElementById("laag-kwetsbaar");
  if (weakToggle) weakToggle.addEventListener("change", function () { setWeak(weakToggle.checked); });
  document.getElementById("alles-tonen").addEventListener("click", function () {
    resetFilters();
    state.focus = null;
    state.selected = state.searched = state.suggestion = null;
    state.moved = false;
    if (state.data.focus) { load(container.dataset.src); return; }
    state.network.unselectAll();
    computeVisible();
    state.nodeView.refresh();
    state.edgeView.refresh();
    report();
    fitTo();
  });
  var search = document.getElementById("zoek-actor");
  function runSearch() {
    var wanted = search.value.trim().toLowerCase();
    if (!wanted || !state.data) return;
    if (state.data.mode === "groups") {
      fetch("/wijk/" + encodeURIComponent(container.dataset.wijk) + "/actoren.json?q=" + encodeURIComponent(search.value.trim()),
        { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (hits) {
          if (!hits.length) { setStatus("Geen actor gevonden met deze naam."); return; }
          var sep = container.dataset.src.indexOf("?") < 0 ? "?" : "&";
          load(container.dataset.src + sep + "focus=" + encodeURIComponent(hits[0].id) + "&stappen=1")
            .then(function () { select(hits[0].id, { search: true }); });
        });
      return;
    }
    var match = null;
    state.nodes.forEach(function (n) {
      var name = n.name.toLowerCase();
      if (name === wanted) match = n;
      else if (!match && name.indexOf(wanted) >= 0) match = n;
    });
    if (match) select(match.id, { search: true });
    else setStatus("Geen actor gevonden met deze naam.");
  }
  search.addEventListener("change", runSearch);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); runSearch(); } });
  var actorList = document.getElementById("actorlijst");
  if (actorList) actorList.addEventListener("toggle", function () { if (actorList.open && state.data) fillTable(); });

  /* "Toon op kaart" beside each suggested introduction */
  document.querySelectorAll("button.show-on-map[data-a]").forEach(function (b) {
    var a = b.dataset.a, c = b.dataset.b;
    if (b.dataset.introducer) {
      state.introducers[a + "|" + c] = b.dataset.introducer;
      state.introducers[c + "|" + a] = b.dataset.introducer;
    }
    b.hidden = false;
    b.addEventListener("click", function () {
      if (!state.data) return;
      var edge = suggestionEdge(a, c);
      if (!edge) { setStatus("Deze kennismaking staat niet op de kaart."); return; }
      container.scrollIntoView({ block: "nearest" });
      selectSuggestion(edge);
    });
  });

  var present = document.getElementById("presenteer");
  if (present) present.addEventListener("click", function () { if (state.network) fitTo(); });

  /* Filters and legend fold away on a small screen (a <details>), and stay open on a large one. */
  function setFolds() {
    document.querySelectorAll("details.fold").forEach(function (d) { d.open = !narrow.matches; });
  }
  setFolds();
  if (narrow.addEventListener) narrow.addEventListener("change", function () {
    setFolds();
    if (!narrow.matches) closeSheet();
    if (state.network) { fitHeight(); state.network.redraw(); fitTo(); }
  });

  load(container.dataset.src);
})();
