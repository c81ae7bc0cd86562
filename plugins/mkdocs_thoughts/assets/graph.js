// The note graph of the mkdocs-thoughts plugin: pan and zoom, neighbour highlighting on hover,
// a box to find a note by name, filters by type, status and tag, labels shown once zoomed in
// far enough to read them. Plain JavaScript, no dependencies. The SVG is drawn at build
// time (graph_svg.py); this only reads its data-* attributes:
//   svg.tg-graph[data-graph=full|local]
//     g.tg-edges > path[data-s][data-t]   (indexes into the nodes below)
//     g.tg-nodes > a[data-type][data-status][data-tags]
(function () {
  "use strict";

  var MIN_ZOOM = 0.02;
  var MAX_ZOOM = 8;
  var DRAG_THRESHOLD = 4;
  var LABEL_SCALE = 0.5;  // labels below this many screen pixels per drawing pixel are hidden
  var MAX_OPEN_SCALE = 1.25;

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
    return { nodes: nodes, edges: parsed, links: links, titles: null };
  }

  // The notes' titles (the first line of each tooltip), read when first needed.
  function titlesOf(graph) {
    if (!graph.titles) {
      graph.titles = graph.nodes.map(function (node) {
        var title = node.querySelector("title");
        return title ? title.textContent.split("\n")[0] : "";
      });
    }
    return graph.titles;
  }

  // --- Hover: a node, its edges and its neighbours stand out --------------------------------

  function setUpHighlight(svg, graph) {
    var lit = [];
    var pinned = -1;  // the note found with the find box stays lit when the pointer leaves

    function clear() {
      lit.forEach(function (element) { element.classList.remove("tg-hl"); });
      lit = [];
      svg.classList.remove("tg-focus");
      if (pinned >= 0) show(pinned);
    }

    function light(element) {
      element.classList.add("tg-hl");
      lit.push(element);
    }

    function focus(index) {
      lit.forEach(function (element) { element.classList.remove("tg-hl"); });
      lit = [];
      show(index);
    }

    function show(index) {
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
    return {
      pin: function (index) { pinned = index; if (index >= 0) focus(index); else clear(); }
    };
  }

  // --- Find a note by name ------------------------------------------------------------------

  var datalistCount = 0;

  function setUpFind(svg, toolbar, graph, highlight, view) {
    var listId = "tg-titles-" + (++datalistCount);
    var input = makeElement("input", {
      type: "search", "class": "tg-find", placeholder: "Find a note\u2026",
      "aria-label": "Find a note by name", list: listId, autocomplete: "off"
    });
    var list = makeElement("datalist", { id: listId });
    // Filled on first use: thousands of options would slow down the page's first paint.
    function fillList() {
      if (list.firstChild) return;
      var seen = {};
      titlesOf(graph).slice().sort().forEach(function (title) {
        if (!title || seen[title]) return;
        seen[title] = true;
        list.appendChild(makeElement("option", { value: title }));
      });
    }
    input.addEventListener("focus", fillList);
    var status = makeElement("span", { "class": "tg-found", "aria-live": "polite" });
    var matches = [];

    function mark() {
      var query = input.value.trim().toLowerCase();
      matches.forEach(function (index) { graph.nodes[index].classList.remove("tg-match"); });
      matches = [];
      if (query.length < 2) {
        svg.classList.remove("tg-searching");
        status.textContent = "";
        highlight.pin(-1);
        return;
      }
      titlesOf(graph).forEach(function (title, index) {
        if (title.toLowerCase().indexOf(query) !== -1) matches.push(index);
      });
      matches.forEach(function (index) { graph.nodes[index].classList.add("tg-match"); });
      svg.classList.toggle("tg-searching", matches.length > 0);
      status.textContent = matches.length === 1 ? "1 match" : matches.length + " matches";
    }

    function go() {
      mark();
      if (!matches.length) return;
      var query = input.value.trim().toLowerCase();
      var exact = matches.filter(function (index) { return titlesOf(graph)[index].toLowerCase() === query; });
      var index = exact.length ? exact[0] : matches[0];
      highlight.pin(index);
      if (view) view.centreOn(graph.nodes[index]);
    }

    input.addEventListener("input", function () {
      mark();
      // Picking a title from the list is an input whose value is a whole title: go there.
      if (titlesOf(graph).indexOf(input.value) !== -1) go();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); go(); }
      if (event.key === "Escape") { input.value = ""; mark(); }
    });
    toolbar.appendChild(input);
    toolbar.appendChild(list);
    toolbar.appendChild(status);
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
    if (!box || !box.width || !box.height) return null;
    // The SVG opens on the part of the drawing the page should show first (the whole drawing,
    // or the newest notes at the top of a tall one): data-size is the whole drawing.
    var size = (svg.getAttribute("data-size") || "").split(" ").map(Number);
    var drawing = { x: 0, y: 0, width: size[0] || box.width, height: size[1] || box.height };
    var home = { x: box.x, y: box.y, width: box.width, height: box.height };

    // As wide as the content; as tall as the opening view needs, down to the window's bottom
    // at most. Changing the size lays thousands of labels out again, so it only happens when
    // the window is too short.
    var rect = svg.getBoundingClientRect();
    var room = Math.max(window.innerHeight * 0.6, window.innerHeight - Math.max(rect.top, 0) - 16);
    var small = home.height * MAX_OPEN_SCALE;  // a small drawing is not blown up past this
    var height = rect.height;
    var capped = small < Math.min(rect.height, room) - 1;
    if (capped || room < rect.height - 1) {
      height = Math.round(Math.min(room, small));
      svg.style.height = height + "px";
    }
    var aspect = rect.width / height;

    // Views keep the box's shape, so a drawing pixel is as wide as it is tall on screen.
    function fitted(x, y, width, height) {
      if (width / height > aspect) {
        var taller = width / aspect;
        return { x: x, y: y - (taller - height) / 2, width: width, height: taller };
      }
      var wider = height * aspect;
      return { x: x - (wider - width) / 2, y: y, width: wider, height: height };
    }
    if (capped) {
      home = fitted(home.x, home.y, home.width, home.height);  // all of it, centred
    } else if (height !== rect.height) {
      home.height = home.width / aspect;  // the top of it, as wide as the box
    }
    var whole = fitted(drawing.x, drawing.y, drawing.width, drawing.height);
    var view = { x: home.x, y: home.y, width: home.width, height: home.height };

    function farAway() {
      // Progressive labels: only once they are big enough to read.
      svg.classList.toggle("tg-far", svg.getBoundingClientRect().width / view.width < LABEL_SCALE);
    }

    function show() {
      svg.setAttribute("viewBox", [view.x, view.y, view.width, view.height].join(" "));
      farAway();
    }
    if (height !== rect.height) show(); else farAway();

    function toGraph(clientX, clientY) {
      var matrix = svg.getScreenCTM();
      if (!matrix) return null;
      var point = svg.createSVGPoint();
      point.x = clientX;
      point.y = clientY;
      return point.matrixTransform(matrix.inverse());
    }

    function zoom(factor, clientX, clientY) {
      var scale = drawing.width / (view.width * factor);
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

    function fitAll() {
      view = { x: whole.x, y: whole.y, width: whole.width, height: whole.height };
      show();
    }

    // Centre a node, close enough to read its neighbours' titles.
    function centreOn(node) {
      var circle = node.querySelector("circle");
      if (!circle) return;
      var x = circle.cx.baseVal.value;
      var y = circle.cy.baseVal.value;
      var group = circle.closest("g[transform]");
      var shift = group && group.transform.baseVal.numberOfItems ? group.transform.baseVal.getItem(0).matrix : null;
      if (shift) { x += shift.e; y += shift.f; }
      var scale = Math.max(svg.getBoundingClientRect().width / view.width, 1);
      view.width = svg.getBoundingClientRect().width / scale;
      view.height = view.width / aspect;
      view.x = x - view.width / 2;
      view.y = y - view.height / 2;
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
      ["Newest", "Reset zoom: the newest notes", reset],
      ["All", "Show the whole graph", fitAll]
    ];
    var group = makeElement("span", { "class": "tg-zoom" });
    buttons.forEach(function (spec) {
      var button = makeElement("button", { type: "button", title: spec[1], "aria-label": spec[1] }, spec[0]);
      button.addEventListener("click", spec[2]);
      group.appendChild(button);
    });
    toolbar.appendChild(group);
    toolbar.appendChild(makeElement("span", { "class": "tg-hint" }, "Drag to pan; click, scroll to zoom"));
    return { centreOn: centreOn };
  }

  // --- Labels below the opening view, laid out after the first paint ----------------------

  function revealLabels(svg) {
    if (!svg.classList.contains("tg-lazy")) return function () {};
    var later = toArray(svg.querySelectorAll(".tg-later"));
    var done = false;
    var idle = window.requestIdleCallback || function (callback) {
      return setTimeout(function () { callback({ timeRemaining: function () { return 8; } }); }, 16);
    };

    function all() {
      if (done) return;
      done = true;
      svg.classList.remove("tg-lazy");
    }

    // A few hundred at a time while the reader looks at the top; everything at once as soon as
    // they pan, zoom, filter or search.
    function step() {
      if (done) return;
      later.splice(0, 250).forEach(function (node) { node.classList.remove("tg-later"); });
      if (later.length) idle(step); else all();
    }
    requestAnimationFrame(function () { requestAnimationFrame(function () { idle(step); }); });
    return all;
  }

  function setUp(svg) {
    if (svg.tgReady) return;  // Material's instant navigation may call init() again
    svg.tgReady = true;
    var graph = readGraph(svg);
    var highlight = setUpHighlight(svg, graph);
    if (svg.getAttribute("data-graph") !== "full" || !svg.parentNode) return;

    // The toolbar goes in front of the SVG; the SVG itself is never moved, since re-inserting
    // thousands of elements costs a whole second layout of the page.
    var toolbar = makeElement("div", { "class": "tg-toolbar", role: "toolbar", "aria-label": "Graph filters" });
    var tools = makeElement("div", { "class": "tg-tools" });
    toolbar.appendChild(tools);
    svg.parentNode.insertBefore(toolbar, svg);
    var reveal = revealLabels(svg);
    ["pointerdown", "wheel"].forEach(function (name) { svg.addEventListener(name, reveal, { passive: true }); });
    toolbar.addEventListener("input", reveal);
    toolbar.addEventListener("change", reveal);
    toolbar.addEventListener("click", reveal, true);
    var view = setUpPanZoom(svg, toolbar);
    setUpFind(svg, tools, graph, highlight, view);
    setUpFilters(tools, graph);
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
