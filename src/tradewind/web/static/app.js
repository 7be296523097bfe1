// Tradewind dashboard: live updates from the journal's change stream, CSRF on htmx
// requests, and the equity charts. No inline scripts (the CSP forbids them).
(function () {
  "use strict";
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : null;

  document.addEventListener("htmx:configRequest", function (event) {
    if (csrf) { event.detail.headers["X-CSRF-Token"] = csrf; }
  });

  function setStatus(text, cls) {
    var el = document.getElementById("live-status");
    if (!el) { return; }
    el.textContent = text;
    el.className = "live " + cls;
  }

  function stamp() {
    var now = new Date();
    setStatus("live · " + now.toLocaleTimeString(), "ok");
    document.body.setAttribute("data-updated", String(now.getTime()));
  }

  function connect() {
    if (!document.body.hasAttribute("data-live") || !window.EventSource) { return; }
    var source = new EventSource("/api/v1/events");
    source.addEventListener("hello", function () { setStatus("live", "ok"); });
    source.addEventListener("change", function (event) {
      var data = JSON.parse(event.data);
      data.topics.forEach(function (topic) {
        if (window.htmx) { window.htmx.trigger(document.body, "tw-" + topic); }
      });
      stamp();
    });
    source.onerror = function () { setStatus("reconnecting", "bad"); };
  }

  function drawCharts(root) {
    if (!window.LightweightCharts) { return; }
    root.querySelectorAll("[data-equity-url]").forEach(function (el) {
      fetch(el.getAttribute("data-equity-url"), { credentials: "same-origin" })
        .then(function (reply) { return reply.ok ? reply.json() : []; })
        .then(function (points) {
          var seen = {};
          var data = points.filter(function (p) {
            if (seen[p.time_s]) { return false; }
            seen[p.time_s] = true;
            return true;
          }).map(function (p) { return { time: p.time_s, value: p.equity_usd }; });
          if (!el._series) {
            var chart = window.LightweightCharts.createChart(el, {
              autoSize: true,
              layout: { background: { color: "transparent" }, textColor: "#c9d1d9", attributionLogo: false },
              grid: { vertLines: { color: "#222a35" }, horzLines: { color: "#222a35" } },
              timeScale: { timeVisible: true },
            });
            el._series = chart.addAreaSeries({ lineColor: "#58a6ff", topColor: "rgba(88,166,255,0.35)", bottomColor: "rgba(88,166,255,0.02)" });
            el._chart = chart;
          }
          el._series.setData(data);
          el._chart.timeScale().fitContent();
          el.setAttribute("data-points", String(data.length));
        })
        .catch(function () { el.setAttribute("data-points", "error"); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    document.body.addEventListener("tw-risk", function () { drawCharts(document); });
    connect();
  });
})();
