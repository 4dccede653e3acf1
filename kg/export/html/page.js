(function () {
"use strict";
var DATA = JSON.parse(document.getElementById("kg-data").textContent);
var info = DATA.info, ev = DATA.ev, ET = DATA.edgeTypes, S = DATA.summary;
var style = {};
DATA.types.forEach(function (t) { style[t.name] = t; });
var OTHER = {color: "#888888", symbol: "\u25cf"};
function st(t) { return style[t] || OTHER; }

// ---- DOM helpers: text only, never HTML from data
function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function add(parent) {
  for (var i = 1; i < arguments.length; i++) {
    var c = arguments[i];
    if (c === null || c === undefined) continue;
    parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return parent;
}
function safeUrl(u) {
  if (typeof u !== "string") return null;
  u = u.trim();
  if (!/^https?:\/\/[^\s]/i.test(u)) return null;
  try {
    var p = new URL(u);
    return (p.protocol === "http:" || p.protocol === "https:") ? p.href : null;
  } catch (e) { return null; }
}
function link(u, text) {
  var href = safeUrl(u);
  if (!href) return el("span", "muted", (text || u) + " (not a web link)");
  var a = el("a", null, text || u);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer nofollow";
  return a;
}
function badge(t) {
  var b = el("span", "badge", t);
  b.style.background = st(t).color;
  return b;
}
function sym(t) {
  var s = el("span", "sym", st(t).symbol);
  s.style.color = st(t).color;
  return s;
}

// ---- adjacency
var n = info.length;
var outE = [], inE = [];
for (var i = 0; i < n; i++) { outE.push([]); inE.push([]); }
DATA.edges.forEach(function (e) { outE[e.from].push(e.id); inE[e.to].push(e.id); });
var E = DATA.edges;
function etype(id) { return ET[ev[id][0]]; }
function score(id) { return ev[id][1]; }
function paperTitle(i) { return info[i].t === "Paper" && !info[i].nt ? info[i].n : ""; }
function fieldText(paper, code) { return code === 0 ? paperTitle(paper) : code === 1 ? (info[paper].ab || "") : ""; }

// ---- filters
var hiddenTypes = {}, minDeg = 0, minScore = 0, pinned = -1;
var nodesDS = new vis.DataSet(DATA.nodes);
var edgesDS = new vis.DataSet(DATA.edges);
var nodeView = new vis.DataView(nodesDS, {filter: function (node) {
  var x = info[node.id];
  return node.id === pinned || (!hiddenTypes[x.t] && x.d >= minDeg);
}});
var edgeView = new vis.DataView(edgesDS, {filter: function (edge) { return score(edge.id) >= minScore; }});

var container = document.getElementById("graph");
var network = new vis.Network(container, {nodes: nodeView, edges: edgeView}, DATA.options);
var kg = window.__kg = {network: network, nodes: nodesDS, edges: edgesDS, nodeView: nodeView,
  edgeView: edgeView, info: info, ready: false, readyAt: null, select: selectNode,
  search: searchNodes, panel: document.getElementById("panel")};
network.once("afterDrawing", function () {
  // the first drawing measured the labels: fit the view, then the page is ready
  network.once("afterDrawing", function () {
    kg.ready = true;
    kg.readyAt = performance.now();
    document.body.setAttribute("data-ready", "1");
  });
  network.fit({animation: false});
});

function refresh() {
  nodeView.refresh();
  edgeView.refresh();
  document.getElementById("counts").textContent =
    nodeView.length.toLocaleString() + " of " + n.toLocaleString() + " nodes, " +
    edgeView.length.toLocaleString() + " edges visible";
}

// legend + type filters
var legend = document.getElementById("legend");
DATA.types.forEach(function (t) {
  var li = el("li"), lab = el("label"), box = el("input");
  box.type = "checkbox";
  box.checked = true;
  box.setAttribute("data-type", t.name);
  box.addEventListener("change", function () {
    if (box.checked) delete hiddenTypes[t.name]; else hiddenTypes[t.name] = true;
    refresh();
  });
  add(lab, box, " ", sym(t.name), " " + t.name + " ", el("span", "count", "(" + t.count.toLocaleString() + ")"));
  add(legend, add(li, lab));
});
var degIn = document.getElementById("min-degree"), scoreIn = document.getElementById("min-score");
degIn.addEventListener("input", function () {
  minDeg = Math.max(0, parseInt(degIn.value, 10) || 0);
  document.getElementById("min-degree-out").textContent = String(minDeg);
  refresh();
});
scoreIn.addEventListener("input", function () {
  minScore = parseFloat(scoreIn.value) || 0;
  document.getElementById("min-score-out").textContent = minScore.toFixed(2);
  refresh();
});
function resetFilters() {
  hiddenTypes = {};
  minDeg = 0; minScore = 0;
  degIn.value = "0"; scoreIn.value = "0";
  document.getElementById("min-degree-out").textContent = "0";
  document.getElementById("min-score-out").textContent = "0.00";
  Array.prototype.forEach.call(legend.querySelectorAll("input"), function (b) { b.checked = true; });
  refresh();
}
document.getElementById("reset").addEventListener("click", resetFilters);
document.getElementById("fit").addEventListener("click", function () { network.fit({animation: {duration: 300}}); });
document.getElementById("note").textContent = S.note || "";
refresh();

// ---- selection and side panel
function visible(i) { var x = info[i]; return !hiddenTypes[x.t] && x.d >= minDeg; }
function selectNode(i) {
  if (typeof i !== "number" || i < 0 || i >= n) return false;
  if (!visible(i)) { pinned = i; refresh(); }
  network.selectNodes([i]);
  network.focus(i, {scale: Math.max(network.getScale(), 1.0), animation: {duration: 300}});
  showNode(i);
  return true;
}
function nodeButton(i, text) {
  var b = el("button", "node-link", text || info[i].n);
  b.type = "button";
  b.title = info[i].t + ": " + info[i].n;
  b.addEventListener("click", function () { selectNode(i); });
  return b;
}
function highlight(text, spans, clickable) {
  // spans: [{s, e, t (type), i (node)}]; overlapping spans are skipped
  var frag = document.createDocumentFragment(), at = 0;
  spans.sort(function (a, b) { return a.s - b.s || b.e - a.e; });
  spans.forEach(function (sp) {
    if (sp.s < at || sp.e > text.length || sp.s >= sp.e) return;
    if (sp.s > at) frag.appendChild(document.createTextNode(text.slice(at, sp.s)));
    var m = el("mark", null, text.slice(sp.s, sp.e));
    m.style.background = st(sp.t).color + "40";
    m.style.borderBottom = "2px solid " + st(sp.t).color;
    if (sp.i !== undefined) {
      m.title = sp.t + ": " + info[sp.i].n;
      if (clickable) m.addEventListener("click", function () { selectNode(sp.i); });
    }
    frag.appendChild(m);
    at = sp.e;
  });
  if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
  return frag;
}
function mentionSpans(paper, code) {
  var out = [];
  outE[paper].forEach(function (id) {
    var x = ev[id];
    if (x[2] === code && x[3] >= 0) out.push({s: x[3], e: x[4], t: info[E[id].to].t, i: E[id].to});
  });
  return out;
}
function sentenceOf(id) {
  // returns [fragment] of the evidence sentence with the mention highlighted, or null
  var x = ev[id], s = x[5], paper = E[id].from;
  if (Array.isArray(s)) {
    var text = fieldText(paper, x[2]).slice(s[0], s[1]);
    var spans = [];
    if (x[3] >= s[0] && x[4] <= s[1]) spans.push({s: x[3] - s[0], e: x[4] - s[0], t: info[E[id].to].t});
    return highlight(text, spans, false);
  }
  if (typeof s === "string" && s) return document.createTextNode(s);
  return null;
}
var LABEL_OUT = {proposes: "Proposes", uses: "Uses", evaluatedOn: "Evaluated on",
  measuredBy: "Measured by", addresses: "Addresses", hasCode: "Code and project pages",
  reports: "Reports", resultMethod: "Method", resultDataset: "Dataset", resultMetric: "Metric"};
var LABEL_IN = {proposes: "Proposed by", uses: "Used by", evaluatedOn: "Papers evaluated on it",
  measuredBy: "Papers measured by it", addresses: "Papers addressing it", hasCode: "Papers linking it",
  reports: "Reported by", resultMethod: "Results of this method", resultDataset: "Results on this dataset",
  resultMetric: "Results in this metric"};
var LIST_MAX = 200;
function group(ids, key) {
  var g = {}, order = [];
  ids.forEach(function (id) {
    var t = etype(id);
    if (!g[t]) { g[t] = []; order.push(t); }
    g[t].push(id);
  });
  order.sort(function (a, b) { return ET.indexOf(a) - ET.indexOf(b); });
  return order.map(function (t) { return [t, g[t]]; });
}
function codeLinks(paper) {
  var ul = el("ul");
  outE[paper].forEach(function (id) {
    if (etype(id) === "hasCode") add(ul, add(el("li"), link(info[E[id].to].u || info[E[id].to].n)));
  });
  return ul.childNodes.length ? ul : null;
}
function showNode(i) {
  var x = info[i], body = document.getElementById("panel-body"), panel = document.getElementById("panel");
  body.textContent = "";
  panel.hidden = false;
  panel.setAttribute("data-node", String(i));
  var h = el("h2");
  if (paperTitle(i)) add(h, highlight(paperTitle(i), mentionSpans(i, 0), true)); else h.textContent = x.n;
  add(body, h, add(el("p"), badge(x.t), " ", el("span", "muted", "degree " + x.d + " \u00b7 " + x.id)));
  if (x.t === "Paper") {
    var meta = el("p", "muted");
    if (x.dt) add(meta, x.dt + " ");
    if (x.au) add(meta, x.au.slice(0, 12).join(", ") + (x.au.length > 12 ? " et al." : "") + " ");
    if (x.c) add(meta, "[" + x.c.join(", ") + "]");
    if (meta.childNodes.length) add(body, meta);
    var links = el("ul", "links");
    if (x.u) add(links, add(el("li"), "Source page: ", link(x.u)));
    if (x.doi) add(links, add(el("li"), "DOI: ", link("https://doi.org/" + encodeURI(x.doi), x.doi)));
    outE[i].forEach(function (id) {
      if (etype(id) === "hasCode") {
        var r = info[E[id].to];
        add(links, add(el("li"), (r.k === "code" || !r.k ? "Code: " : r.k + ": "), link(r.u || r.n)));
      }
    });
    if (links.childNodes.length) add(body, el("h3", null, "Links"), links);
    if (x.ab) add(body, el("h3", null, "Abstract"), add(el("p", "abstract"), highlight(x.ab, mentionSpans(i, 1), true)));
  } else if (x.t === "Repository") {
    add(body, add(el("p"), link(x.u || x.n)));
    if (x.k) add(body, el("p", "muted", "kind: " + x.k + (x.h ? " \u00b7 host: " + x.h : "")));
  } else if (x.t === "Result") {
    var p = el("p");
    add(p, (x.me || "") + " = " + (x.v !== undefined ? x.v : "?") + (x.un || ""));
    add(body, p);
  } else {
    add(body, el("h3", null, "Aliases"));
    if (x.a && x.a.length) {
      var al = el("ul");
      x.a.forEach(function (a) { add(al, el("li", null, a)); });
      add(body, al);
    } else add(body, el("p", "muted", "none recorded"));
  }
  group(outE[i]).forEach(function (g) {
    if (x.t === "Paper" && g[0] === "hasCode") return;
    var ul = el("ul");
    g[1].slice(0, LIST_MAX).forEach(function (id) {
      var li = add(el("li"), sym(info[E[id].to].t), " ", nodeButton(E[id].to));
      var sen = sentenceOf(id);
      if (sen) add(li, add(el("div", "sentence"), sen));
      add(ul, li);
    });
    if (g[1].length > LIST_MAX) add(ul, el("li", "muted", "\u2026 and " + (g[1].length - LIST_MAX) + " more"));
    add(body, el("h3", null, (LABEL_OUT[g[0]] || g[0]) + " (" + g[1].length + ")"), ul);
  });
  group(inE[i]).forEach(function (g) {
    var ul = el("ul");
    g[1].slice(0, LIST_MAX).forEach(function (id) {
      var src = E[id].from;
      var li = add(el("li"), sym(info[src].t), " ", nodeButton(src));
      var sen = sentenceOf(id);
      if (sen) add(li, add(el("div", "sentence"), sen));
      var code = info[src].t === "Paper" ? codeLinks(src) : null;
      if (code) add(li, code);
      add(ul, li);
    });
    if (g[1].length > LIST_MAX) add(ul, el("li", "muted", "\u2026 and " + (g[1].length - LIST_MAX) + " more"));
    add(body, el("h3", null, (LABEL_IN[g[0]] || g[0]) + " (" + g[1].length + ")"), ul);
  });
}
function edgeSummary(id) {
  var x = ev[id], box = el("div");
  add(box, add(el("div"), sym(info[E[id].from].t), " " + info[E[id].from].n + " \u2192 ",
    el("b", null, etype(id)), " \u2192 ", sym(info[E[id].to].t), " " + info[E[id].to].n));
  var sen = sentenceOf(id);
  if (sen) add(box, add(el("div", "sentence"), "\u201c", sen, "\u201d"));
  var bits = [];
  if (x.length > 2) {
    bits.push("confidence " + Number(x[1]).toFixed(2));
    if (x[7]) bits.push("found by " + x[7]);
    if (x[6] > 1) bits.push("mentioned " + x[6] + "\u00d7");
  }
  if (bits.length) add(box, el("div", "muted", bits.join(" \u00b7 ")));
  return box;
}
function showEdge(id) {
  var body = document.getElementById("panel-body"), panel = document.getElementById("panel");
  body.textContent = "";
  panel.hidden = false;
  panel.removeAttribute("data-node");
  add(body, el("h2", null, "Edge: " + etype(id)), edgeSummary(id),
    add(el("p"), "From ", nodeButton(E[id].from)), add(el("p"), "To ", nodeButton(E[id].to)));
}
document.getElementById("panel-close").addEventListener("click", function () {
  document.getElementById("panel").hidden = true;
});
network.on("click", function (p) {
  if (p.nodes.length) showNode(p.nodes[0]);
  else if (p.edges.length) showEdge(p.edges[0]);
});

// ---- plain-text tooltips (vis-network's own would render HTML strings)
var tip = document.getElementById("tooltip");
function showTip(content, pointer) {
  tip.textContent = "";
  tip.appendChild(content);
  tip.hidden = false;
  var w = container.clientWidth, h = container.clientHeight;
  var x = Math.min(pointer.DOM.x + 14, Math.max(0, w - tip.offsetWidth - 4));
  var y = pointer.DOM.y + 14;
  if (y + tip.offsetHeight > h) y = Math.max(0, pointer.DOM.y - tip.offsetHeight - 8);
  tip.style.left = x + "px";
  tip.style.top = y + "px";
}
function hideTip() { tip.hidden = true; }
network.on("hoverEdge", function (p) { showTip(edgeSummary(p.edge), p.pointer); });
network.on("hoverNode", function (p) {
  var x = info[p.node], box = el("div");
  add(box, add(el("div"), sym(x.t), " ", el("b", null, x.n)));
  var extra = x.t + " \u00b7 degree " + x.d;
  if (x.a && x.a.length) extra += " \u00b7 also: " + x.a.slice(0, 5).join(", ");
  add(box, el("div", "muted", extra));
  showTip(box, p.pointer);
});
network.on("blurEdge", hideTip);
network.on("blurNode", hideTip);
network.on("dragStart", hideTip);
network.on("zoom", hideTip);

// ---- search by name, alias or title
var index = [];
info.forEach(function (x, i) {
  var names = [x.n];
  if (x.a) names = names.concat(x.a);
  names.forEach(function (s, k) { if (s) index.push([String(s).toLowerCase(), i, k]); });
});
function searchNodes(q) {
  q = String(q || "").trim().toLowerCase();
  if (!q) return [];
  var best = {};
  index.forEach(function (r) {
    var pos = r[0].indexOf(q);
    if (pos < 0) return;
    var rank = r[0] === q ? 0 : pos === 0 ? 1 : 2;
    var old = best[r[1]];
    if (!old || rank < old[0]) best[r[1]] = [rank, r[2]];
  });
  return Object.keys(best).map(Number).sort(function (a, b) {
    return best[a][0] - best[b][0] || info[b].d - info[a].d || (info[a].n < info[b].n ? -1 : info[a].n > info[b].n ? 1 : 0);
  }).slice(0, 15).map(function (i) { return {node: i, alias: best[i][1] > 0 ? info[i].a[best[i][1] - 1] : null}; });
}
var search = document.getElementById("search"), results = document.getElementById("results");
function choose(i) {
  results.hidden = true;
  search.value = info[i].n;
  selectNode(i);
}
function renderResults() {
  var found = searchNodes(search.value);
  results.textContent = "";
  found.forEach(function (r) {
    var b = el("button");
    b.type = "button";
    b.setAttribute("data-node", String(r.node));
    add(b, sym(info[r.node].t), " ", info[r.node].n);
    if (r.alias) add(b, " ", el("span", "alias", "(" + r.alias + ")"));
    add(b, " ", el("span", "alias", info[r.node].t));
    b.addEventListener("click", function () { choose(r.node); });
    add(results, add(el("li"), b));
  });
  if (!found.length && search.value.trim()) add(results, el("li", "muted", "no match"));
  results.hidden = !results.childNodes.length;
  return found;
}
search.addEventListener("input", renderResults);
search.addEventListener("keydown", function (e) {
  if (e.key === "Enter") {
    var found = searchNodes(search.value);
    if (found.length) choose(found[0].node);
    e.preventDefault();
  } else if (e.key === "Escape") { results.hidden = true; }
});
document.addEventListener("click", function (e) {
  if (!document.getElementById("search-wrap").contains(e.target)) results.hidden = true;
});
})();
