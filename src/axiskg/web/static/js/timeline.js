/* Timeline: vis-timeline over /timeline.json; uncertain dates are ranges; selecting an item opens its page. */
(function () {
  "use strict";
  var el = document.getElementById("timeline");
  var status = document.getElementById("timeline-status");
  // the filters' form leaves out what is not chosen: /timeline?actor=... rather than ...&report=
  var form = document.querySelector("form.filters");
  function leaveOutEmpty(off) {
    Array.prototype.forEach.call(form.elements, function (f) { if (f.name) f.disabled = off && !f.value; });
  }
  if (form) {
    form.addEventListener("submit", function () { leaveOutEmpty(true); });
    window.addEventListener("pageshow", function () { leaveOutEmpty(false); });  // back from the next page
  }
  if (!el || typeof vis === "undefined") return;
  // the same filters as the page's table (kind, actor, report)
  fetch("/timeline.json" + window.location.search, { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) throw new Error("timeline.json: HTTP " + r.status); return r.json(); })
    .then(draw)
    .catch(function (e) { status.textContent = "The timeline could not be drawn (" + e.message + "); the table below lists every item."; });

  function draw(data) {
    el.hidden = false;
    var items = data.items.map(function (i) {
      var item = { id: i.id, content: i.label, start: i.start, type: i.draw, group: i.kind,
        title: i.label + " \u2014 " + i.when, className: "kind-" + i.kind + (i.uncertain ? " uncertain" : "") };
      if (i.draw === "range") item.end = i.end;
      return item;
    });
    var groups = Object.keys(data.kinds).filter(function (k) { return !data.kind || k === data.kind; })
      .map(function (k) { return { id: k, content: data.kinds[k] }; });
    var urls = {};
    data.items.forEach(function (i) { urls[i.id] = i.url; });
    // Open on the recent years where most items lie; zoom out to see the older events.
    var starts = data.items.map(function (i) { return i.start; }).sort();
    var ends = data.items.map(function (i) { return i.end || i.start; }).sort();
    var options = { stack: true, zoomKey: "ctrlKey", orientation: "top", margin: { item: 6 }, tooltip: { followMouse: true } };
    if (starts.length > 4) {
      var from = new Date(starts[Math.floor(starts.length * 0.2)]), to = new Date(ends[ends.length - 1]);
      from.setMonth(from.getMonth() - 2); to.setMonth(to.getMonth() + 2);
      options.start = from; options.end = to;
    }
    var tl = new vis.Timeline(el, new vis.DataSet(items), new vis.DataSet(groups), options);
    window.axiskgTimeline = tl;
    tl.on("select", function (props) {
      if (props.items && props.items.length && urls[props.items[0]]) window.location.href = urls[props.items[0]];
    });
    // say what the opening window leaves out, so the older items are not taken for missing ones
    var before = options.start ? data.items.filter(function (i) { return new Date(i.end || i.start) < options.start; }).length : 0;
    status.textContent = items.length + " dated items" +
      (before ? " (" + before + " of them before the part shown: drag right or zoom out to see them)" : "") +
      ". Drag to move, Ctrl+wheel to zoom.";
  }
})();
