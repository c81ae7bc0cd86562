// The note graph of the mkdocs-thoughts plugin: pan and zoom, neighbour highlighting on hover,
// filters by type, status and tag. Plain JavaScript, no dependencies. The SVG is drawn at build
// time (graph_svg.py); this only reads its data-* attributes:
//   svg.tg-graph[data-graph=full|local]
//     g.tg-edges > path[data-s][data-t]   (indexes into the nodes below)
//     g.tg-nodes > a[data-type][data-status][data-tags]
(function () {
  "use strict";

  var MIN_ZOOM = 0.02;
  var MAX_ZOOM = 8;
  var DRAG_THRESHOLD = 4;

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  function makeElement(tag, attributes, text) {
    var element = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      element.setAttribute(name, attributes[name]);
    });
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function readGraph(svg) {
    var nodesGroup = svg.querySelector(".tg-nodes");
    var edgesGroup = svg.querySelector(".tg-edges");
    var nodes = nodesGroup ? toArray(nodesGroup.children) : [];
    var edges = edgesGroup ? toArray(edgesGroup.children) : [];
    var links = nodes.map(function () { return []; });
    var parsed = [];
    edges.forEach(function (path) {
      var source = parseInt(path.getAttribute("data-s"), 10);
      var target = parseInt(path.getAttribute("data-t"), 10);
      if (!(source >= 0 && source < nodes.length && target >= 0 && target < nodes.length)) return;
      var edge = { path: path, source: source, target: target };
      parsed.push(edge);
      links[source].push(edge);
      links[target].push(edge);
    });
    return { nodes: nodes, edges: parsed, links: links };
  }

  // --- Hover: a node, its edges and its neighbours stand out --------------------------------

  function setUpHighlight(svg, graph) {
    var lit = [];

    function clear() {
      lit.forEach(function (element) { element.classList.remove("tg-hl"); });
      lit = [];
      svg.classList.remove("tg-focus");
    }

    function light(element) {
      element.classList.add("tg-hl");
      lit.push(element);
    }

    function focus(index) {
      clear();
      light(graph.nodes[index]);
      graph.links[index].forEach(function (edge) {
        light(edge.path);
        light(graph.nodes[edge.source === index ? edge.target : edge.source]);
      });
      svg.classList.add("tg-focus");
    }

    graph.nodes.forEach(function (node, index) {
      node.addEventListener("mouseenter", function () { focus(index); });
      node.addEventListener("mouseleave", clear);
      node.addEventListener("focus", function () { focus(index); });
      node.addEventListener("blur", clear);
    });
  }

  // --- Filters: type, status, tag ----------------------------------------------------------

  function distinctValues(nodes, attribute, split) {
    var seen = {};
    nodes.forEach(function (node) {
      var value = node.getAttribute(attribute) || "";
      var values = split ? value.split(/\s+/) : [value];
      values.forEach(function (item) {
        if (item || !split) seen[item] = (seen[item] || 0) + 1;
      });
    });
    return Object.keys(seen).sort().map(function (key) { return [key, seen[key]]; });
  }

  function buildSelect(label, values, none) {
    var select = makeElement("select", { "aria-label": label });
    select.appendChild(makeElement("option", { value: "*" }, "All " + label.toLowerCase()));
    values.forEach(function (pair) {
      var text = (pair[0] === "" ? none : pair[0].replace(/_/g, " ")) + " (" + pair[1] + ")";
      select.appendChild(makeElement("option", { value: pair[0] }, text));
    });
    return select;
  }

  function setUpFilters(toolbar, graph) {
    var count = makeElement("span", { "class": "tg-count", "aria-live": "polite" });
    var filters = [
      { attribute: "data-type", split: false, select: buildSelect("Types", distinctValues(graph.nodes, "data-type", false), "no type") },
      { attribute: "data-status", split: false, select: buildSelect("Statuses", distinctValues(graph.nodes, "data-status", false), "no status") },
      { attribute: "data-tags", split: true, select: buildSelect("Tags", distinctValues(graph.nodes, "data-tags", true), "") }
    ];

    function matches(node) {
      return filters.every(function (filter) {
        var wanted = filter.select.value;
        if (wanted === "*") return true;
        var value = node.getAttribute(filter.attribute) || "";
        return filter.split ? value.split(/\s+/).indexOf(wanted) !== -1 : value === wanted;
      });
    }

    function apply() {
      var shown = 0;
      var visible = graph.nodes.map(function (node) {
        var keep = matches(node);
        node.classList.toggle("tg-off", !keep);
        if (keep) shown++;
        return keep;
      });
      graph.edges.forEach(function (edge) {
        edge.path.classList.toggle("tg-off", !(visible[edge.source] && visible[edge.target]));
      });
      count.textContent = shown === graph.nodes.length
        ? graph.nodes.length + " notes"
        : shown + " of " + graph.nodes.length + " notes";
    }

    filters.forEach(function (filter) {
      filter.select.addEventListener("change", apply);
      toolbar.appendChild(filter.select);
    });
    toolbar.appendChild(count);
    count.textContent = graph.nodes.length + " notes";
  }

  // --- Pan and zoom, by changing the viewBox -----------------------------------------------

  function setUpPanZoom(svg, toolbar) {
    var box = svg.viewBox.baseVal;
    if (!box || !box.width || !box.height) return;
    var home = { x: box.x, y: box.y, width: box.width, height: box.height };
    var view = { x: home.x, y: home.y, width: home.width, height: home.height };

    function show() {
      svg.setAttribute("viewBox", [view.x, view.y, view.width, view.height].join(" "));
    }

    function toGraph(clientX, clientY) {
      var matrix = svg.getScreenCTM();
      if (!matrix) return null;
      var point = svg.createSVGPoint();
      point.x = clientX;
      point.y = clientY;
      return point.matrixTransform(matrix.inverse());
    }

    function zoom(factor, clientX, clientY) {
      var scale = home.width / (view.width * factor);
      if (scale < MIN_ZOOM || scale > MAX_ZOOM) return;
      var rect = svg.getBoundingClientRect();
      var at = toGraph(
        clientX === undefined ? rect.left + rect.width / 2 : clientX,
        clientY === undefined ? rect.top + rect.height / 2 : clientY
      );
      if (!at) return;
      view.x = at.x - (at.x - view.x) * factor;
      view.y = at.y - (at.y - view.y) * factor;
      view.width *= factor;
      view.height *= factor;
      show();
    }

    function reset() {
      view = { x: home.x, y: home.y, width: home.width, height: home.height };
      show();
    }

    // The wheel zooms only once the graph is in use (clicked) or with Ctrl/Cmd held, so that
    // scrolling the page past the graph never gets caught in it.
    svg.addEventListener("wheel", function (event) {
      if (!(event.ctrlKey || event.metaKey || svg.classList.contains("tg-active"))) return;
      event.preventDefault();
      zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, event.clientX, event.clientY);
    }, { passive: false });

    var drag = null;
    var dragged = false;
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      svg.classList.add("tg-active");
      var matrix = svg.getScreenCTM();
      drag = { id: event.pointerId, x: event.clientX, y: event.clientY,
               scale: matrix ? matrix.a : 1, from: { x: view.x, y: view.y }, moving: false };
      dragged = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag || event.pointerId !== drag.id) return;
      var dx = event.clientX - drag.x;
      var dy = event.clientY - drag.y;
      if (!drag.moving && Math.abs(dx) + Math.abs(dy) < DRAG_THRESHOLD) return;
      if (!drag.moving) {
        drag.moving = true;
        svg.classList.add("tg-dragging");
        if (svg.setPointerCapture) svg.setPointerCapture(event.pointerId);
      }
      view.x = drag.from.x - dx / drag.scale;
      view.y = drag.from.y - dy / drag.scale;
      show();
    });
    function endDrag(event) {
      if (!drag || event.pointerId !== drag.id) return;
      dragged = drag.moving;
      if (drag.moving && svg.hasPointerCapture && svg.hasPointerCapture(event.pointerId)) {
        svg.releasePointerCapture(event.pointerId);
      }
      drag = null;
      svg.classList.remove("tg-dragging");
    }
    svg.addEventListener("pointerup", endDrag);
    svg.addEventListener("pointercancel", endDrag);
    // A drag that ends on a node must not follow its link.
    svg.addEventListener("click", function (event) {
      if (dragged) {
        event.preventDefault();
        event.stopPropagation();
        dragged = false;
      }
    }, true);
    document.addEventListener("pointerdown", function (event) {
      if (!svg.contains(event.target)) svg.classList.remove("tg-active");
    });

    var buttons = [
      ["+", "Zoom in", function () { zoom(1 / 1.4); }],
      ["\u2212", "Zoom out", function () { zoom(1.4); }],
      ["Reset", "Reset zoom", reset]
    ];
    var group = makeElement("span", { "class": "tg-zoom" });
    buttons.forEach(function (spec) {
      var button = makeElement("button", { type: "button", title: spec[1], "aria-label": spec[1] }, spec[0]);
      button.addEventListener("click", spec[2]);
      group.appendChild(button);
    });
    toolbar.appendChild(group);
    toolbar.appendChild(makeElement("span", { "class": "tg-hint" }, "Drag to pan; click, then scroll to zoom"));
  }

  function setUp(svg) {
    if (svg.tgReady) return;  // Material's instant navigation may call init() again
    svg.tgReady = true;
    var graph = readGraph(svg);
    setUpHighlight(svg, graph);
    if (svg.getAttribute("data-graph") !== "full" || !svg.parentNode) return;

    // The toolbar goes in front of the SVG; the SVG itself is never moved, since re-inserting
    // thousands of elements costs a whole second layout of the page.
    var toolbar = makeElement("div", { "class": "tg-toolbar", role: "toolbar", "aria-label": "Graph filters" });
    svg.parentNode.insertBefore(toolbar, svg);
    setUpFilters(toolbar, graph);
    setUpPanZoom(svg, toolbar);
  }

  function init() {
    toArray(document.querySelectorAll("svg.tg-graph")).forEach(setUp);
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
