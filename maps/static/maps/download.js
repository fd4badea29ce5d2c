/* "Download these sites" on the public map: the export API (/api/v1/exports/sites.<fmt>) with
the map's filters (the #filters form, as the tiles get them) and, unless unticked, the view's
bounding box. The link's address is built when it is used, so it is always the map as seen. */
(function () {
  "use strict";
  var link = document.getElementById("download-link");
  var filters = document.getElementById("filters");
  if (!link || !filters) return;
  var format = document.getElementById("download-format");
  var inView = document.getElementById("download-in-view");
  var base = link.getAttribute("data-url");  // .../exports/sites.csv

  function viewBbox() {
    var map = window.muraMap;
    if (!map) return null;
    var b = map.getBounds();
    var west = Math.max(b.getWest(), -180), east = Math.min(b.getEast(), 180),
      south = Math.max(b.getSouth(), -90), north = Math.min(b.getNorth(), 90);
    if (!(west < east && south < north)) return null;
    return [west, south, east, north].map(function (v) { return v.toFixed(5); }).join(",");
  }

  function address() {
    var params = new URLSearchParams();
    new FormData(filters).forEach(function (value, key) {
      if (value !== "") params.append(key, value);
    });
    var box = inView.checked ? viewBbox() : null;
    if (box) params.set("bbox", box);
    var query = params.toString();
    return base.replace(/\.csv$/, "." + format.value) + (query ? "?" + query : "");
  }

  function update() { link.href = address(); }
  // Before the browser follows the link: click (mouse, touch, Enter), and on the way to it.
  ["click", "focus", "mouseenter"].forEach(function (name) { link.addEventListener(name, update); });
  format.addEventListener("change", update);
  inView.addEventListener("change", update);
})();
