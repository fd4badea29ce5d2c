/* Leaflet's own controls in the page's language: Leaflet knows only English ("Zoom in",
 * "Layers", "300 km"). The words come from the server (id "leaflet-text"); this runs after
 * leaflet.js and before django-leaflet builds the map, so every control is made with them. */
(function () {
  "use strict";
  var element = document.getElementById("leaflet-text");
  if (!element || !window.L) return;
  var text = JSON.parse(element.textContent);

  function attribute(value) {  // a server word inside an HTML attribute, as text
    return String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;")
      .replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  L.Control.Zoom.mergeOptions({zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut});
  L.Control.Attribution.mergeOptions({
    prefix: L.Control.Attribution.prototype.options.prefix.replace(
      /title="[^"]*"/, 'title="' + attribute(text.leaflet) + '"')
  });

  // The layer switcher's button is titled "Layers" in its (private) layout code.
  var layersOnAdd = L.Control.Layers.prototype.onAdd;
  L.Control.Layers.include({
    onAdd: function (map) {
      var container = layersOnAdd.call(this, map);
      var toggle = container.querySelector(".leaflet-control-layers-toggle");
      if (toggle) toggle.title = text.layers;
      return container;
    }
  });

  // The scale writes "m" and "km" (Leaflet 1.9's _updateMetric); only those units are shown.
  var updateScale = L.Control.Scale.prototype._updateScale;
  L.Control.Scale.include({
    _updateScale: function (scale, label, ratio) {
      var words = label.replace(/ km$/, " " + text.kilometres).replace(/ m$/, " " + text.metres);
      updateScale.call(this, scale, attribute(words), ratio);
    }
  });
})();
