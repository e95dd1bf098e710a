/* Network view: cytoscape over /network.json, filtered by kind, source (report) and time. */
(function () {
  "use strict";
  var el = document.getElementById("network");
  var form = document.getElementById("network-filters");
  var status = document.getElementById("network-status");
  if (!el || typeof cytoscape === "undefined") return;
  var COLORS = { person: "#1f6fb2", org: "#8e3b13", meeting: "#2b7a2b" };
  var SHAPES = { person: "ellipse", org: "round-rectangle", meeting: "diamond" };

  fetch("/network.json", { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) throw new Error("network.json: HTTP " + r.status); return r.json(); })
    .then(draw)
    .catch(function (e) { status.textContent = "The graph could not be drawn (" + e.message + "); the table below lists every link."; });

  function year(d) { return d ? parseInt(d.slice(0, 4), 10) : null; }

  function draw(data) {
    form.hidden = false;
    el.hidden = false;
    var linked = {};
    data.edges.forEach(function (e) { linked[e.source] = linked[e.target] = true; });
    var elements = [];
    data.nodes.forEach(function (n) {
      if (!linked[n.id]) return;
      var spans = n.start || n.end ? [{ start: year(n.start), end: year(n.end) }] : [];
      elements.push({ group: "nodes", data: { id: n.id, label: n.label, kind: n.kind, url: n.url, spans: spans } });
    });
    data.edges.forEach(function (e) {
      var spans = (e.dates || []).map(function (d) { return { start: year(d.not_before), end: year(d.not_after) }; });
      elements.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, label: e.label,
        reports: e.reports, spans: spans }, classes: e.disputed ? "disputed" : "" });
    });
    var cy = cytoscape({
      container: el,
      elements: elements,
      style: [
        { selector: "node", style: { "label": "data(label)", "font-size": 10, "text-wrap": "ellipsis", "text-max-width": 120,
          "background-color": function (n) { return COLORS[n.data("kind")] || "#555"; },
          "shape": function (n) { return SHAPES[n.data("kind")] || "ellipse"; },
          "width": 18, "height": 18, "color": "#1b1f24", "text-valign": "bottom", "text-margin-y": 3 } },
        { selector: "edge", style: { "width": 1.2, "line-color": "#7d8896", "curve-style": "bezier",
          "target-arrow-shape": "triangle", "target-arrow-color": "#7d8896", "arrow-scale": 0.7 } },
        { selector: "edge.disputed", style: { "line-style": "dashed", "line-color": "#b3261e",
          "target-arrow-color": "#b3261e" } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#ffbf47" } },
        { selector: ".hidden", style: { "display": "none" } }
      ],
      layout: { name: "cose", animate: false, nodeRepulsion: 8000, idealEdgeLength: 80, randomize: false }
    });
    window.axiskgNetwork = cy;
    cy.on("tap", "node", function (evt) { window.location.href = evt.target.data("url"); });

    function apply() {
      var kinds = Array.prototype.map.call(form.querySelectorAll("input[name=kind]:checked"), function (i) { return i.value; });
      var report = form.elements.report.value;
      var from = parseInt(form.elements.from.value, 10), to = parseInt(form.elements.to.value, 10);
      var undated = form.elements.undated.checked;
      var focus = form.elements.focus.value;
      // A span is [start, end] in years, either open (null): "until early 2020" has no start, "since 2020" no
      // end. It meets the period unless it ended before it or began after it.
      function meets(span) {
        if (!isNaN(from) && span.end !== null && span.end < from) return false;
        if (!isNaN(to) && span.start !== null && span.start > to) return false;
        return true;
      }
      function inTime(d, timeless) {
        if (!d.spans.length) return timeless || undated;
        return d.spans.some(meets);
      }
      cy.batch(function () {
        cy.nodes().forEach(function (n) { n.toggleClass("hidden", kinds.indexOf(n.data("kind")) < 0 || !inTime(n.data(), n.data("kind") !== "meeting")); });
        cy.edges().forEach(function (e) {
          var ok = !e.source().hasClass("hidden") && !e.target().hasClass("hidden") && inTime(e.data())
            && (!report || e.data("reports").indexOf(report) >= 0);
          e.toggleClass("hidden", !ok);
        });
        if (report || !isNaN(from) || !isNaN(to) || !undated) {
          cy.nodes().forEach(function (n) {
            if (!n.hasClass("hidden") && n.connectedEdges().filter(function (e) { return !e.hasClass("hidden"); }).length === 0) n.addClass("hidden");
          });
        }
        // Centred on one node: it, its links still shown, and the nodes at their other ends
        var centre = focus ? cy.getElementById(focus) : null;
        if (centre && centre.nonempty()) {
          var kept = centre.connectedEdges().filter(function (e) { return !e.hasClass("hidden"); });
          var near = kept.connectedNodes().union(centre);
          cy.edges().forEach(function (e) { if (!kept.contains(e)) e.addClass("hidden"); });
          cy.nodes().forEach(function (n) { n.toggleClass("hidden", !near.contains(n)); });
        }
      });
      var visible = cy.elements().filter(function (x) { return !x.hasClass("hidden"); });
      if (visible.nonempty()) cy.fit(visible, 30);
      var shown = cy.nodes().filter(function (n) { return !n.hasClass("hidden"); }).length;
      var links = cy.edges().filter(function (e) { return !e.hasClass("hidden"); }).length;
      status.textContent = shown + " nodes and " + links + " links shown.";
      // the table of links follows the filters too (keyboard and screen-reader users read it, not the graph)
      var rows = document.querySelectorAll("#network-table tr[data-edge]");
      Array.prototype.forEach.call(rows, function (row) {
        var edge = cy.getElementById(row.getAttribute("data-edge"));
        row.hidden = edge.nonempty() && edge.hasClass("hidden");
      });
      var count = document.getElementById("links-count");
      if (count) count.textContent = links === rows.length ? "(" + rows.length + ")" : "(" + links + " of " + rows.length + " shown)";
    }
    // The filters live in the address (?kind=person&report=...&from=2023&to=2024&undated=0): a filtered view
    // can be bookmarked, shared and reloaded. Only what differs from the defaults is written.
    function fromAddress() {
      var params = new URLSearchParams(window.location.search);
      var kinds = params.getAll("kind");
      if (kinds.length) {
        Array.prototype.forEach.call(form.querySelectorAll("input[name=kind]"), function (i) { i.checked = kinds.indexOf(i.value) >= 0; });
      }
      var report = params.get("report");
      if (report && Array.prototype.some.call(form.elements.report.options, function (o) { return o.value === report; })) {
        form.elements.report.value = report;
      }
      ["from", "to"].forEach(function (name) { if (/^\d{4}$/.test(params.get(name) || "")) form.elements[name].value = params.get(name); });
      if (params.get("undated") === "0") form.elements.undated.checked = false;
      var focus = params.get("focus");
      if (focus && Array.prototype.some.call(form.elements.focus.options, function (o) { return o.value === focus; })) {
        form.elements.focus.value = focus;
      }
    }
    function toAddress() {
      var params = new URLSearchParams();
      var boxes = form.querySelectorAll("input[name=kind]");
      var checked = Array.prototype.filter.call(boxes, function (i) { return i.checked; });
      if (checked.length !== boxes.length) checked.forEach(function (i) { params.append("kind", i.value); });
      if (form.elements.report.value) params.set("report", form.elements.report.value);
      ["from", "to"].forEach(function (name) { if (form.elements[name].value) params.set(name, form.elements[name].value); });
      if (!form.elements.undated.checked) params.set("undated", "0");
      if (form.elements.focus.value) params.set("focus", form.elements.focus.value);
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }
    form.addEventListener("change", function () { apply(); toAddress(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); toAddress(); });
    fromAddress();
    apply();
  }
})();
