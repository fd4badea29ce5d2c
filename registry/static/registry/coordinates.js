/* Typed coordinates move the site's point on the officer's map (registry/forms.py: longitude
   and latitude). The same forms as registry/coordinates.py, which decides what is saved:
   decimal degrees, or degrees, minutes, seconds, with a hemisphere letter (Latin, Russian or
   Kazakh). A point drawn on the map fills the fields in decimal degrees. */
(function () {
  "use strict";
  var box = document.getElementById("typed-coordinates");
  if (!box) return;
  var inputs = {lon: document.getElementById("id_longitude"), lat: document.getElementById("id_latitude")};
  var status = document.getElementById("coordinates-status");
  var HEMISPHERES = {N: ["lat", 1], "С": ["lat", 1], S: ["lat", -1], "Ю": ["lat", -1], "О": ["lat", -1],
                     E: ["lon", 1], "В": ["lon", 1], "Ш": ["lon", 1], W: ["lon", -1], "З": ["lon", -1], "Б": ["lon", -1]};
  var LETTERS = Object.keys(HEMISPHERES).join("");
  var PREFIX = new RegExp("^([" + LETTERS + "])\\.?\\s*", "i");
  var SUFFIX = new RegExp("\\s*([" + LETTERS + "])\\.?(?:\\s*[" + LETTERS + "a-zа-яәғқңөұүһі]\\.?)?$", "i");
  var LIMITS = {lon: 180, lat: 90};
  var field = null, map = null;

  function angle(text, axis) {  // decimal degrees, or null when it cannot be read
    text = text.trim().replace(/\s+/g, " ");
    var hemisphere = null, match = PREFIX.exec(text) || SUFFIX.exec(text);
    if (match) {
      hemisphere = HEMISPHERES[match[1].toUpperCase()];
      text = (text.slice(0, match.index) + text.slice(match.index + match[0].length)).trim();
    }
    var sign = 1;
    if (/^[-−]/.test(text)) { sign = -1; text = text.slice(1).trim(); }
    var numbers = text.match(/\d+(?:[.,]\d+)?/g);
    var rest = text.replace(/\d+(?:[.,]\d+)?/g, "").replace(/[°º˚d′’‘ʹ'm″”“ʺ"s\s]+/gi, "");
    if (!numbers || rest || numbers.length > 3) return null;
    var parts = numbers.map(function (n) { return parseFloat(n.replace(",", ".")); });
    if (numbers.slice(0, -1).some(function (n) { return /[.,]/.test(n); })) return null;
    if ((parts[1] || 0) >= 60 || (parts[2] || 0) >= 60) return null;
    var value = parts[0] + (parts[1] || 0) / 60 + (parts[2] || 0) / 3600;
    if (hemisphere) {
      if (hemisphere[0] !== axis || sign < 0) return null;
      sign = hemisphere[1];
    }
    value *= sign;
    return Math.abs(value) <= LIMITS[axis] ? value : null;
  }

  function typed() {
    if (!inputs.lon.value.trim() || !inputs.lat.value.trim()) return;
    var lon = angle(inputs.lon.value, "lon"), lat = angle(inputs.lat.value, "lat");
    if (lon === null || lat === null) { status.textContent = box.dataset.unread; return; }
    status.textContent = box.dataset.moved;
    if (!field) return;
    field.drawnItems.clearLayers();
    field.drawnItems.addLayer(L.marker([lat, lon]));
    field.store.save(field.drawnItems);
    map.setView([lat, lon], Math.max(map.getZoom(), 12));
  }

  function drawn() {  // the point the officer drew, in the fields
    var layers = field.drawnItems.getLayers();
    if (!layers.length || !layers[0].getLatLng) return;
    var point = layers[0].getLatLng();
    inputs.lon.value = point.lng.toFixed(7);
    inputs.lat.value = point.lat.toFixed(7);
    status.textContent = "";
  }

  window.addEventListener("map:init", function (event) {
    event.detail.map.on("map:loadfield", function (loaded) {
      if (loaded.fieldid !== "id_location") return;
      field = loaded.field;
      map = event.detail.map;
      map.on("draw:created draw:edited", function () { setTimeout(drawn, 0); });
      typed();
    });
  });
  inputs.lon.addEventListener("input", typed);
  inputs.lat.addEventListener("input", typed);
})();
