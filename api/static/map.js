/* wijknet: the wijk map, drawn by the locally served vis-network.
 *
 * Positions come from the server (seeded layout), physics stays off, so the whole map
 * appears at once. Names and other user-supplied strings reach the page only through
 * textContent and the canvas: tooltips are DOM elements built here, never HTML strings. */
(function () {
  "use strict";
  var container = document.getElementById("kaart");
  if (!container || !window.vis) return;
  var el = window.wijknetEl;
  var statusLine = document.getElementById("kaart-status");
  var svgNS = "http://www.w3.org/2000/svg";

  var state = {
    data: null, network: null, nodes: null, edges: null, nodeView: null, edgeView: null,
    filters: { thema: "", domein: "", soort: "", kernaanpak: "" },
    focus: null, showSuggestions: true, measure: 0, neighbours: {}, labels: {}, visible: {}
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
      return box;
    }
    return undefined;
  }

  function sizeFor(node, maxima) {
    if (node.kind === "groep") return node.size;
    var values = node.m || [];
    var v = values[state.measure] || 0;
    var max = maxima[state.measure] || 0;
    return 9 + (max > 0 ? 23 * Math.sqrt(v / max) : 0);
  }

  function computeSizes() {
    var maxima = [];
    state.data.nodes.forEach(function (n) {
      (n.m || []).forEach(function (v, i) { maxima[i] = Math.max(maxima[i] || 0, v); });
    });
    return state.data.nodes.map(function (n) { return { id: n.id, size: sizeFor(n, maxima) }; });
  }

  function matches(node) {
    var f = state.filters;
    if (state.focus && !state.focus[node.id]) return false;
    if (f.domein && node.domain !== f.domein) return false;
    if (f.soort && node.kind !== f.soort) return false;
    if (f.thema && (node.themes || []).indexOf(f.thema) < 0) return false;
    if (f.kernaanpak && (node.kernaanpakken || []).indexOf(f.kernaanpak) < 0) return false;
    return true;
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
  }

  function indexNeighbours(data) {
    var nb = {};
    data.edges.forEach(function (e) {
      (nb[e.from] = nb[e.from] || []).push(e.to);
      (nb[e.to] = nb[e.to] || []).push(e.from);
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

  function focusOn(id, steps) {
    state.focus = ego(id, steps);
    refresh();
    state.network.fit({ nodes: Object.keys(state.focus), animation: false });
    state.network.selectNodes([id]);
    showDetails(id);
  }

  function labelList(values, kind) {
    return (values || []).map(function (v) { return state.labels[kind][v] || v; }).join(", ") || "—";
  }

  function addFact(dl, term, value) {
    dl.appendChild(el("dt", term));
    dl.appendChild(el("dd", value));
  }

  function showDetails(id) {
    var node = state.nodes.get(id);
    var box = document.getElementById("details-inhoud");
    var empty = document.getElementById("details-leeg");
    if (!node) { box.hidden = true; empty.hidden = false; return; }
    box.replaceChildren();
    var title = el("h4", null, "details-name");
    if (node.kind === "groep") {
      title.textContent = node.label;
      box.appendChild(title);
      box.appendChild(el("p", "Onder meer: " + (node.sample || []).join(", ")));
    } else {
      var link = el("a", node.label);
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
          var b = el("button", p.label, "link-like");
          b.type = "button";
          b.className = "secondary small";
          b.addEventListener("click", function () { select(pid); });
          li.appendChild(b);
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
    box.hidden = false;
    empty.hidden = true;
  }

  function select(id) {
    if (!state.nodes.get(id)) return;
    if (state.focus && !state.focus[id]) state.focus = null;
    var node = state.nodes.get(id);
    if (!matches(node)) resetFilters();
    refresh();
    state.network.selectNodes([id]);
    state.network.focus(id, { scale: Math.max(state.network.getScale(), 1.1), animation: false });
    showDetails(id);
  }

  function resetFilters() {
    Object.keys(state.filters).forEach(function (k) { state.filters[k] = ""; });
    document.querySelectorAll("[data-filter]").forEach(function (s) { s.value = ""; });
  }

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
    item.setAttribute("stroke", "#1b1f23");
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

  function fillNames() {
    var list = document.getElementById("actor-namen");
    list.replaceChildren();
    state.data.nodes.slice().sort(function (a, b) { return a.label.localeCompare(b.label, "nl"); })
      .forEach(function (n) { if (n.kind !== "groep") { var o = document.createElement("option"); o.value = n.label; list.appendChild(o); } });
  }

  function fillTable() {
    var body = document.querySelector("#actorlijst tbody");
    if (!body || body.childElementCount) return;
    state.data.nodes.slice().sort(function (a, b) { return a.label.localeCompare(b.label, "nl"); })
      .forEach(function (n) {
        if (n.kind === "groep") return;
        var tr = el("tr");
        var th = el("th");
        th.scope = "row";
        var a = el("a", n.label);
        a.href = "/actor/" + encodeURIComponent(n.id);
        th.appendChild(a);
        tr.appendChild(th);
        tr.appendChild(el("td", state.labels.soort[n.kind] || n.kind));
        tr.appendChild(el("td", state.labels.domein[n.domain] || n.domain));
        tr.appendChild(el("td", String((state.neighbours[n.id] || []).length), "num"));
        body.appendChild(tr);
      });
  }

  function build(data) {
    state.data = data;
    state.focus = null;
    state.neighbours = indexNeighbours(data);
    var nodes = data.nodes.map(function (n) {
      var copy = Object.assign({}, n);
      copy.title = tooltip(n);
      return copy;
    });
    var edges = data.edges.concat(data.suggestions).map(function (e) {
      var copy = Object.assign({}, e);
      var tip = edgeTooltip(e);
      if (tip) copy.title = tip; else delete copy.title;
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
    state.network = new vis.Network(container, { nodes: state.nodeView, edges: state.edgeView }, data.options);
    state.network.on("beforeDrawing", function (ctx) {
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      ctx.restore();
    });
    state.network.on("click", function (params) {
      if (params.nodes.length) showDetails(params.nodes[0]);
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

  /* controls */
  document.querySelectorAll("[data-filter]").forEach(function (select) {
    select.addEventListener("change", function () {
      state.filters[select.dataset.filter] = select.value;
      refresh();
    });
  });
  var measure = document.getElementById("grootte");
  if (measure) measure.addEventListener("change", function () {
    state.measure = Math.max(0, state.data.measures.map(function (m) { return m.key; }).indexOf(measure.value));
    document.getElementById("legenda-grootte").textContent = measure.options[measure.selectedIndex].textContent.toLowerCase();
    state.nodes.update(computeSizes());
  });
  var layer = document.getElementById("laag-voorstellen");
  if (layer) layer.addEventListener("change", function () {
    state.showSuggestions = layer.checked;
    refresh();
  });
  document.getElementById("alles-tonen").addEventListener("click", function () {
    resetFilters();
    state.focus = null;
    if (state.data.focus) { load(container.dataset.src); return; }
    refresh();
    state.network.fit({ animation: false });
  });
  document.getElementById("als-png").addEventListener("click", function () {
    var canvas = container.querySelector("canvas");
    if (!canvas) return;
    var a = document.createElement("a");
    a.href = canvas.toDataURL("image/png");
    a.download = "wijknet-" + container.dataset.wijk + ".png";
    document.body.appendChild(a);
    a.click();
    a.remove();
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
            .then(function () { select(hits[0].id); });
        });
      return;
    }
    var match = null;
    state.nodes.forEach(function (n) {
      var name = n.label.toLowerCase();
      if (name === wanted) match = n;
      else if (!match && name.indexOf(wanted) >= 0) match = n;
    });
    if (match) select(match.id);
    else setStatus("Geen actor gevonden met deze naam.");
  }
  search.addEventListener("change", runSearch);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); runSearch(); } });
  var list = document.getElementById("actorlijst");
  if (list) list.addEventListener("toggle", function () { if (list.open && state.data) fillTable(); });

  load(container.dataset.src);
})();
