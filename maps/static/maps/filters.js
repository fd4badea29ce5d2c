/* The map's filters (part of the public map, see map.js): the form's values as the query of
 * the tiles, the list of sites in view and the address. */
(function () {
  "use strict";
  var M = window.Mura;
  var filterForm = document.getElementById("filters");
  var FILTERS = ["category", "significance", "region", "year_from", "year_to"];

  M.filterParams = function () {
    var params = new URLSearchParams();
    new FormData(filterForm).forEach(function (value, key) {
      if (value !== "") params.append(key, value);
    });
    return params;
  };

  M.setFilters = function (params) {
    Array.prototype.forEach.call(filterForm.elements, function (el) {
      if (!el.name || FILTERS.indexOf(el.name) < 0) return;
      var values = params.getAll(el.name);
      if (el.type === "checkbox") el.checked = values.indexOf(el.value) >= 0;
      else el.value = values.length ? values[0] : "";
    });
  };

  filterForm.addEventListener("change", function () {
    M.grid.setUrl(M.tileUrl());
    M.remember(true);
    M.scheduleList();
  });
  filterForm.addEventListener("submit", function (e) {
    e.preventDefault();
    M.grid.setUrl(M.tileUrl());
    M.remember(true);
    M.scheduleList();
  });
  filterForm.addEventListener("reset", function () {
    setTimeout(function () { M.grid.setUrl(M.tileUrl()); M.remember(true); M.scheduleList(); }, 0);
  });
})();
