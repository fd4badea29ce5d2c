/* The public map: vector tiles (Leaflet.VectorGrid), outlines, panel, filters, search, permalinks,
 * and the sites in view as a list (the keyboard's way to them).
 * Every text from the server is set with textContent, never as HTML. */
(function () {
  "use strict";

  // Leaflet.VectorGrid 1.3 calls L.DomEvent.fakeStop, which Leaflet 1.8 removed.
  if (!L.DomEvent.fakeStop) {
    L.DomEvent.fakeStop = function (e) { e._stopped = true; };
  }
  // Its point symbolizers are circle markers without a position (they live in tile pixels),
  // which Leaflet 1.9 reads on every mouse event; the click handler below uses the pointer.
  var circleLatLng = L.CircleMarker.prototype.getLatLng;
  L.CircleMarker.prototype.getLatLng = function () {
    return this._latlng ? circleLatLng.call(this) : L.latLng(0, 0);
  };

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var text = JSON.parse(document.getElementById("map-text").textContent);
  var filterForm = document.getElementById("filters");
  var FILTERS = ["category", "significance", "region", "year_from", "year_to"];
  var CATEGORY_COLOURS = {
    archaeology: "#a0522d", architecture: "#1f5fa8", monumental_art: "#8e44ad",
    ensemble: "#117a65", sacred: "#c0392b", history: "#b7950b"
  };
  var map, grid;
  // restoring: the view is being set from the address (back/forward), which must not be
  // rewritten with the state it replaces.
  var current = {site: null, restoring: false};

  function textSpan(className, text) {  // server text as text, never as HTML
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  function interpolate(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  /* ---- filters and the URL ---- */

  function filterParams() {
    var params = new URLSearchParams();
    new FormData(filterForm).forEach(function (value, key) {
      if (value !== "") params.append(key, value);
    });
    return params;
  }

  function setFilters(params) {
    Array.prototype.forEach.call(filterForm.elements, function (el) {
      if (!el.name || FILTERS.indexOf(el.name) < 0) return;
      var values = params.getAll(el.name);
      if (el.type === "checkbox") el.checked = values.indexOf(el.value) >= 0;
      else el.value = values.length ? values[0] : "";
    });
  }

  function tileUrl() {
    var params = filterParams();
    params.set("v", config.version);
    return config.tiles + "?" + params.toString();
  }

  function stateUrl() {
    var params = filterParams();
    var c = map.getCenter();
    params.set("z", map.getZoom());
    params.set("lat", c.lat.toFixed(4));
    params.set("lon", c.lng.toFixed(4));
    if (current.site) params.set("site", current.site);
    return location.pathname + "?" + params.toString();
  }

  function remember(push) {
    var url = stateUrl();
    if (url === location.pathname + location.search) return;
    if (push) history.pushState({mura: true}, "", url);
    else history.replaceState({mura: true}, "", url);
  }

  function applyView() {
    var params = new URLSearchParams(location.search);
    var z = parseInt(params.get("z"), 10), lat = parseFloat(params.get("lat")),
      lon = parseFloat(params.get("lon"));
    if (!isNaN(z) && !isNaN(lat) && !isNaN(lon)) map.setView([lat, lon], z, {animate: false});
  }

  function applyUrl() {
    var params = new URLSearchParams(location.search);
    setFilters(params);
    current.restoring = true;
    try { applyView(); } finally { current.restoring = false; }
    if (grid && grid._url !== tileUrl()) grid.setUrl(tileUrl());
    if (params.get("site")) openPanel(params.get("site"), false);
    else closePanel(false);
    scheduleList();
  }

  /* ---- the side panel ---- */

  var panel = document.getElementById("panel");

  function setText(id, value) {
    document.getElementById(id).textContent = value || "—";
  }

  // `at`: the site's place on the map, moved out from under the panel once it is open.
  function openPanel(ref, push, at) {
    listed.panelFromList = false;
    var url = config.panel.replace("REF", encodeURIComponent(ref));
    fetch(url, {headers: {Accept: "application/json"}}).then(function (response) {
      if (!response.ok) throw new Error("no such site");
      return response.json();
    }).then(function (site) {
      current.site = site.ref;
      setText("panel-name", site.name);
      setText("panel-ref", site.ref);
      setText("panel-category", site.category);
      setText("panel-dating", [site.dating, site.period].filter(Boolean).join(", "));
      setText("panel-significance", site.significance);
      setText("panel-region", site.region);
      document.getElementById("panel-link").href = site.url;
      var figure = document.getElementById("panel-figure");
      var img = document.getElementById("panel-photo");
      if (site.photo) {
        img.src = site.photo.src;
        img.alt = site.photo.alt;
        setText("panel-credit", interpolate(text.photoBy, site.photo));
        figure.hidden = false;
      } else {
        figure.hidden = true;
        img.removeAttribute("src");
        img.alt = "";
      }
      panel.hidden = false;
      panel.focus();
      if (push !== false) remember(true);
      keepClearOfPanel(at);  // after: its move is kept in the entry just made
    }).catch(function () { closePanel(false); });
  }

  // The panel covers the map's lower half on a phone, its right side on a desktop: a site
  // under it is brought into the part of the map it leaves uncovered.
  function keepClearOfPanel(latlng) {
    if (!latlng) return;
    var box = map.getContainer().getBoundingClientRect();
    var cover = panel.getBoundingClientRect(), margin = 24;
    var below = cover.top - box.top > margin;  // a phone's panel: along the bottom
    var covered = below ? [0, box.bottom - cover.top + margin] : [box.right - cover.left + margin, 0];
    map.panInside(latlng, {paddingBottomRight: covered, animate: false});
  }

  function closePanel(push) {
    panel.hidden = true;
    var was = current.site;
    current.site = null;
    if (was && push !== false) remember(true);
  }

  // Closed by its user: back to where it was opened from, when that was the list of sites.
  function dismissPanel() {
    var was = current.site, fromList = listed.panelFromList;
    closePanel(true);
    listed.panelFromList = false;
    if (fromList && inView.open) (listedButton(was) || inView.querySelector("summary")).focus();
  }

  document.getElementById("panel-close").addEventListener("click", dismissPanel);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") dismissPanel(); });

  /* ---- search with suggestions ---- */

  var input = document.getElementById("search-input");
  var list = document.getElementById("search-suggestions");
  var status = document.getElementById("search-status");
  var results = [], active = -1, timer = null, asked = 0;

  function showSuggestions(items) {
    results = items;
    active = -1;
    list.textContent = "";
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "suggestion-" + i;
      li.setAttribute("role", "option");
      li.appendChild(textSpan("suggestion-name", item.name));
      li.appendChild(textSpan("suggestion-where", item.region + " · " + item.ref));
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    status.textContent = items.length ? text.results[items.length] : text.noResults;
  }

  function highlight(i) {
    var items = list.querySelectorAll("li");
    items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
    active = i;
    if (i >= 0) input.setAttribute("aria-activedescendant", "suggestion-" + i);
    else input.removeAttribute("aria-activedescendant");
  }

  function choose(i) {
    var item = results[i];
    if (!item) return;
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.value = item.name;
    var at = item.lat !== null ? L.latLng(item.lat, item.lon) : null;
    if (at) map.setView(at, item.cell ? 13 : 16, {animate: false});
    else status.textContent = text.withheld;
    openPanel(item.ref, true, at);
  }

  function ask() {
    var q = input.value.trim();
    if (q.length < 2) { showSuggestions([]); status.textContent = ""; return; }
    var mine = ++asked;
    fetch(config.suggest + "?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); })
      .then(function (data) { if (mine === asked) showSuggestions(data.results || []); });
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 200); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, results.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === "Escape") { list.hidden = true; input.setAttribute("aria-expanded", "false"); }
  });
  input.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });
  document.getElementById("search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (results.length) choose(active >= 0 ? active : 0);
    else ask();
  });

  /* ---- the sites in view: the features of the map as buttons, while the list is open ---- */

  var inView = document.getElementById("in-view-box");
  var inViewList = document.getElementById("in-view-list");
  var inViewHeading = document.getElementById("in-view-heading");
  var inViewStatus = document.getElementById("in-view-status");
  var inViewAll = document.getElementById("in-view-all");
  // cell: the registry number of the clicked square whose sites are listed (else the view's).
  var listed = {cell: null, timer: null, asked: 0, focusHeading: false, panelFromList: false};

  function viewBbox() {
    var b = map.getBounds();
    var west = Math.max(b.getWest(), -180), east = Math.min(b.getEast(), 180),
      south = Math.max(b.getSouth(), -90), north = Math.min(b.getNorth(), 90);
    if (!(west < east && south < north)) return null;
    return [west, south, east, north].map(function (v) { return v.toFixed(5); }).join(",");
  }

  function listedButton(ref) {
    var buttons = inViewList.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].getAttribute("data-ref") === ref) return buttons[i];
    }
    return null;
  }

  function goToSite(site) {
    var at = L.latLng(site.lat, site.lon);
    map.setView(at, site.cell ? 13 : 16, {animate: false});
    openPanel(site.ref, true, at);
    listed.panelFromList = true;
  }

  function siteButton(site) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "in-view-site";
    button.setAttribute("data-ref", site.ref);
    button.appendChild(textSpan("in-view-name", site.name));
    button.appendChild(document.createTextNode(" "));  // the accessible name's word break
    button.appendChild(textSpan("in-view-about", site.category + " · " + site.ref));
    button.addEventListener("click", function () { goToSite(site); });
    return button;
  }

  function showSites(data) {
    inViewList.textContent = "";
    data.sites.forEach(function (site) {
      var li = document.createElement("li");
      li.appendChild(siteButton(site));
      inViewList.appendChild(li);
    });
    inViewHeading.textContent = data.heading;
    inViewHeading.hidden = !data.heading;
    inViewAll.hidden = !listed.cell;
    inViewStatus.textContent = data.summary;
    if (listed.focusHeading && data.heading) inViewHeading.focus();
    listed.focusHeading = false;
  }

  function listSites() {
    clearTimeout(listed.timer);
    if (!inView.open || !map) return;
    var params = filterParams();
    if (listed.cell) {
      params.set("cell", listed.cell);
    } else {
      var bbox = viewBbox();
      if (!bbox) { showSites({sites: [], heading: "", summary: ""}); return; }
      params.set("bbox", bbox);
    }
    var mine = ++listed.asked;
    fetch(config.inView + "?" + params.toString(), {headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) throw new Error("no list");
        return response.json();
      })
      .then(function (data) { if (mine === listed.asked) showSites(data); })
      .catch(function () {
        if (mine !== listed.asked) return;
        inViewList.textContent = "";
        inViewHeading.hidden = true;
        inViewStatus.textContent = text.inViewFailed;
      });
  }

  // Only while the list is open: a closed list costs no request.
  function scheduleList() {
    clearTimeout(listed.timer);
    if (inView.open) listed.timer = setTimeout(listSites, 300);
  }

  // A square standing for several sites (a grid cell): list them, to choose one.
  function showCell(ref) {
    listed.cell = ref;
    listed.focusHeading = true;
    inViewList.textContent = "";
    inViewHeading.hidden = true;
    inViewStatus.textContent = text.inViewLoading;
    if (inView.open) listSites();
    else inView.open = true;  // its toggle event lists them
  }

  inView.addEventListener("toggle", function () {
    if (inView.open) {
      if (!inViewList.firstChild) inViewStatus.textContent = text.inViewLoading;
      listSites();
    } else {
      clearTimeout(listed.timer);
      listed.asked++;  // an answer still on its way is dropped
      listed.cell = null;
    }
  });
  inViewAll.addEventListener("click", function () {
    listed.cell = null;
    inView.querySelector("summary").focus();
    listSites();
  });

  /* ---- filters ---- */

  filterForm.addEventListener("change", function () {
    grid.setUrl(tileUrl());
    remember(true);
    scheduleList();
  });
  filterForm.addEventListener("submit", function (e) {
    e.preventDefault();
    grid.setUrl(tileUrl());
    remember(true);
    scheduleList();
  });
  filterForm.addEventListener("reset", function () {
    setTimeout(function () { grid.setUrl(tileUrl()); remember(true); scheduleList(); }, 0);
  });

  /* ---- layers ---- */

  function cellStyle(properties) {
    var radius = Math.min(22, 5 + Math.log(properties.count + 1) * 2.4);
    return {
      radius: radius, weight: 1.5, color: "#ffffff", fill: true, fillOpacity: 0.85,
      fillColor: properties.count >= 1000 ? "#7b2d26" : properties.count >= 50 ? "#c0642d" : "#e39b3c"
    };
  }

  function siteStyle(properties) {
    var colour = CATEGORY_COLOURS[properties.category] || "#444444";
    if (properties.kind === "cell") {
      return {weight: 1.5, color: colour, dashArray: "4 3", fill: true, fillColor: colour, fillOpacity: 0.12};
    }
    return {radius: 6, weight: 2, color: "#ffffff", fill: true, fillColor: colour, fillOpacity: 1};
  }

  window.muraMapInit = function (leafletMap) {
    map = leafletMap;
    MuraBase.addTo(map);  // countries, water, names, region outlines (maps/static/maps/basemap.js)

    setFilters(new URLSearchParams(location.search));
    applyView();  // before the tiles, so the default view's tiles are never asked for
    grid = L.vectorGrid.protobuf(tileUrl(), {
      // SVG: clicks reach features as DOM events (VectorGrid 1.3's canvas hit-testing does
      // not work with Leaflet 1.9).
      rendererFactory: L.svg.tile,
      interactive: true,
      maxNativeZoom: 18,
      vectorTileLayerStyles: {cells: cellStyle, sites: siteStyle},
      attribution: "Mura"
    }).addTo(map);
    grid.on("click", function (e) {
      var p = e.layer.properties || {};
      if (p.ref && p.count > 1) showCell(p.ref);
      else if (p.ref) openPanel(p.ref, true, map.mouseEventToLatLng(e.originalEvent));
      else if (p.count) map.setView(map.mouseEventToLatLng(e.originalEvent), Math.min(map.getZoom() + 3, 18));
    });

    applyUrl();
    map.on("moveend", function () {
      if (!current.restoring) remember(false);
      if (!listed.cell) scheduleList();
    });
    window.addEventListener("popstate", applyUrl);
    if (window.matchMedia("(min-width: 700px)").matches) {
      document.getElementById("filters-box").open = true;
    }
    window.muraMap = map;  // for the browser tests and the curious
    document.body.setAttribute("data-map-ready", "true");
  };
})();
