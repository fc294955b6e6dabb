// Small behaviours shared by every page. No inline scripts: the CSP forbids them.
"use strict";

// Charts: <canvas data-chart="ID"> is drawn from <script type="application/json" id="ID">
// (Django's json_script). Re-run after htmx swaps so swapped-in charts are drawn too.
function drawCharts(root) {
  if (typeof window.Chart === "undefined") return;
  root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    if (canvas.dataset.drawn) return;
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    new window.Chart(canvas, JSON.parse(source.textContent));
    canvas.dataset.drawn = "1";
  });
}

document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
document.addEventListener("htmx:load", function (event) { drawCharts(event.target); });

// The menu is one button on a phone; on a wide screen it is open and laid out as a bar.
document.addEventListener("DOMContentLoaded", function () {
  var menu = document.getElementById("site-menu");
  if (menu && window.matchMedia("(min-width: 1024px)").matches) menu.open = true;
});

// A panel loaded after the home (Panel.loaded_after) that could not be fetched says so,
// with a link to its own page, instead of "Loading…" for ever.
document.addEventListener("htmx:afterRequest", function (event) {
  var panel = event.detail.elt;
  if (event.detail.successful || !panel.classList.contains("panel-loaded-after")) return;
  panel.removeAttribute("aria-busy");
  panel.querySelector(".panel-waiting").hidden = true;
  panel.querySelector(".panel-failed").hidden = false;
});
