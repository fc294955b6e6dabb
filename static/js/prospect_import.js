// Import: show the upload's real progress. Export: carry the list's current filters.
"use strict";

// Each upload starts from nothing, also the one tried again after a failure.
document.addEventListener("htmx:beforeRequest", function (event) {
  var bar = event.target.querySelector && event.target.querySelector("progress[data-upload-progress]");
  if (bar) bar.value = 0;
});

document.addEventListener("htmx:xhr:progress", function (event) {
  var bar = event.target.querySelector && event.target.querySelector("progress[data-upload-progress]");
  if (bar && event.detail.lengthComputable && event.detail.total) {
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  }
});

// htmx pushes the filters into the address bar, so the export takes them from there.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-keeps-filters]");
  if (link) {
    link.href = link.href.split("?")[0] + window.location.search;
  }
});
