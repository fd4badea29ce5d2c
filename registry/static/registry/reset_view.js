/* django-leaflet's "Reset view" button draws no icon (django-leaflet#390): its widget hands the
   icon's bare address ("/static/leaflet/images/reset-view.png") to `style.backgroundImage`,
   which wants `url(...)`, so the browser drops it. Wrapped here, after its constructor reads
   the address, before the button is drawn. Loaded after leaflet.extras.js. */
(function () {
  "use strict";
  if (!window.L || !L.Control.ResetView) return;
  var initialize = L.Control.ResetView.prototype.initialize;
  L.Control.ResetView.include({
    initialize: function () {
      initialize.apply(this, arguments);
      var icon = L.Control.ResetView.ICON;
      if (icon && icon.indexOf("url(") !== 0) {
        L.Control.ResetView.ICON = "url(" + JSON.stringify(icon) + ")";
      }
    }
  });
})();
