// The runs index of the mkdocs-thoughts plugin: the metric picked in a [data-th-charts] block's
// select decides which of its pre-rendered charts ([data-th-chart]) is shown. No dependencies.
(function () {
  "use strict";

  function setUp(block) {
    var select = block.querySelector("[data-th-chart-select]");
    if (!select || block.dataset.thReady) return;
    block.dataset.thReady = "1";
    function show() {
      block.querySelectorAll("[data-th-chart]").forEach(function (chart) {
        chart.hidden = chart.dataset.thChart !== select.value;
      });
    }
    select.addEventListener("change", show);
    show(); // the browser may have restored an earlier choice on "back"
  }

  function init() {
    document.querySelectorAll("[data-th-charts]").forEach(setUp);
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
