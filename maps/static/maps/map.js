/* The public map: vector tiles (Leaflet.VectorGrid), outlines and permalinks; the parts that
 * share them live beside it, one concern each, all reading and extending `window.Mura`:
 * panel.js (the side panel), search.js (suggestions), inview.js (the sites in view as a list,
 * the keyboard's way to them) and filters.js. They load after this file and before the map
 * is made (muraMapInit, django-leaflet's callback), so each may call the others' functions.
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
  var CATEGORY_COLOURS = {
    archaeology: "#a0522d", architecture: "#1f5fa8", monumental_art: "#8e44ad",
    ensemble: "#117a65", sacred: "#c0392b", history: "#b7950b"
  };
  var map, grid;
  // The page's shared state. restoring: the view is being set from the address
  // (back/forward), which must not be rewritten with the state it replaces.
  var M = window.Mura = {
    config: config, text: text, map: null, grid: null,
    current: {site: null, restoring: false}
  };
  var current = M.current;

  M.textSpan = function (className, text) {  // server text as text, never as HTML
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  };

  M.interpolate = function (template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  };

  /* ---- the URL: filters, view and open site ---- */

  M.tileUrl = function () {
    var params = M.filterParams();
    params.set("v", config.version);
    return config.tiles + "?" + params.toString();
  };

  function stateUrl() {
    var params = M.filterParams();
    var c = map.getCenter();
    params.set("z", map.getZoom());
    params.set("lat", c.lat.toFixed(4));
    params.set("lon", c.lng.toFixed(4));
    if (current.site) params.set("site", current.site);
    (M.urlParts || []).forEach(function (add) { add(params); });  // e.g. atrisk.js's switch
    return location.pathname + "?" + params.toString();
  }

  M.remember = function (push) {
    var url = stateUrl();
    if (url === location.pathname + location.search) return;
    if (push) history.pushState({mura: true}, "", url);
    else history.replaceState({mura: true}, "", url);
  };

  // The map moved by `move` as one new history entry (a move alone only replaces the entry).
  M.moveTo = function (move) {
    current.restoring = true;
    try { move(); } finally { current.restoring = false; }
    M.remember(true);
  };

  function applyView() {
    var params = new URLSearchParams(location.search);
    var z = parseInt(params.get("z"), 10), lat = parseFloat(params.get("lat")),
      lon = parseFloat(params.get("lon"));
    if (!isNaN(z) && !isNaN(lat) && !isNaN(lon)) map.setView([lat, lon], z, {animate: false});
  }

  function applyUrl() {
    var params = new URLSearchParams(location.search);
    M.setFilters(params);
    current.restoring = true;
    try { applyView(); } finally { current.restoring = false; }
    if (grid && grid._url !== M.tileUrl()) grid.setUrl(M.tileUrl());
    if (params.get("site")) M.openPanel(params.get("site"), false);
    else M.closePanel(false);
    M.scheduleList();
  }

  /* ---- layers ---- */

  // The circles of the "cells" layer stand for many sites: each carries its number (the
  // legend says they count sites), an SVG text drawn over it that takes no pointer events.
  var lang = document.documentElement.lang || undefined;
  var plain = new Intl.NumberFormat(lang), compact = new Intl.NumberFormat(lang, {notation: "compact"});
  var CountedTile = L.SVG.Tile.extend({
    _addPath: function (layer) {
      L.SVG.Tile.prototype._addPath.call(this, layer);
      var p = layer.properties;
      if (!p || p.ref || typeof p.count !== "number" || !layer._point) return;
      var label = L.SVG.create("text");
      label.setAttribute("class", "cell-count");
      label.setAttribute("x", layer._point.x);
      label.setAttribute("y", layer._point.y);
      label.setAttribute("text-anchor", "middle");
      label.setAttribute("dominant-baseline", "central");
      label.setAttribute("data-count", p.count);
      label.textContent = (p.count < 10000 ? plain : compact).format(p.count);
      this._rootGroup.appendChild(label);
    }
  });

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
    map = M.map = leafletMap;
    MuraBase.addTo(map);  // countries, water, names, region outlines (maps/static/maps/basemap.js)

    M.setFilters(new URLSearchParams(location.search));
    applyView();  // before the tiles, so the default view's tiles are never asked for
    grid = M.grid = L.vectorGrid.protobuf(M.tileUrl(), {
      // SVG: clicks reach features as DOM events (VectorGrid 1.3's canvas hit-testing does
      // not work with Leaflet 1.9).
      rendererFactory: function (coords, size, options) { return new CountedTile(coords, size, options); },
      interactive: true,
      maxNativeZoom: 18,
      vectorTileLayerStyles: {cells: cellStyle, sites: siteStyle},
      attribution: "Mura"
    }).addTo(map);
    grid.on("click", function (e) {
      var p = e.layer.properties || {};
      if (p.ref && p.count > 1) M.showCell(p.ref);
      else if (p.ref) M.openPanel(p.ref, true, map.mouseEventToLatLng(e.originalEvent));
      else if (p.count) map.setView(map.mouseEventToLatLng(e.originalEvent), Math.min(map.getZoom() + 3, 18));
    });

    applyUrl();
    map.on("moveend", function () {
      if (!current.restoring) M.remember(false);
      if (!M.listed.cell) M.scheduleList();
    });
    window.addEventListener("popstate", applyUrl);
    if (window.matchMedia("(min-width: 700px)").matches) {
      document.getElementById("filters-box").open = true;
    }
    window.muraMap = map;  // for the browser tests and the curious
    document.body.setAttribute("data-map-ready", "true");
  };
})();
