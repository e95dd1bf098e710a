/* SPARQL editor: YASGUI on our own /sparql, the named queries as examples, and a small bar-chart plugin. */
(function () {
  "use strict";
  var cfgEl = document.getElementById("axiskg-editor-config");
  var root = document.getElementById("yasgui");
  if (!cfgEl || !root || typeof Yasgui === "undefined") return;
  var cfg = JSON.parse(cfgEl.textContent);
  var endpoint = new URL(cfg.endpoint, window.location.href).href;
  var NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;

  function shortName(b) {
    if (!b) return "";
    if (b.type === "uri") {
      for (var p in cfg.prefixes) {
        if (b.value.indexOf(cfg.prefixes[p]) === 0) return p + ":" + b.value.slice(cfg.prefixes[p].length);
      }
    }
    return b.value;
  }

  /* A chart where it fits: one label column and one numeric column, at most 60 rows. */
  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart";
  }
  ChartPlugin.prototype.columns = function () {
    var r = this.yasr.results;
    if (!r || typeof r.getVariables !== "function" || typeof r.getBindings !== "function") return null;
    var vars = r.getVariables() || [], rows = r.getBindings() || [];
    if (!rows.length || rows.length > 60) return null;
    var num = vars.filter(function (v) {
      return rows.every(function (b) { return b[v] && b[v].datatype && NUMERIC.test(b[v].datatype); });
    });
    if (!num.length) return null;
    var lab = vars.filter(function (v) { return num.indexOf(v) < 0; })[0];
    return { label: lab, value: num[0], rows: rows };
  };
  ChartPlugin.prototype.canHandleResults = function () { return !!this.columns(); };
  ChartPlugin.prototype.getIcon = function () {
    var d = document.createElement("div");
    d.textContent = "\u2587";
    return d;
  };
  ChartPlugin.prototype.draw = function () {
    var c = this.columns();
    if (!c) return;
    var ns = "http://www.w3.org/2000/svg", barH = 22, labelW = 260, width = 760;
    var max = Math.max.apply(null, c.rows.map(function (b) { return Number(b[c.value].value) || 0; }).concat([1]));
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + (c.rows.length * barH + 10));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "Bar chart of " + c.value + (c.label ? " by " + c.label : ""));
    c.rows.forEach(function (b, i) {
      var v = Number(b[c.value].value) || 0, y = i * barH + 5;
      var t = document.createElementNS(ns, "text");
      t.setAttribute("x", labelW - 6); t.setAttribute("y", y + 15); t.setAttribute("text-anchor", "end");
      t.textContent = c.label ? shortName(b[c.label]).slice(0, 40) : String(i + 1);
      var r = document.createElementNS(ns, "rect");
      r.setAttribute("x", labelW); r.setAttribute("y", y + 2); r.setAttribute("height", barH - 6);
      r.setAttribute("width", Math.max(1, (width - labelW - 60) * v / max)); r.setAttribute("fill", "#0b57a4");
      var n = document.createElementNS(ns, "text");
      n.setAttribute("x", labelW + Math.max(1, (width - labelW - 60) * v / max) + 4); n.setAttribute("y", y + 15);
      n.textContent = String(v);
      svg.appendChild(t); svg.appendChild(r); svg.appendChild(n);
    });
    var wrap = document.createElement("div");
    wrap.className = "axiskg-chart";
    wrap.appendChild(svg);
    this.yasr.resultsEl.appendChild(wrap);
  };
  Yasgui.Yasr.registerPlugin("chart", ChartPlugin);

  // Only local autocompletion: the property/class completers call an external service.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  // The editor's text field (CodeMirror's hidden textarea) has no label of its own: name it for screen readers.
  Yasgui.Yasqe.defaults.screenReaderLabel = "SPARQL query";

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasr: { prefixes: cfg.prefixes }
  });
  window.axiskgYasgui = yasgui;

  // Results link an IRI to itself; ours (under the persistent base) open here, where this server serves
  // them at the same path: /id/..., /ontology..., /graph/... (on a local install w3id.org leads elsewhere).
  // Only the kinds of IRI this server serves: `.../axiskg//other.host/x` must not become `//other.host/x`.
  var SERVED = /^(id|ontology|graph|dataset|downloads)([\/#?]|$)/;
  function localLinks(node) {
    if (!node.querySelectorAll) return;
    Array.prototype.forEach.call(node.querySelectorAll('a[href^="' + cfg.base + '"]'), function (a) {
      var rest = a.getAttribute("href").slice(cfg.base.length);
      if (SERVED.test(rest)) a.setAttribute("href", "/" + rest);
    });
  }
  // YASGUI's fields without a label (the endpoint of each tab, the rows-per-page of a results table) get a
  // name for screen readers, in every tab and results view it draws.
  var LABELS = [["input.autocomplete", "SPARQL endpoint"], ["select.tableSizer", "Rows per page"]];
  function labelFields(node) {
    if (!node.querySelectorAll) return;
    LABELS.forEach(function (l) {
      var found = Array.prototype.slice.call(node.querySelectorAll(l[0]));
      if (node.matches(l[0])) found.push(node);
      found.forEach(function (el) {
        if (!el.hasAttribute("aria-label") && !el.labels.length) el.setAttribute("aria-label", l[1]);
      });
    });
  }
  labelFields(root);
  new MutationObserver(function (changes) {
    changes.forEach(function (c) {
      Array.prototype.forEach.call(c.addedNodes, function (n) { localLinks(n); labelFields(n); });
    });
  }).observe(root, { childList: true, subtree: true });
  // A link with the query after "#" (YASGUI's own share links: #query=...) opens that query too.
  var shared = new URLSearchParams(window.location.hash.slice(1)).get("query");
  var tab = yasgui.getTab();
  if (tab) {
    tab.setEndpoint && tab.setEndpoint(endpoint);
    tab.setQuery(shared || cfg.initial);
  }

  // The address bar follows the query being edited (?query=): a reload keeps it, and the address is a link
  // to it. The default query leaves the address bare, and so does a query too long for an address that
  // proxies pass (nginx reads a request line of 8 KB): a reload then opens the default, never an older text.
  var MAX_URL = 8000, timer = null;
  function syncUrl() {
    var t = yasgui.getTab();
    var q = t && t.getQuery ? t.getQuery() : null;
    if (typeof q !== "string") return;
    var url = new URL(window.location.href);
    url.hash = "";
    if (q === cfg["default"]) url.searchParams["delete"]("query"); else url.searchParams.set("query", q);
    if (url.href.length > MAX_URL) url.searchParams["delete"]("query");
    if (url.href !== window.location.href) window.history.replaceState(null, "", url.href);
  }
  function later() { clearTimeout(timer); timer = setTimeout(syncUrl, 250); }
  function watch(t) {
    var y = t && t.getYasqe ? t.getYasqe() : null;
    if (y && !y.axiskgWatched) { y.axiskgWatched = true; y.on("change", later); }
  }
  watch(tab);
  yasgui.on("tabSelect", function () { setTimeout(function () { watch(yasgui.getTab()); syncUrl(); }, 0); });
  if (shared) syncUrl();

  function openExample(name) {
    var q = cfg.examples.filter(function (e) { return e.name === name; })[0];
    if (!q) return;
    var t = yasgui.addTab(true, { name: q.title.slice(0, 40), yasqe: { value: q.query } });
    if (t && t.setEndpoint) t.setEndpoint(endpoint);
    var active = yasgui.getTab();
    if (active) active.setQuery(q.query);
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (btn) {
    btn.hidden = false;
    var link = btn.parentNode.querySelector("a.example-page");
    if (link) link.textContent = "run with a form";
    btn.addEventListener("click", function () { openExample(btn.getAttribute("data-name")); });
  });
})();
