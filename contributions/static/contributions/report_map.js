// The report form's map (contributions/templates/contributions/contribute/report.html): a click
// places the point and fills the latitude and longitude inputs, which work without it too; typing
// in them moves the point. Officers' pages use it read-only (data-readonly on the map's element).
(function () {
  "use strict";
  window.muraReportMapInit = function (map) {
    if (window.MuraBase) { window.MuraBase.addTo(map); }
    var element = map.getContainer();
    var lat = document.getElementById("id_lat");
    var lon = document.getElementById("id_lon");
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.circleMarker(latlng, { radius: 8, color: "#b03a2e", weight: 3 }).addTo(map); }
    }
    function fromInputs() {
      var y = parseFloat(lat && lat.value), x = parseFloat(lon && lon.value);
      if (!isNaN(y) && !isNaN(x)) { place([y, x]); return true; }
      return false;
    }
    if (element.dataset.lat) {
      place([parseFloat(element.dataset.lat), parseFloat(element.dataset.lon)]);
      map.setView(marker.getLatLng(), 12);
    } else if (fromInputs()) {
      map.setView(marker.getLatLng(), 10);
    }
    if (element.dataset.readonly || !lat || !lon) { return; }
    map.on("click", function (event) {
      place(event.latlng);
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
    });
    lat.addEventListener("change", fromInputs);
    lon.addEventListener("change", fromInputs);
  };
})();
