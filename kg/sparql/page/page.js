/* The query page of `kg serve`: pick or type a SPARQL query, run it against /sparql, see a
   table, download it as CSV or JSON. Every element is built with textContent (never
   innerHTML with data), so nothing in the graph can inject markup or script. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-page-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var editor = $("query"), examples = $("examples"), status = $("status"), results = $("results");
  var runButton = $("run"), csvButton = $("csv"), jsonButton = $("json");
  var MAX_ROWS = 2000;
  var NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger)$/;
  var state = { ready: false, running: false, last: null, lastDownload: null, runs: 0 };
  window.__kgq = state;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function shorten(iri) {
    var best = null;
    Object.keys(data.prefixes).forEach(function (p) {
      var ns = data.prefixes[p];
      if (iri.length > ns.length && iri.lastIndexOf(ns, 0) === 0 && (!best || ns.length > best[1].length)) {
        best = [p, ns];
      }
    });
    return best ? best[0] + ":" + iri.slice(best[1].length) : iri;
  }

  function setStatus(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  function clearResults() {
    while (results.firstChild) results.removeChild(results.firstChild);
    csvButton.disabled = true;
    jsonButton.disabled = true;
    state.last = null;
  }

  function showExample(i) {
    var q = data.queries[i];
    if (!q) return;
    editor.value = q.text;
    $("about").textContent = q.about;
  }

  // ---- results

  function cell(binding) {
    if (!binding) return el("td", "", "unbound");
    if (binding.type === "uri") {
      var td = el("td", shorten(binding.value), "iri");
      td.title = binding.value;
      return td;
    }
    if (binding.type === "bnode") return el("td", "_:" + binding.value);
    if (binding.type === "triple") return el("td", JSON.stringify(binding.value));
    var lit = el("td", binding.value, NUMERIC.test(binding.datatype || "") ? "num" : "");
    if (binding["xml:lang"]) lit.title = "@" + binding["xml:lang"];
    else if (binding.datatype) lit.title = shorten(binding.datatype);
    return lit;
  }

  function renderTable(json) {
    var vars = json.head.vars || [];
    var rows = json.results.bindings;
    var table = el("table"), thead = el("thead"), tr = el("tr"), tbody = el("tbody");
    vars.forEach(function (v) { tr.appendChild(el("th", v)); });
    thead.appendChild(tr);
    rows.slice(0, MAX_ROWS).forEach(function (b) {
      var row = el("tr");
      vars.forEach(function (v) { row.appendChild(cell(b[v])); });
      tbody.appendChild(row);
    });
    table.appendChild(thead);
    table.appendChild(tbody);
    results.appendChild(table);
    return rows.length;
  }

  function csvField(s) {
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function toCSV(json) {
    if (typeof json.boolean === "boolean") return "boolean\r\n" + json.boolean + "\r\n";
    var vars = json.head.vars || [];
    var lines = [vars.map(csvField).join(",")];
    json.results.bindings.forEach(function (b) {
      lines.push(vars.map(function (v) { return csvField(b[v] ? String(b[v].value) : ""); }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }

  function download(name, type, text) {
    state.lastDownload = { name: name, type: type, text: text };
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = el("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  // "SPARQL syntax error at line 2, column 7: ..." selects that place in the editor
  function pointAt(message) {
    var m = /line (\d+), column (\d+)/.exec(message);
    if (!m) return;
    var lines = editor.value.split("\n"), line = Number(m[1]) - 1, offset = 0;
    for (var i = 0; i < line && i < lines.length; i++) offset += lines[i].length + 1;
    offset = Math.min(offset + Number(m[2]) - 1, editor.value.length);
    editor.focus();
    editor.setSelectionRange(offset, Math.min(offset + 1, editor.value.length));
  }

  function run() {
    var text = editor.value;
    if (state.running) return;
    if (!text.trim()) { setStatus("Type a query first.", true); return; }
    state.running = true;
    runButton.disabled = true;
    clearResults();
    setStatus("Running…", false);
    var started = performance.now();
    fetch(data.endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9"
      },
      body: new URLSearchParams({ query: text }).toString(),
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.text().then(function (body) {
        return { ok: response.ok, status: response.status, type: response.headers.get("Content-Type") || "", body: body };
      });
    }).then(function (r) {
      var ms = Math.round(performance.now() - started);
      if (!r.ok) {
        setStatus(r.body.trim() || ("HTTP " + r.status), true);
        pointAt(r.body);
        return;
      }
      if (r.type.indexOf("application/sparql-results+json") === 0) {
        var json = JSON.parse(r.body);
        state.last = { json: json, text: r.body };
        if (typeof json.boolean === "boolean") {
          var t = el("table"), body = el("tbody"), row = el("tr");
          row.appendChild(el("td", String(json.boolean)));
          body.appendChild(row);
          t.appendChild(body);
          results.appendChild(t);
          setStatus("ASK: " + json.boolean + " (" + ms + " ms)", false);
        } else {
          var n = renderTable(json);
          setStatus(n + (n === 1 ? " row" : " rows") + " in " + ms + " ms" +
            (n > MAX_ROWS ? "; the first " + MAX_ROWS + " are shown, downloads have all" : ""), false);
        }
        csvButton.disabled = false;
        jsonButton.disabled = false;
      } else {
        results.appendChild(el("pre", r.body));
        setStatus("CONSTRUCT/DESCRIBE result as Turtle (" + ms + " ms)", false);
      }
    }).catch(function (err) {
      setStatus("The endpoint did not answer: " + err.message, true);
    }).then(function () {
      state.running = false;
      state.runs += 1;
      runButton.disabled = false;
    });
  }

  data.queries.forEach(function (q, i) {
    var option = el("option", q.name + " — " + q.title);
    option.value = String(i);
    examples.appendChild(option);
  });
  examples.addEventListener("change", function () { showExample(Number(examples.value)); });
  runButton.addEventListener("click", run);
  editor.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });
  csvButton.addEventListener("click", function () {
    if (state.last) download("results.csv", "text/csv", toCSV(state.last.json));
  });
  jsonButton.addEventListener("click", function () {
    if (state.last) download("results.json", "application/sparql-results+json", state.last.text);
  });
  $("endpoint").textContent = new URL(data.endpoint, window.location.href).href;
  showExample(0);
  state.ready = true;
}());
