/* A site page's small map: the public point (or the grid cell of a generalised site) and,
 * for open sites, the protection zones, over our own region outlines. */
(function () {
  "use strict";
  window.muraSiteMapInit = function (map) {
    var data = JSON.parse(document.getElementById("site-map-data").textContent);
    var zones = JSON.parse(document.getElementById("site-zones").textContent);
    var bases = {};
    map.createPane("outlines").style.zIndex = 150;
    var outlines = L.geoJSON(null, {
      interactive: false, pane: "outlines", style: {color: "#55606b", weight: 1.2, fillColor: "#f3efe6", fillOpacity: 1}
    }).addTo(map);
    fetch(data.areas).then(function (r) { return r.json(); }).then(function (d) { outlines.addData(d); });
    bases[data.outlinesName] = outlines;
    data.osm.forEach(function (t) { bases[t.name] = L.tileLayer(t.url, t.options); });
    L.control.layers(bases, null, {collapsed: true}).addTo(map);
    map.on("baselayerchange", function (e) { if (e.layer !== outlines) map.removeLayer(outlines); });
    var shapes = L.featureGroup().addTo(map);
    if (zones) {
      L.geoJSON(typeof zones === "string" ? JSON.parse(zones) : zones, {
        style: {color: "#c0392b", weight: 1.5, fillOpacity: 0.15}
      }).addTo(shapes);
    }
    if (data.half) {
      L.rectangle([[data.lat - data.half, data.lon - data.half], [data.lat + data.half, data.lon + data.half]],
        {color: "#1f5fa8", dashArray: "4 3", fillOpacity: 0.12}).addTo(shapes);
    } else {
      L.circleMarker([data.lat, data.lon], {radius: 7, color: "#fff", weight: 2, fillColor: "#1f5fa8", fillOpacity: 1}).addTo(shapes);
    }
    map.fitBounds(shapes.getBounds().pad(0.3), {maxZoom: 15});
  };
})();
