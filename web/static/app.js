// SuggestFlow pages: small improvements on top of pages that work without
// script. Served from this origin only (the pages' CSP allows no other).
(function () {
  "use strict";

  // A refused form: bring it into view with its first wrong field focused,
  // so that nobody takes the reloaded page for a success.
  function showRefusal() {
    var field = document.querySelector("[aria-invalid=true]");
    var box = field || document.querySelector("[data-refused], details.action[open] .error");
    if (!box) { return; }
    var det = box.closest && box.closest("details");
    if (det) { det.open = true; }
    box.scrollIntoView({ block: "center" });
    if (field && field.focus) { field.focus({ preventScroll: true }); }
  }

  // A search box over a list of choices (the co-signers): typing narrows
  // the list to the names that contain what was typed.
  function filters() {
    var inputs = document.querySelectorAll("input[data-filter]");
    Array.prototype.forEach.call(inputs, function (input) {
      var list = document.getElementById(input.getAttribute("data-filter"));
      if (!list) { return; }
      var none = document.getElementById(input.getAttribute("data-filter") + "-none");
      // Enter in the search box narrows the list; it must not send the form.
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); }
      });
      input.addEventListener("input", function () {
        var q = input.value.trim().toLowerCase();
        var shown = 0;
        Array.prototype.forEach.call(list.querySelectorAll("[data-name]"), function (item) {
          var checked = item.querySelector("input:checked");
          var hit = q === "" || item.getAttribute("data-name").toLowerCase().indexOf(q) >= 0 || checked;
          item.hidden = !hit;
          if (hit) { shown++; }
        });
        if (none) { none.hidden = shown > 0; }
      });
    });
  }

  // The case page's "what happens next" line, refreshed while the page is
  // open; once the case has moved on, the page offers a reload.
  function live() {
    var box = document.querySelector("[data-live]");
    if (!box || !window.fetch) { return; }
    var status = document.getElementById("live-status");
    var changed = document.getElementById("live-changed");
    var seq = box.getAttribute("data-seq");
    function poll() {
      if (document.hidden) { return; }
      fetch(box.getAttribute("data-live"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) { return; }
          if (status && s.waiting) { status.textContent = s.waiting; }
          if (changed && String(s.seq) !== seq) { changed.hidden = false; }
        })
        .catch(function () { /* offline for a moment: try again later */ });
    }
    var every = parseInt(box.getAttribute("data-every") || "15000", 10);
    setInterval(poll, every);
    document.addEventListener("visibilitychange", poll);
  }

  function start() { showRefusal(); filters(); live(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
