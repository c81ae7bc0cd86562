// Filtering and sorting for the note listings of the mkdocs-thoughts plugin. Plain JavaScript,
// no dependencies: reads the data-* attributes the page was built with.
(function () {
  "use strict";

  function setUp(listing) {
    if (listing.dataset.thReady) return;
    listing.dataset.thReady = "1";
    var body = listing.querySelector("tbody");
    var rows = Array.prototype.slice.call(listing.querySelectorAll("tr.th-row"));
    var months = Array.prototype.slice.call(listing.querySelectorAll("tr.th-month"));
    var filters = listing.querySelectorAll("[data-th-filter]");
    var count = listing.querySelector("[data-th-count]");
    var sortKey = "day";
    var descending = true;

    function matches(row) {
      for (var i = 0; i < filters.length; i++) {
        var wanted = filters[i].value;
        if (!wanted) continue;
        var field = filters[i].dataset.thFilter;
        if (field === "tags") {
          if (JSON.parse(row.dataset.tags || "[]").indexOf(wanted) === -1) return false;
        } else if ((row.dataset[field] || "") !== wanted) {
          return false;
        }
      }
      return true;
    }

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var visible = matches(row);
        row.hidden = !visible;
        if (visible) shown++;
      });
      var grouped = sortKey === "day";
      months.forEach(function (month) {
        var next = month.nextElementSibling;
        var any = false;
        while (next && !next.classList.contains("th-month")) {
          if (!next.hidden) any = true;
          next = next.nextElementSibling;
        }
        month.hidden = !grouped || !any;
      });
      if (count) count.textContent = shown + (shown === 1 ? " note" : " notes");
    }

    function sort(key) {
      descending = key === sortKey ? !descending : key === "day";
      sortKey = key;
      var sorted = rows.slice().sort(function (a, b) {
        var x = (a.dataset[key] || "").toLowerCase();
        var y = (b.dataset[key] || "").toLowerCase();
        return x < y ? -1 : x > y ? 1 : 0;
      });
      if (descending) sorted.reverse();
      if (key === "day") {
        // Back to month groups, each header followed by its own rows.
        var ordered = months.slice().sort(function (a, b) {
          return a.dataset.month < b.dataset.month ? -1 : 1;
        });
        if (descending) ordered.reverse();
        ordered.forEach(function (month) {
          body.appendChild(month);
          sorted.forEach(function (row) {
            if (row.dataset.month === month.dataset.month) body.appendChild(row);
          });
        });
      } else {
        sorted.forEach(function (row) { body.appendChild(row); });
      }
      listing.querySelectorAll("th[data-th-sort]").forEach(function (th) {
        th.setAttribute("aria-sort", th.dataset.thSort === key ? (descending ? "descending" : "ascending") : "none");
      });
      apply();
    }

    filters.forEach(function (select) { select.addEventListener("change", apply); });
    listing.querySelectorAll("th[data-th-sort]").forEach(function (th) {
      th.addEventListener("click", function () { sort(th.dataset.thSort); });
    });
  }

  function init() {
    document.querySelectorAll("[data-th-listing]").forEach(setUp);
  }

  // Material's instant navigation swaps pages without a load event; document$ reports each one.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
