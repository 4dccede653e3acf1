(function () {
"use strict";
var DATA = JSON.parse(document.getElementById("kg-data").textContent);
var info = DATA.info, ev = DATA.ev, ET = DATA.edgeTypes, S = DATA.summary;
var DEF = DATA.defaults || {minScore: 0, singletons: true};
var style = {};
DATA.types.forEach(function (t) { style[t.name] = t; });
var OTHER = {color: "#888888", symbol: "\u25cf"};
function st(t) { return style[t] || OTHER; }
// community colours (Tableau 10 and two more); communities past these are grey
var PALETTE = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#EECA3B",
  "#9D755D", "#FF9DA6", "#79706E", "#1B9E77", "#7570B3"];
var FAINT = "#C4C4C4";
function fmt(x) { return Number(x).toLocaleString("en-US"); }
function plural(k, one, many) { return fmt(k) + " " + (k === 1 ? one : many); }

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
function $(id) { return document.getElementById(id); }
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
function short(text, limit) {
  text = String(text).replace(/\s+/g, " ").trim();
  return text.length <= limit ? text : text.slice(0, limit - 1).replace(/\s+$/, "") + "\u2026";
}

// ---- graph: adjacency, neighbours, counts
var n = info.length, E = DATA.edges, m = E.length;
var byId = Object.create(null);
info.forEach(function (x, i) { byId[x.id] = i; });
var outE = [], inE = [];
for (var i0 = 0; i0 < n; i0++) { outE.push([]); inE.push([]); }
E.forEach(function (e) { outE[e.from].push(e.id); inE[e.to].push(e.id); });
function etype(id) { return ET[ev[id][0]]; }
function score(id) { return ev[id][1]; }
function other(id, i) { return E[id].from === i ? E[id].to : E[id].from; }
function incident(i) { return outE[i].concat(inE[i]); }
function neighbours(i) {
  var seen = {}, out = [];
  incident(i).forEach(function (id) {
    var j = other(id, i);
    if (!seen[j]) { seen[j] = 1; out.push(j); }
  });
  return out;
}
function nameOf(id) { return id === undefined ? "" : byId[id] !== undefined ? info[byId[id]].n : String(id); }
function paperTitle(i) { return info[i].t === "Paper" && !info[i].nt ? info[i].n : ""; }
function fieldText(paper, code) { return code === 0 ? paperTitle(paper) : code === 1 ? (info[paper].ab || "") : ""; }
var ENTITY = {Method: 1, Dataset: 1, Metric: 1, Task: 1};
var nSingleEnt = 0, nSinglePaper = 0;
info.forEach(function (x) { if (x.s) { if (x.t === "Paper") nSinglePaper++; else nSingleEnt++; } });
// how important a node is: labels, list order (entities by papers, papers by links)
function prio(i) {
  var x = info[i];
  return x.t === "Paper" ? x.d * 0.25 : x.t === "Result" ? 0.1 : (x.p || 0) + x.d * 0.01;
}
var nodeSize = DATA.nodes.map(function (v) { return v.size || 10; });

// ---- state: filters, selection, search; kept in the address (hash) so a view can be shared
function freshState() {
  return {off: {}, minDeg: 0, minScore: DEF.minScore, singles: !!DEF.singletons, hidden: {},
    expanded: {}, focus: -1, colour: "type", q: "", tab: "entities", sort: null};
}
var Z = freshState();
var lowBack = DEF.minScore > 0 ? DEF.minScore : 0.5;  // where "hide low-confidence links" goes back to

var SORT_KEYS = ["name", "type", "papers", "title", "entities", "date"];
function readHash(text) {
  var s = freshState();
  var h = String(text || "").replace(/^#/, "");
  if (!h) return s;
  var p;
  try { p = new URLSearchParams(h); } catch (e) { return s; }
  var node = p.get("node");
  if (node !== null && byId[node] !== undefined) s.focus = byId[node];
  s.q = p.get("q") || "";
  (p.get("off") || "").split(",").forEach(function (t) { if (style[t]) s.off[t] = true; });
  var d = parseInt(p.get("deg") || "0", 10);
  if (d > 0) s.minDeg = d;
  var c = parseFloat(p.get("conf"));
  if (isFinite(c) && c >= 0 && c <= 1) s.minScore = c;
  if (p.get("single") === "1") s.singles = true;
  if (p.get("single") === "0") s.singles = false;
  p.getAll("hide").forEach(function (id) { if (byId[id] !== undefined) s.hidden[byId[id]] = true; });
  p.getAll("expand").forEach(function (id) { if (byId[id] !== undefined) s.expanded[byId[id]] = true; });
  if (p.get("colour") === "community") s.colour = "community";
  if (p.get("list") === "papers") s.tab = "papers";
  var so = p.get("sort");
  var key = so ? so.replace(/^-/, "") : "";
  if (SORT_KEYS.indexOf(key) >= 0) s.sort = {key: key, dir: so.charAt(0) === "-" ? -1 : 1};
  if (s.focus >= 0 && s.hidden[s.focus]) delete s.hidden[s.focus];
  return s;
}
function keysOf(set) { return Object.keys(set).map(Number).sort(function (a, b) { return a - b; }); }
function encodeState() {
  var p = [];
  function put(k, v) { p.push(k + "=" + encodeURIComponent(String(v))); }
  if (Z.focus >= 0) put("node", info[Z.focus].id);
  if (Z.q) put("q", Z.q);
  var off = Object.keys(Z.off).sort();
  if (off.length) put("off", off.join(","));
  if (Z.minDeg) put("deg", Z.minDeg);
  if (Z.minScore !== DEF.minScore) put("conf", Z.minScore.toFixed(2));
  if (Z.singles !== !!DEF.singletons) put("single", Z.singles ? "1" : "0");
  keysOf(Z.hidden).forEach(function (i) { put("hide", info[i].id); });
  keysOf(Z.expanded).forEach(function (i) { put("expand", info[i].id); });
  if (Z.colour !== "type") put("colour", Z.colour);
  if (Z.tab !== "entities") put("list", Z.tab);
  if (Z.sort) put("sort", (Z.sort.dir < 0 ? "-" : "") + Z.sort.key);
  return p.join("&");
}
var written = null, hashTimer = 0;
function writeHash() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(function () {
    var h = encodeState();
    if (h === written) return;
    written = h;
    var url = location.href.split("#")[0] + (h ? "#" + h : "");
    try { history.replaceState(null, "", url); } catch (e) {
      try { location.replace(h ? "#" + h : "#"); } catch (e2) { /* keep the page as it is */ }
    }
  }, 120);
}

// ---- visibility: every filter decides which nodes and edges are drawn, counted and listed
var nodeOn = new Uint8Array(n), edgeOn = new Uint8Array(m);
var shown = {nodes: 0, edges: 0, low: 0};
function recompute() {
  var forced = new Uint8Array(n), i, e;
  keysOf(Z.expanded).forEach(function (k) {
    forced[k] = 1;
    neighbours(k).forEach(function (j) { forced[j] = 1; });
  });
  if (Z.focus >= 0) {
    forced[Z.focus] = 1;
    // a node the filters hide (found by search or in the list) comes with its neighbours
    if (!passes(Z.focus)) neighbours(Z.focus).forEach(function (j) { forced[j] = 1; });
  }
  var vn = 0;
  for (i = 0; i < n; i++) {
    var on = !Z.hidden[i] && (forced[i] === 1 || passes(i));
    nodeOn[i] = on ? 1 : 0;
    vn += nodeOn[i];
  }
  var ve = 0, low = 0;
  for (e = 0; e < m; e++) {
    var a = E[e].from, b = E[e].to, sc = score(e);
    if (sc < Z.minScore) low++;
    var ok = nodeOn[a] && nodeOn[b] && (sc >= Z.minScore || Z.expanded[a] || Z.expanded[b]);
    edgeOn[e] = ok ? 1 : 0;
    ve += edgeOn[e];
  }
  shown = {nodes: vn, edges: ve, low: low};
}
function passes(i) {
  var x = info[i];
  return !Z.off[x.t] && x.d >= Z.minDeg && (Z.singles || !x.s);
}

// ---- the network: positions from Python, stretched to the canvas's shape
Z = readHash(location.hash);
written = encodeState();
recompute();
var container = $("graph");
(function stretch() {
  var w = container.clientWidth, h = container.clientHeight;
  if (!w || !h) return;
  var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  DATA.nodes.forEach(function (v, i) {
    if (!nodeOn[i]) return;
    if (v.x < x0) x0 = v.x;
    if (v.x > x1) x1 = v.x;
    if (v.y < y0) y0 = v.y;
    if (v.y > y1) y1 = v.y;
  });
  if (!(x1 > x0 && y1 > y0)) return;
  var f = (w / h) / ((x1 - x0) / (y1 - y0));
  f = Math.max(1 / 1.8, Math.min(1.8, f));
  var cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  DATA.nodes.forEach(function (v) {
    if (f > 1) v.x = cx + (v.x - cx) * f; else v.y = cy + (v.y - cy) / f;
  });
})();
function nodeColour(i) {
  if (Z.colour === "community") {
    var c = info[i].g;
    return c !== undefined && c < PALETTE.length ? PALETTE[c] : FAINT;
  }
  return st(info[i].t).color;
}
if (Z.colour !== "type") DATA.nodes.forEach(function (v, i) { v.color = nodeColour(i); });
var nodesDS = new vis.DataSet(DATA.nodes);
var edgesDS = new vis.DataSet(DATA.edges);
var nodeView = new vis.DataView(nodesDS, {filter: function (node) { return nodeOn[node.id] === 1; }});
var edgeView = new vis.DataView(edgesDS, {filter: function (edge) { return edgeOn[edge.id] === 1; }});
var network = new vis.Network(container, {nodes: nodeView, edges: edgeView}, DATA.options);
var BODY = network.body && network.body.nodes ? network.body : null;  // vis-network's drawn items
var kg = window.__kg = {network: network, nodes: nodesDS, edges: edgesDS, nodeView: nodeView,
  edgeView: edgeView, info: info, ready: false, readyAt: null, select: focusNode, focus: focusNode,
  clear: clearFocus, expand: expand, hide: hideNode, search: searchNodes, panel: $("panel"),
  labels: function () { return drawnLabels.map(function (r) { return {node: r.i, text: r.text, x: r.x, y: r.y, w: r.w, h: r.h}; }); },
  state: function () {
    return {focus: Z.focus, bright: brightNodes.slice(), dimmed: Z.focus >= 0 ? shown.nodes - brightNodes.length : 0,
      nodes: shown.nodes, edges: shown.edges, hash: encodeState(), note: $("note").textContent};
  },
  hash: encodeState, idle: function () { return kg.ready && !moving; }};
network.once("afterDrawing", function () {
  // the first drawing measured the nodes: fit the view, then the page is ready
  network.once("afterDrawing", function () {
    kg.ready = true;
    kg.readyAt = performance.now();
    document.body.setAttribute("data-ready", "1");
    renderList();  // after the first drawing: the graph comes first
    if (Z.focus >= 0) focusNode(Z.focus, {fit: true, instant: true});
  });
  network.fit({animation: false});
  fitScale = network.getScale();
});

// ---- focus: the node and its neighbourhood stay bright, the rest is dimmed
var brightNodes = [], brightEdges = [], brightSet = null;
function computeBright() {
  brightNodes = []; brightEdges = []; brightSet = null;
  if (Z.focus < 0 || !nodeOn[Z.focus]) return;
  brightSet = {};
  brightSet[Z.focus] = 1;
  brightNodes.push(Z.focus);
  incident(Z.focus).forEach(function (id) {
    if (!edgeOn[id]) return;
    brightEdges.push(id);
    var j = other(id, Z.focus);
    if (!brightSet[j]) { brightSet[j] = 1; brightNodes.push(j); }
  });
}
function drawFocus(ctx) {
  var w = container.clientWidth, h = container.clientHeight;
  var a = network.DOMtoCanvas({x: 0, y: 0}), b = network.DOMtoCanvas({x: w, y: h});
  ctx.save();
  ctx.fillStyle = "rgba(250,250,250,0.84)";
  ctx.fillRect(a.x, a.y, b.x - a.x, b.y - a.y);
  ctx.restore();
  if (!BODY) return;
  brightEdges.forEach(function (id) {
    var be = BODY.edges[id];
    if (be && be.connected && typeof be.draw === "function") {
      be.draw(ctx);
      if (typeof be.drawArrows === "function") be.drawArrows(ctx);
    }
  });
  brightNodes.slice().reverse().forEach(function (i) {
    var bn = BODY.nodes[i];
    if (bn && typeof bn.draw === "function") bn.draw(ctx);
  });
}

// ---- labels: drawn by the page, most important first, never overlapping
var labelOrder = [], drawnLabels = [], textWidth = new Float32Array(n), fitScale = 1;
function orderLabels() {
  labelOrder = [];
  for (var i = 0; i < n; i++) if (nodeOn[i]) labelOrder.push(i);
  labelOrder.sort(function (a, b) { return prio(b) - prio(a) || a - b; });
}
function labelText(i) { return short(info[i].n, info[i].t === "Paper" ? 42 : 36); }
var FONT = "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif";
function drawLabels(ctx) {
  var w = container.clientWidth, h = container.clientHeight;
  var scale = network.getScale(), vp = network.getViewPosition();
  var budget = Math.max(24, Math.round(w * h / 13000));
  // at the overview the map is the entities: paper titles get a few of the places
  var paperRoom = brightSet || scale > fitScale * 1.6 ? budget : Math.max(5, Math.round(budget * 0.2)), papers = 0;
  var cands = labelOrder;
  if (brightSet) {
    cands = brightNodes.slice(1).sort(function (a, b) { return prio(b) - prio(a) || a - b; });
    cands.unshift(brightNodes[0]);
    budget = Math.max(budget, 60);
  }
  var grid = new Map(), CELL = 64, out = [];
  function cells(r, fn) {
    for (var gx = Math.floor(r.x / CELL); gx <= Math.floor((r.x + r.w) / CELL); gx++) {
      for (var gy = Math.floor(r.y / CELL); gy <= Math.floor((r.y + r.h) / CELL); gy++) {
        if (fn(gx * 100003 + gy) === false) return false;
      }
    }
    return true;
  }
  function free(r) {
    return cells(r, function (key) {
      var list = grid.get(key);
      if (!list) return true;
      for (var k = 0; k < list.length; k++) {
        var q = list[k];
        if (r.x < q.x + q.w && q.x < r.x + r.w && r.y < q.y + q.h && q.y < r.y + r.h) return false;
      }
      return true;
    });
  }
  var positions = BODY ? null : network.getPositions();
  var top = 0;
  for (var k = 0; k < cands.length && out.length < budget; k++) {
    var i = cands[k];
    if (!nodeOn[i] || (info[i].t === "Paper" && papers >= paperRoom)) continue;
    var p = BODY ? BODY.nodes[i] : positions[i];
    if (!p) continue;
    var sx = (p.x - vp.x) * scale + w / 2, sy = (p.y - vp.y) * scale + h / 2;
    if (sx < -50 || sx > w + 50 || sy < -50 || sy > h + 50) continue;
    var big = (brightSet && i === Z.focus) || (!brightSet && top < 12 && info[i].t !== "Paper");
    var fs = big ? 14 : 12;
    var text = labelText(i), tw;
    if (big) {
      ctx.font = "600 14px " + FONT;
      tw = ctx.measureText(text).width;
    } else {
      if (!textWidth[i]) {
        ctx.font = "12px " + FONT;
        textWidth[i] = ctx.measureText(text).width;
      }
      tw = textWidth[i];
    }
    var r = Math.max(nodeSize[i] * scale, 2), lh = fs + 2;
    // below the node, else above, right or left of it: the first free place
    var spots = [[sx - tw / 2, sy + r + 2], [sx - tw / 2, sy - r - 2 - lh],
      [sx + r + 4, sy - lh / 2], [sx - r - 4 - tw, sy - lh / 2]];
    var lx = 0, ly = 0, pad = null;
    for (var sp = 0; sp < spots.length && !pad; sp++) {
      lx = spots[sp][0]; ly = spots[sp][1];
      if (lx < 2 || lx + tw > w - 2 || ly < 2 || ly + lh + 1 > h - 2) continue;
      var box = {x: lx - 4, y: ly - 1, w: tw + 8, h: lh + 2};
      if (free(box)) pad = box;
    }
    if (!pad) continue;
    cells(pad, function (key) {
      var list = grid.get(key);
      if (list) list.push(pad); else grid.set(key, [pad]);
    });
    if (big) top++;
    if (info[i].t === "Paper") papers++;
    out.push({i: i, text: text, x: lx, y: ly, w: tw, h: lh, fs: fs, big: big});
  }
  drawnLabels = out;
  // in screen pixels: undo vis-network's translation and zoom, keep the device pixel ratio
  var t = ctx.getTransform ? ctx.getTransform() : null;
  var ratio = t && scale ? t.a / scale : (window.devicePixelRatio || 1);
  ctx.save();
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.textBaseline = "top";
  ctx.textAlign = "left";
  ctx.lineJoin = "round";
  out.forEach(function (r) {
    ctx.font = (r.big ? "600 " : "") + r.fs + "px " + FONT;
    ctx.lineWidth = 3.5;
    ctx.strokeStyle = "rgba(255,255,255,0.92)";
    ctx.strokeText(r.text, r.x, r.y);
    ctx.fillStyle = r.big ? "#111" : "#333";
    ctx.fillText(r.text, r.x, r.y);
  });
  ctx.restore();
}
network.on("afterDrawing", function (ctx) {
  if (brightSet) drawFocus(ctx);
  drawLabels(ctx);
});

// ---- filters and what they show
function update(how) {
  how = how || {};
  recompute();
  nodeView.refresh();
  edgeView.refresh();
  computeBright();
  orderLabels();
  showCounts();
  syncControls();
  scheduleList();
  writeHash();
  if (how.fit) fitView(how.instant);
  network.redraw();
}
var fitting = false, moving = false;
function fitTo(nodes, instant) {
  // the whole visible graph (nodes null) or these nodes; animated once the page is ready
  var still = instant || !kg.ready, opts = {animation: still ? false : {duration: 280, easingFunction: "easeInOutQuad"}};
  if (nodes) { opts.nodes = nodes; opts.maxZoomLevel = 1.6; }
  network.fit(opts);
  moving = !still;
  if (!nodes) { if (still) fitScale = network.getScale(); else fitting = true; }
}
function fitView(instant) { fitTo(null, instant); }
network.on("animationFinished", function () {
  moving = false;
  if (fitting) { fitting = false; fitScale = network.getScale(); }
});
function showCounts() {
  $("counts").textContent = fmt(shown.nodes) + " of " + fmt(S.totalNodes) + " nodes and " +
    fmt(shown.edges) + " of " + fmt(S.totalEdges) + " edges visible";
  var parts = ["Showing " + fmt(shown.nodes) + " of " + fmt(S.totalNodes) + " nodes and " +
    fmt(shown.edges) + " of " + fmt(S.totalEdges) + " edges"];
  var hid = [];
  if (!Z.singles && (nSingleEnt || nSinglePaper)) {
    hid.push(plural(nSingleEnt, "single-paper entity", "single-paper entities") +
      (nSinglePaper ? " and " + plural(nSinglePaper, "paper that shares", "papers that share") + " none" : ""));
  }
  if (shown.low) hid.push(plural(shown.low, "link", "links") + " below confidence " + Z.minScore.toFixed(2));
  var off = Object.keys(Z.off);
  if (off.length) hid.push("type" + (off.length > 1 ? "s " : " ") + off.join(", "));
  if (Z.minDeg) hid.push("degree below " + Z.minDeg);
  var nh = keysOf(Z.hidden).length;
  if (nh) hid.push(plural(nh, "node", "nodes") + " you hid");
  if (hid.length) parts.push("Hidden: " + hid.join("; "));
  if (keysOf(Z.expanded).length) parts.push("expanded: " + keysOf(Z.expanded).map(function (i) { return info[i].n; }).join(", "));
  if (S.scopeNote) parts.push(S.scopeNote);
  if (S.limitNote) parts.push(S.limitNote);
  $("note").textContent = parts.join(". ") + ".";
}

var legend = $("legend");
DATA.types.forEach(function (t) {
  var li = el("li"), lab = el("label"), box = el("input");
  box.type = "checkbox";
  box.setAttribute("data-type", t.name);
  box.addEventListener("change", function () {
    if (box.checked) delete Z.off[t.name]; else Z.off[t.name] = true;
    update({fit: true});
  });
  add(lab, box, " ", sym(t.name), " " + t.name + " ", el("span", "count", "(" + fmt(t.count) + ")"));
  add(legend, add(li, lab));
});
var degIn = $("min-degree"), scoreIn = $("min-score"), singleIn = $("singletons"), lowIn = $("low-conf");
function lowCount(th) {
  var k = 0;
  for (var e = 0; e < m; e++) if (score(e) < th) k++;
  return k;
}
function syncControls() {
  Array.prototype.forEach.call(legend.querySelectorAll("input"), function (b) {
    b.checked = !Z.off[b.getAttribute("data-type")];
  });
  degIn.value = String(Z.minDeg);
  $("min-degree-out").textContent = String(Z.minDeg);
  scoreIn.value = String(Z.minScore);
  $("min-score-out").textContent = Z.minScore.toFixed(2);
  singleIn.checked = Z.singles;
  $("singletons-label").textContent = "Show " + plural(nSingleEnt, "single-paper entity", "single-paper entities") +
    (nSinglePaper ? " (and " + plural(nSinglePaper, "paper that shares", "papers that share") + " none)" : "");
  singleIn.parentNode.hidden = !(nSingleEnt || nSinglePaper);
  if (Z.minScore > 0) lowBack = Z.minScore;
  lowIn.checked = Z.minScore === 0;
  var lows = lowCount(lowBack);
  $("low-conf-label").textContent = "Show " + plural(lows, "low-confidence link", "low-confidence links") +
    " (below " + lowBack.toFixed(2) + ")";
  lowIn.parentNode.hidden = !lows;
  var nh = keysOf(Z.hidden).length;
  $("hidden-nodes").hidden = !nh;
  $("hidden-count").textContent = plural(nh, "node", "nodes") + " hidden by you.";
  $("colour-by").value = Z.colour;
  $("communities").hidden = Z.colour !== "community";
}
degIn.addEventListener("input", function () {
  Z.minDeg = Math.max(0, parseInt(degIn.value, 10) || 0);
  update({fit: true});
});
scoreIn.addEventListener("input", function () {
  Z.minScore = Math.max(0, Math.min(1, parseFloat(scoreIn.value) || 0));
  update({fit: true});
});
singleIn.addEventListener("change", function () {
  Z.singles = singleIn.checked;
  update({fit: true});
});
lowIn.addEventListener("change", function () {
  Z.minScore = lowIn.checked ? 0 : lowBack;
  update({fit: true});
});
$("unhide").addEventListener("click", function () {
  Z.hidden = {};
  update({fit: true});
});
$("reset").addEventListener("click", function () {
  var keep = Z;
  Z = freshState();
  Z.focus = keep.focus; Z.q = keep.q; Z.colour = keep.colour; Z.tab = keep.tab; Z.sort = keep.sort;
  update({fit: true});
});
$("fit").addEventListener("click", function () { fitView(false); });

// ---- colours: by type or by community (Louvain, computed when the page was written)
var communityList = (function () {
  var g = {};
  info.forEach(function (x, i) {
    if (x.g === undefined) return;
    var c = g[x.g] || (g[x.g] = {c: x.g, papers: 0, entities: []});
    if (x.t === "Paper") c.papers++; else if (ENTITY[x.t]) c.entities.push(i);
  });
  return Object.keys(g).map(function (k) { return g[k]; }).sort(function (a, b) { return a.c - b.c; });
})();
(function communityLegend() {
  var box = $("communities");
  communityList.slice(0, PALETTE.length).forEach(function (c) {
    var top = c.entities.slice().sort(function (a, b) { return prio(b) - prio(a) || a - b; }).slice(0, 3);
    var sw = el("span", "swatch");
    sw.style.background = PALETTE[c.c];
    var row = add(el("div"), sw, top.map(function (i) { return info[i].n; }).join(", ") || "(papers only)",
      " ", el("span", "count", "(" + c.entities.length + " entities, " + c.papers + " papers)"));
    row.title = row.textContent;
    add(box, row);
  });
  if (communityList.length > PALETTE.length) add(box, el("div", "count", (communityList.length - PALETTE.length) + " smaller communities in grey"));
  if (!communityList.length) add(box, el("div", "count", "no communities (no links)"));
})();
var appliedColour = Z.colour;
function applyColours() {
  appliedColour = Z.colour;
  nodesDS.update(info.map(function (x, i) { return {id: i, color: nodeColour(i)}; }));
}
$("colour-by").addEventListener("change", function () {
  Z.colour = $("colour-by").value === "community" ? "community" : "type";
  applyColours();
  syncControls();
  writeHash();
});

// ---- selection, focus and the side panel
function focusNode(i, how) {
  if (typeof i !== "number" || i < 0 || i >= n) return false;
  how = how || {fit: true};
  Z.focus = i;
  if (Z.hidden[i]) delete Z.hidden[i];
  update();
  network.selectNodes([i]);
  showNode(i);
  network.setSize("100%", "100%");  // the panel may just have taken its room from the graph
  network.redraw();
  if (how.fit || !inView(brightNodes)) fitTo(brightNodes.length ? brightNodes : [i], how.instant);
  markRow();
  return true;
}
function inView(list) {
  var w = container.clientWidth, h = container.clientHeight, pos = network.getPositions(list);
  return list.every(function (i) {
    var p = pos[i];
    if (!p) return false;
    var d = network.canvasToDOM(p);
    return d.x > 20 && d.x < w - 20 && d.y > 20 && d.y < h - 20;
  });
}
function closePanel() {
  if ($("panel").hidden) return;
  $("panel").hidden = true;
  network.setSize("100%", "100%");  // the graph takes the panel's room back
  network.redraw();
}
function clearFocus() {
  if (Z.focus < 0) return;
  Z.focus = -1;
  network.unselectAll();
  closePanel();
  update();
  markRow();
}
function expand(i) {
  if (Z.expanded[i]) delete Z.expanded[i]; else Z.expanded[i] = true;
  Z.focus = i;
  update();
  network.selectNodes([i]);
  showNode(i);
  network.setSize("100%", "100%");
  fitTo(brightNodes.length ? brightNodes : [i]);
  return true;
}
function hideNode(i) {
  Z.hidden[i] = true;
  if (Z.expanded[i]) delete Z.expanded[i];
  if (Z.focus === i) { Z.focus = -1; network.unselectAll(); closePanel(); }
  update();
  markRow();
  return true;
}
function nodeButton(i, text) {
  var b = el("button", "node-link", text || info[i].n);
  b.type = "button";
  b.title = info[i].t + ": " + info[i].n;
  b.addEventListener("click", function () { focusNode(i); });
  return b;
}
function highlight(text, spans, clickable) {
  // spans: [{s, e, t (type), i (node)}]; overlapping spans are skipped
  var frag = document.createDocumentFragment(), at = 0;
  spans.sort(function (a, b) { return a.s - b.s || b.e - a.e; });
  spans.forEach(function (sp) {
    if (sp.s < at || sp.e > text.length || sp.s >= sp.e) return;
    if (sp.s > at) frag.appendChild(document.createTextNode(text.slice(at, sp.s)));
    var mk = el("mark", null, text.slice(sp.s, sp.e));
    mk.style.background = st(sp.t).color + "40";
    mk.style.borderBottom = "2px solid " + st(sp.t).color;
    if (sp.i !== undefined) {
      mk.title = sp.t + ": " + info[sp.i].n;
      if (clickable) mk.addEventListener("click", function () { focusNode(sp.i); });
    }
    frag.appendChild(mk);
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
function group(ids) {
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
function actionButton(text, title, fn) {
  var b = el("button", null, text);
  b.type = "button";
  if (title) b.title = title;
  b.addEventListener("click", fn);
  return b;
}
function actions(i) {
  var bar = el("div", "actions"), hiddenNbrs = neighbours(i).filter(function (j) { return !nodeOn[j]; }).length;
  if (Z.expanded[i]) {
    add(bar, actionButton("Collapse", "Hide again the neighbours that only expanding showed", function () { expand(i); }));
  } else {
    var b = actionButton(hiddenNbrs ? "Expand: show " + plural(hiddenNbrs, "hidden neighbour", "hidden neighbours") : "Expand",
      "Show every neighbour of this node, whatever the filters", function () { expand(i); });
    b.setAttribute("data-action", "expand");
    add(bar, b);
  }
  var h = actionButton("Hide", "Hide this node (Show again in Filters brings it back)", function () { hideNode(i); });
  h.setAttribute("data-action", "hide");
  add(bar, h);
  return bar;
}
// sections added to an entity's panel after its aliases: function (node index, panel body)
var SECTIONS = [];
kg.sections = SECTIONS;

// ---- results tables: the values papers report on a dataset (or for a task), best first
function reporter(r) {
  for (var k = 0; k < inE[r].length; k++) if (etype(inE[r][k]) === "reports") return E[inE[r][k]].from;
  return -1;
}
function resultsFor(i) {
  var x = info[i], out = [], seen = {};
  if (x.t === "Dataset") {
    info.forEach(function (r, j) { if (r.t === "Result" && r.da === x.id && r.v !== undefined) out.push(j); });
  } else if (x.t === "Task") {
    inE[i].forEach(function (id) {
      var paper = E[id].from;
      if (info[paper].t !== "Paper") return;
      outE[paper].forEach(function (rid) {
        var r = E[rid].to;
        if (etype(rid) === "reports" && !seen[r] && info[r].v !== undefined) { seen[r] = 1; out.push(r); }
      });
    });
  }
  return out;
}
function leaderboards(i) {
  // [{metric id, dataset id (tasks), direction, rows: [result index]}], biggest table first
  var groups = {}, order = [];
  resultsFor(i).forEach(function (r) {
    var x = info[r], key = (info[i].t === "Task" ? (x.da || "") : "") + "\u0000" + (x.mt || "");
    if (!groups[key]) { groups[key] = {metric: x.mt, dataset: info[i].t === "Task" ? x.da : null, rows: []}; order.push(key); }
    groups[key].rows.push(r);
  });
  return order.map(function (k) {
    var g = groups[k], m = g.metric !== undefined ? byId[g.metric] : undefined;
    g.direction = m !== undefined ? info[m].dir || null : null;
    var sign = g.direction === "lower" ? 1 : -1;
    g.rows.sort(function (a, b) { return sign * (info[a].v - info[b].v) || a - b; });
    return g;
  }).sort(function (a, b) {
    return b.rows.length - a.rows.length || cmpText(nameOf(a.metric), nameOf(b.metric));
  });
}
function nodeOrText(id) {
  return id !== undefined && id !== "" && byId[id] !== undefined ? nodeButton(byId[id]) : document.createTextNode(id ? String(id) : "\u2014");
}
SECTIONS.push(function (i, body) {
  var boards = leaderboards(i);
  if (!boards.length) return;
  var total = boards.reduce(function (a, g) { return a + g.rows.length; }, 0);
  add(body, el("h3", null, "Results (" + total + ")"));
  boards.forEach(function (g) {
    var cap = el("div", "board-title");
    add(cap, nodeOrText(g.metric));
    if (g.dataset) add(cap, " on ", nodeOrText(g.dataset));
    add(cap, " ", el("span", "muted", g.direction ? "(" + g.direction + " is better)" : "(which way is better is not recorded)"));
    var table = el("table", "board"), head = el("tr");
    ["#", "Method", "Value", "Paper"].forEach(function (h) { add(head, el("th", null, h)); });
    add(table, head);
    g.rows.forEach(function (r, k) {
      var x = info[r], tr = el("tr"), paper = reporter(r);
      add(tr, el("td", "num", g.direction ? String(k + 1) : ""), add(el("td"), nodeOrText(x.me)),
        el("td", "num", String(x.v) + (x.un || "")), add(el("td"), paper >= 0 ? nodeButton(paper, short(info[paper].n, 48)) : "\u2014"));
      tr.setAttribute("data-result", String(r));
      add(table, tr);
    });
    add(body, cap, table);
  });
});
kg.leaderboards = function (i) {
  return leaderboards(i).map(function (g) {
    return {metric: g.metric, dataset: g.dataset, direction: g.direction,
      rows: g.rows.map(function (r) { return {node: r, method: info[r].me || null, value: info[r].v}; })};
  });
};
function showNode(i) {
  var x = info[i], body = $("panel-body"), panel = $("panel");
  body.textContent = "";
  panel.hidden = false;
  panel.setAttribute("data-node", String(i));
  var h = el("h2");
  if (paperTitle(i)) add(h, highlight(paperTitle(i), mentionSpans(i, 0), true)); else h.textContent = x.n;
  var meta = "degree " + x.d + (x.p !== undefined && x.t !== "Paper" ? " \u00b7 " + plural(x.p, "paper", "papers") : "");
  if (x.g !== undefined) meta += " \u00b7 community " + (x.g + 1);
  add(body, h, add(el("p"), badge(x.t), " ", el("span", "muted", meta + " \u00b7 " + x.id)), actions(i));
  if (x.t === "Paper") {
    var pm = el("p", "muted");
    if (x.dt) add(pm, x.dt + " ");
    if (x.au) add(pm, x.au.slice(0, 12).join(", ") + (x.au.length > 12 ? " et al." : "") + " ");
    if (x.c) add(pm, "[" + x.c.join(", ") + "]");
    if (pm.childNodes.length) add(body, pm);
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
    add(p, nameOf(x.mt) + " = " + (x.v !== undefined ? x.v : "?") + (x.un || ""));
    add(body, p);
    [["Method", x.me], ["Dataset", x.da]].forEach(function (r) {
      if (r[1]) add(body, add(el("p"), r[0] + ": ", byId[r[1]] !== undefined ? nodeButton(byId[r[1]]) : r[1]));
    });
  } else {
    add(body, el("h3", null, "Aliases"));
    if (x.a && x.a.length) {
      var al = el("ul");
      x.a.forEach(function (a) { add(al, el("li", null, a)); });
      add(body, al);
    } else add(body, el("p", "muted", "none recorded"));
    SECTIONS.forEach(function (fn) { fn(i, body); });
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
  var body = $("panel-body"), panel = $("panel");
  body.textContent = "";
  panel.hidden = false;
  panel.removeAttribute("data-node");
  network.setSize("100%", "100%");
  add(body, el("h2", null, "Edge: " + etype(id)), edgeSummary(id),
    add(el("p"), "From ", nodeButton(E[id].from)), add(el("p"), "To ", nodeButton(E[id].to)));
}
$("panel-close").addEventListener("click", function () { clearFocus(); closePanel(); });
network.on("click", function (p) {
  if (p.nodes.length) focusNode(p.nodes[0], {fit: false});
  else if (p.edges.length) showEdge(p.edges[0]);
  else clearFocus();
});
document.addEventListener("keydown", function (e) {
  if (e.key === "Escape" && e.target === document.body) clearFocus();
});

// ---- plain-text tooltips (vis-network's own would render HTML strings)
var tip = $("tooltip");
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
  if (x.p !== undefined && x.t !== "Paper") extra += " \u00b7 " + plural(x.p, "paper", "papers");
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
function matches(q) {
  // node -> [rank (0 exact, 1 prefix, 2 substring), which name matched]
  q = String(q || "").trim().toLowerCase();
  var best = {};
  if (!q) return best;
  index.forEach(function (r) {
    var pos = r[0].indexOf(q);
    if (pos < 0) return;
    var rank = r[0] === q ? 0 : pos === 0 ? 1 : 2;
    var old = best[r[1]];
    if (!old || rank < old[0]) best[r[1]] = [rank, r[2]];
  });
  return best;
}
function searchNodes(q) {
  var best = matches(q);
  return Object.keys(best).map(Number).sort(function (a, b) {
    return best[a][0] - best[b][0] || info[b].d - info[a].d || (info[a].n < info[b].n ? -1 : info[a].n > info[b].n ? 1 : 0);
  }).slice(0, 15).map(function (i) { return {node: i, alias: best[i][1] > 0 ? info[i].a[best[i][1] - 1] : null}; });
}
var search = $("search"), results = $("results");
function choose(i) {
  results.hidden = true;
  focusNode(i);
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
search.addEventListener("input", function () {
  renderResults();
  Z.q = search.value.trim();
  scheduleList();
  writeHash();
});
search.addEventListener("keydown", function (e) {
  if (e.key === "Enter") {
    var found = searchNodes(search.value);
    if (found.length) choose(found[0].node);
    e.preventDefault();
  } else if (e.key === "Escape") { results.hidden = true; }
});
document.addEventListener("click", function (e) {
  if (!$("search-wrap").contains(e.target)) results.hidden = true;
});

// ---- the list beside the graph: what the filters show (and the search matches), sortable
var LIST_PAGE = 200, listLimit = LIST_PAGE, listTimer = 0, listRows = [];
var hasDates = info.some(function (x) { return x.t === "Paper" && x.dt; });
var COLS = {
  entities: [{key: "name", label: "Name"}, {key: "type", label: "Type", cls: "type"},
    {key: "papers", label: "Papers", cls: "num", desc: true}],
  papers: [{key: "title", label: "Title"}, {key: "entities", label: "Entities", cls: "num", desc: true}]
    .concat(hasDates ? [{key: "date", label: "Date", cls: "type", desc: true}] : [])
};
var DEFAULT_SORT = {entities: {key: "papers", dir: -1}, papers: {key: "entities", dir: -1}};
var entityCount = info.map(function (x, i) {
  if (x.t !== "Paper") return 0;
  return neighbours(i).filter(function (j) { return ENTITY[info[j].t]; }).length;
});
function sortSpec() {
  var s = Z.sort, cols = COLS[Z.tab];
  if (s && cols.some(function (c) { return c.key === s.key; })) return s;
  return DEFAULT_SORT[Z.tab];
}
function cmpText(a, b) { a = a.toLowerCase(); b = b.toLowerCase(); return a < b ? -1 : a > b ? 1 : 0; }
function sortValue(i, key) {
  var x = info[i];
  if (key === "papers") return x.p || 0;
  if (key === "entities") return entityCount[i];
  if (key === "type") return x.t;
  if (key === "date") return x.dt || "";
  return x.n;
}
function renderList() {
  var entities = 0, papers = 0, rows = [];
  var q = Z.q ? matches(Z.q) : null;
  for (var i = 0; i < n; i++) {
    if (!nodeOn[i] || (q && !q[i])) continue;
    var isPaper = info[i].t === "Paper";
    if (isPaper) papers++; else entities++;
    if (isPaper === (Z.tab === "papers")) rows.push(i);
  }
  $("list-filter").hidden = !q;
  if (q) {
    $("list-filter-text").textContent = plural(entities, "entity", "entities") + ", " +
      plural(papers, "paper", "papers") + " match \u201c" + Z.q + "\u201d";
  }
  $("tab-entities").textContent = "Entities (" + fmt(entities) + ")";
  $("tab-papers").textContent = "Papers (" + fmt(papers) + ")";
  $("tab-entities").setAttribute("aria-selected", String(Z.tab === "entities"));
  $("tab-papers").setAttribute("aria-selected", String(Z.tab === "papers"));
  var s = sortSpec();
  rows.sort(function (a, b) {
    var va = sortValue(a, s.key), vb = sortValue(b, s.key);
    var c = typeof va === "number" ? va - vb : cmpText(va, vb);
    return c * s.dir || prio(b) - prio(a) || a - b;
  });
  listRows = rows;
  var head = $("list-head");
  head.textContent = "";
  COLS[Z.tab].forEach(function (c) {
    var th = el("th", c.cls), b = el("button", null, c.label + (s.key === c.key ? (s.dir < 0 ? " \u25bc" : " \u25b2") : ""));
    b.type = "button";
    b.setAttribute("data-sort", c.key);
    b.addEventListener("click", function () {
      var cur = sortSpec();
      Z.sort = {key: c.key, dir: cur.key === c.key ? -cur.dir : (c.desc ? -1 : 1)};
      listLimit = LIST_PAGE;
      renderList();
      writeHash();
    });
    add(head, add(th, b));
  });
  var tbody = $("list-body");
  tbody.textContent = "";
  var frag = document.createDocumentFragment();
  rows.slice(0, listLimit).forEach(function (i) {
    var x = info[i], tr = el("tr");
    tr.setAttribute("data-node", String(i));
    if (i === Z.focus) tr.className = "on";
    if (Z.tab === "entities") {
      var name = add(el("td"), sym(x.t), " ", x.n);
      name.title = x.n;
      add(tr, name, el("td", "type", x.t), el("td", "num", fmt(x.p || 0)));
    } else {
      var td = add(el("td", "title"), el("div", null, x.n));
      td.title = x.n;
      var names = neighbours(i).filter(function (j) { return ENTITY[info[j].t] && nodeOn[j]; })
        .sort(function (a, b) { return prio(b) - prio(a) || a - b; }).map(function (j) { return info[j].n; });
      if (names.length) add(td, el("div", "sub", names.slice(0, 8).join(", ") + (names.length > 8 ? ", \u2026" : "")));
      add(tr, td, el("td", "num", fmt(entityCount[i])));
      if (hasDates) add(tr, el("td", "type", x.dt || ""));
    }
    tr.tabIndex = 0;
    tr.addEventListener("click", function () { focusNode(i); });
    tr.addEventListener("keydown", function (e) { if (e.key === "Enter") focusNode(i); });
    frag.appendChild(tr);
  });
  tbody.appendChild(frag);
  var more = $("list-more");
  more.hidden = rows.length <= listLimit;
  more.textContent = "Show " + fmt(Math.min(LIST_PAGE, rows.length - listLimit)) + " more (of " + fmt(rows.length) + ")";
}
function scheduleList() {
  clearTimeout(listTimer);
  listTimer = setTimeout(renderList, 30);
}
function markRow() {
  Array.prototype.forEach.call($("list-body").querySelectorAll("tr.on"), function (tr) { tr.className = ""; });
  if (Z.focus < 0) return;
  var tr = $("list-body").querySelector("tr[data-node=\"" + Z.focus + "\"]");
  if (tr) {
    tr.className = "on";
    if (tr.scrollIntoView) tr.scrollIntoView({block: "nearest"});
  }
}
$("list-filter-clear").addEventListener("click", function () {
  search.value = "";
  Z.q = "";
  results.hidden = true;
  renderList();
  writeHash();
});
$("list-more").addEventListener("click", function () { listLimit += LIST_PAGE; renderList(); });
Array.prototype.forEach.call(document.querySelectorAll("#tabs button"), function (b) {
  b.addEventListener("click", function () {
    Z.tab = b.getAttribute("data-tab") === "papers" ? "papers" : "entities";
    Z.sort = null;
    listLimit = LIST_PAGE;
    renderList();
    writeHash();
  });
});
kg.list = function () { return listRows.slice(); };
kg.renderList = renderList;

// ---- the address keeps the state: going to a shared link (or editing it) restores it
window.addEventListener("hashchange", function () {
  var h = location.hash.replace(/^#/, "");
  if (h === written) return;
  written = h;
  Z = readHash(h);
  search.value = Z.q;
  if (Z.colour !== appliedColour) applyColours();
  update({fit: Z.focus < 0});
  if (Z.focus >= 0) focusNode(Z.focus, {fit: true});
  else { network.unselectAll(); closePanel(); }
});

search.value = Z.q;
computeBright();
orderLabels();
showCounts();
syncControls();
})();
