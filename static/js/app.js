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

// htmx swaps nothing when a request fails, so a tap would seem to do nothing. Say what
// went wrong in the page's #request-problem (its lines come translated in data-*), and
// leave the form as it was, with what was typed.
function requestProblem(kind, origin) {
  var box = document.getElementById("request-problem");
  if (!box) return;
  box.origin = origin;
  box.hidden = false;
  // Filled once shown, so that screen readers announce the alert.
  window.requestAnimationFrame(function () {
    box.querySelector(".request-problem-text").textContent = box.dataset[kind];
  });
}

function hideRequestProblem(returnFocus) {
  var box = document.getElementById("request-problem");
  if (!box || box.hidden) return;
  box.hidden = true;
  box.querySelector(".request-problem-text").textContent = "";
  var origin = box.origin;
  if (returnFocus && origin && document.body.contains(origin)) {
    (origin.querySelector("button[type=submit], button") || origin).focus();
  }
}

function problemKind(status) {
  if (status === 400) return "unreadable";
  if (status === 413) return "tooLarge";
  if (status === 403) return "refused";
  if (status === 404) return "gone";
  return "failed";
}

// What the page asks by itself: a panel says so in its own place (above); a poll
// (hx-trigger="every …") tries again, and must not hide the person's own problem.
function byItself(element) {
  return element.classList.contains("panel-loaded-after") ||
    /\bevery\b/.test(element.getAttribute("hx-trigger") || "");
}

document.addEventListener("htmx:responseError", function (event) {
  var origin = event.detail.elt;
  if (!byItself(origin)) requestProblem(problemKind(event.detail.xhr.status), origin);
});
document.addEventListener("htmx:sendError", function (event) {
  var origin = event.detail.elt;
  if (!byItself(origin)) requestProblem("offline", origin);
});
document.addEventListener("htmx:beforeRequest", function (event) {
  if (!byItself(event.detail.elt)) hideRequestProblem(false);
});
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest(".request-problem-close")) {
    hideRequestProblem(true);
  }
});

// A form that removes something asks first (data-confirm holds the translated question):
// a tap by mistake on a phone must not delete a file.
document.addEventListener("submit", function (event) {
  var question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
