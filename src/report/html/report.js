// bordersim report: small interactions; the page reads fully without this script.
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function fmt(v) {
    if (v === null || v === undefined) return "\u2013";
    var a = Math.abs(v);
    return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
  }
  function when(start, min) {
    var m = /^(\d+)-(\d+)-(\d+)T(\d+):(\d+)/.exec(start);
    if (!m) return min + " min";
    var t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) + min * 60000;
    return new Date(t).toISOString().slice(0, 16).replace("T", " ");
  }
  // Sortable tables: click (or Enter on) a column title.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.setAttribute("aria-sort", "none");
      th.tabIndex = 0;
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.forEach(function (r, i) { r.dataset.i = r.dataset.i || i; });
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var vx = x.dataset.value, vy = y.dataset.value, c;
          if (vx !== undefined && vy !== undefined) c = parseFloat(vx) - parseFloat(vy);
          else if (vx !== undefined) c = -1;
          else if (vy !== undefined) c = 1;
          else c = x.textContent.localeCompare(y.textContent);
          return (asc ? c : -c) || a.dataset.i - b.dataset.i;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });
  // Legend buttons toggle a chart's lines.
  document.querySelectorAll("ul.legend").forEach(function (ul) {
    var svg = document.getElementById(ul.dataset.chart);
    if (!svg) return;
    ul.querySelectorAll("button").forEach(function (b) {
      b.addEventListener("click", function () {
        var on = b.getAttribute("aria-pressed") !== "true";
        b.setAttribute("aria-pressed", on ? "true" : "false");
        var g = svg.querySelector('.series[data-i="' + b.dataset.i + '"]');
        if (g) g.classList.toggle("off", !on);
      });
    });
  });
  // Hover readout: the values of every shown line at the nearest x.
  document.querySelectorAll(".plot[data-chart]").forEach(function (plot) {
    var svg = plot.querySelector("svg.chart");
    var d = data(plot.dataset.chart + "-data");
    var out = plot.querySelector(".readout");
    var cursor = svg && svg.querySelector(".cursor");
    if (!svg || !d || !out || !d.x.length) return;
    var x0 = +svg.dataset.x0, x1 = +svg.dataset.x1, p0 = +svg.dataset.px0, p1 = +svg.dataset.px1;
    svg.addEventListener("mousemove", function (e) {
      var r = svg.getBoundingClientRect();
      var vbw = svg.viewBox.baseVal.width;
      var px = (e.clientX - r.left) * vbw / r.width;
      var xv = x0 + (px - p0) / (p1 - p0) * (x1 - x0);
      var k = 0, best = Infinity;
      for (var i = 0; i < d.x.length; i++) {
        var dist = Math.abs(d.x[i] - xv);
        if (dist < best) { best = dist; k = i; }
      }
      var cx = p0 + (d.x[k] - x0) / (x1 - x0) * (p1 - p0);
      cursor.setAttribute("x1", cx); cursor.setAttribute("x2", cx); cursor.setAttribute("visibility", "visible");
      var lines = [d.axis === "date" ? "until " + when(d.start, d.x[k]) : (d.x[k] / 60).toFixed(1) + " h"];
      d.lines.forEach(function (l, i) {
        var g = svg.querySelector('.series[data-i="' + i + '"]');
        if (!g || !g.classList.contains("off")) lines.push(l.label + ": " + fmt(l.y[k]));
      });
      out.textContent = lines.join("\n");
      out.style.display = "block";
    });
    svg.addEventListener("mouseleave", function () {
      out.style.display = "none"; cursor.setAttribute("visibility", "hidden");
    });
  });
  // The port schematic's time slider.
  document.querySelectorAll("figure.schematic").forEach(function (fig) {
    var d = data(fig.id + "-data");
    var range = fig.querySelector("input[type=range]");
    var play = fig.querySelector("button.play");
    if (!d || !range) return;
    function one(v, k) { return v ? fmt(v[k]) : "\u2013"; }
    function show(k) {
      fig.querySelector("output.t").textContent = when(d.start, d.x[k]);
      fig.querySelectorAll("g.stage[data-s]").forEach(function (g) {
        var s = d.stages[+g.dataset.s];
        var q = g.querySelector(".queue"); if (q) q.textContent = one(s.queue, k);
        var b = g.querySelector(".busy"); if (b) b.textContent = one(s.busy, k);
        var o = g.querySelector(".open"); if (o) o.textContent = one(s.open, k);
        var n = g.querySelector(".inside"); if (n) n.textContent = one(s.inside, k);
        var bar = g.querySelector(".qbar"), max = +g.dataset.qmax;
        var box = g.querySelector(".box");
        if (bar && box) bar.setAttribute("width", max > 0 && s.queue ? Math.max(0, s.queue[k] / max * (box.width.baseVal.value - 16)) : 0);
      });
      var a = fig.querySelector(".away"); if (a) a.textContent = one(d.drivers, k);
    }
    range.addEventListener("input", function () { show(+range.value); });
    var timer = null;
    play.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; play.setAttribute("aria-pressed", "false"); play.textContent = "Play"; return; }
      play.setAttribute("aria-pressed", "true"); play.textContent = "Pause";
      timer = setInterval(function () {
        var k = (+range.value + 1) % d.x.length;
        range.value = k; show(k);
      }, 120);
    });
  });
})();
