/* The Heritage at Risk layer of the public map (maps/atrisk.py serves it): a switch in a
 * corner control; when on, open sites at risk as red rings and S1 sites as their grid square
 * (S2 and S3 sites are not on this layer; /at-risk/ lists them by region). The switch is kept
 * in the address (`atrisk=1`, through M.urlParts) so a shared link shows the layer; a layer
 * that cannot be loaded is said beside the switch. Loaded after map.js and before the map is
 * made: it wraps muraMapInit. Server text is set as text only. */
(function () {
  "use strict";
  var M = window.Mura;
  if (!M || !M.config.atRisk) return;
  var config = M.config.atRisk, text = M.text.atRisk;
  var layer = null, loading = false;

  function line(label, value) {
    var p = document.createElement("p");
    p.appendChild(M.textSpan("at-risk-label", label + ": "));
    p.appendChild(M.textSpan("at-risk-value", value));
    return p;
  }

  function popup(p) {
    var box = document.createElement("div");
    box.className = "at-risk-popup";
    var title = document.createElement("strong");
    title.textContent = p.name;
    box.appendChild(title);
    if (p.condition) box.appendChild(line(text.condition, p.condition));
    if (p.threats && p.threats.length) box.appendChild(line(text.threats, p.threats.join("; ")));
    if (p.at_risk_since) box.appendChild(line(text.since, p.at_risk_since));
    if (p.generalised) box.appendChild(M.textSpan("at-risk-note", text.cell));
    var link = document.createElement("a");
    link.href = config.site.replace("REF", encodeURIComponent(p.registry_number));
    link.textContent = text.open;
    box.appendChild(document.createElement("br"));
    box.appendChild(link);
    return box;
  }

  function build(data) {
    return L.geoJSON(data, {
      style: function () {
        return {color: "#b00020", weight: 2, dashArray: "4 3", fillColor: "#b00020", fillOpacity: 0.15};
      },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {radius: 9, color: "#b00020", weight: 3, fill: true, fillColor: "#ffffff", fillOpacity: 0.6});
      },
      onEachFeature: function (feature, item) { item.bindPopup(popup(feature.properties)); }
    });
  }

  function show(map, on, checkbox, status) {
    if (!on) { if (layer) map.removeLayer(layer); return; }
    if (layer) { layer.addTo(map); return; }
    if (loading) return;
    loading = true;
    fetch(config.layer, {headers: {Accept: "application/geo+json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        status.textContent = "";
        layer = build(data);
        if (checkbox.checked) layer.addTo(map);
        document.body.setAttribute("data-at-risk-features", String(data.features.length));
      })
      .catch(function () {
        checkbox.checked = false;
        status.textContent = text.failed;
        M.remember(false);
      })
      .then(function () { loading = false; });
  }

  var AtRiskControl = L.Control.extend({
    options: {position: "topright"},
    onAdd: function (map) {
      var box = L.DomUtil.create("div", "leaflet-bar at-risk-toggle");
      var label = L.DomUtil.create("label", "", box);
      var checkbox = L.DomUtil.create("input", "", label);
      checkbox.type = "checkbox";
      checkbox.id = "at-risk-toggle";
      label.appendChild(document.createTextNode(" " + text.toggle));
      var status = L.DomUtil.create("span", "at-risk-status", box);
      status.setAttribute("role", "status");
      L.DomEvent.disableClickPropagation(box);
      M.urlParts = M.urlParts || [];
      M.urlParts.push(function (params) { if (checkbox.checked) params.set("atrisk", "1"); });
      checkbox.addEventListener("change", function () {
        show(map, checkbox.checked, checkbox, status);
        M.remember(false);
      });
      if (new URLSearchParams(location.search).get("atrisk") === "1") {
        checkbox.checked = true;
        show(map, true, checkbox, status);
      }
      return box;
    }
  });

  var init = window.muraMapInit;
  window.muraMapInit = function (leafletMap) {
    init(leafletMap);
    new AtRiskControl().addTo(leafletMap);
  };
})();
