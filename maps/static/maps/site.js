/* A site page's small map: the public point (or the grid cell of a generalised site) and,
 * for open sites, the protection zones, over Mura's own base map. */
(function () {
  "use strict";
  window.muraSiteMapInit = function (map) {
    var data = JSON.parse(document.getElementById("site-map-data").textContent);
    var zones = JSON.parse(document.getElementById("site-zones").textContent);
    MuraBase.addTo(map);  // countries, water, names, region outlines (maps/static/maps/basemap.js)
    var shapes = L.featureGroup().addTo(map), zoned = false;
    if (zones) {
      zoned = L.geoJSON(typeof zones === "string" ? JSON.parse(zones) : zones, {
        style: {color: "#c0392b", weight: 1.5, fillOpacity: 0.15}
      }).addTo(shapes).getLayers().length > 0;
    }
    if (data.half) {
      L.rectangle([[data.lat - data.half, data.lon - data.half], [data.lat + data.half, data.lon + data.half]],
        {color: "#1f5fa8", dashArray: "4 3", fillOpacity: 0.12}).addTo(shapes);
    } else {
      L.circleMarker([data.lat, data.lon], {radius: 7, color: "#fff", weight: 2, fillColor: "#1f5fa8", fillOpacity: 1}).addTo(shapes);
    }
    // A point alone is shown among the places around it; zones are shown whole.
    map.fitBounds(shapes.getBounds().pad(0.3), {maxZoom: zoned ? 15 : 11});
  };
})();
