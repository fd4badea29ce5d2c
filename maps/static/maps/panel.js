/* The side panel of a site (part of the public map, see map.js): opened from the map, the
 * search or the list of sites in view, and named in the address. */
(function () {
  "use strict";
  var M = window.Mura, current = M.current, text = M.text, config = M.config;

  var panel = document.getElementById("panel");

  function setText(id, value) {
    document.getElementById(id).textContent = value || "—";
  }

  // `at`: the site's place on the map, moved out from under the panel once it is open.
  M.openPanel = function (ref, push, at) {
    M.listed.panelFromList = false;
    var url = config.panel.replace("REF", encodeURIComponent(ref));
    fetch(url, {headers: {Accept: "application/json"}}).then(function (response) {
      if (!response.ok) throw new Error("no such site");
      return response.json();
    }).then(function (site) {
      current.site = site.ref;
      setText("panel-name", site.name);
      setText("panel-ref", site.ref);
      setText("panel-category", site.category);
      setText("panel-dating", [site.dating, site.period].filter(Boolean).join(", "));
      setText("panel-significance", site.significance);
      setText("panel-region", site.region);
      document.getElementById("panel-link").href = site.url;
      var figure = document.getElementById("panel-figure");
      var img = document.getElementById("panel-photo");
      if (site.photo) {
        img.src = site.photo.src;
        img.alt = site.photo.alt;
        setText("panel-credit", M.interpolate(text.photoBy, site.photo));
        figure.hidden = false;
      } else {
        figure.hidden = true;
        img.removeAttribute("src");
        img.alt = "";
      }
      panel.hidden = false;
      if (M.sheet) M.sheet.showPanel();  // a phone's bottom sheet (sheet.js) rises to show it
      panel.focus();
      markSite(site);
      if (push !== false) M.remember(true);
      // After: its move is kept in the entry just made. A withheld site has no point: the
      // map goes to its region (its only public place) when the user chose it.
      if (site.lat === null && push !== false) showRegion(site.region_code);
      else keepClearOfPanel(at);
    }).catch(function () { M.closePanel(false); });
  };

  // The panel covers the map's right side on a desktop, the bottom sheet holding it (sheet.js)
  // the lower half on a phone: a site under it is brought into the part left uncovered.
  function covered() {
    var box = M.map.getContainer().getBoundingClientRect();
    var cover = (M.sheet && M.sheet.cover()) || panel.getBoundingClientRect(), margin = 24;
    var below = cover.top - box.top > margin;  // a phone's panel: along the bottom
    return below ? [0, box.bottom - cover.top + margin] : [box.right - cover.left + margin, 0];
  }

  function keepClearOfPanel(latlng) {
    if (!latlng || (M.sheet && M.sheet.showAbove(latlng))) return;
    M.map.panInside(latlng, {paddingBottomRight: covered(), animate: false});
  }

  // A region (its code) fitted into the part of the map the panel leaves uncovered.
  function showRegion(code) {
    var box = config.regions[code];
    if (!box) return;
    M.map.fitBounds([[box[1], box[0]], [box[3], box[2]]],
      {paddingBottomRight: panel.hidden ? [0, 0] : covered(), animate: false});
  }
  M.showRegion = showRegion;

  // The chosen site ringed on the map, at its public point (a generalised site's cell
  // centre, as its square is drawn; a withheld site has none and is not marked).
  var mark = null;
  function markSite(site) {
    unmark();
    if (site.lat === null || site.lon === null) return;
    if (!M.map.getPane("selection")) M.map.createPane("selection").style.zIndex = 450;
    mark = L.circleMarker([site.lat, site.lon], {
      pane: "selection", interactive: false, radius: site.cell ? 16 : 11, weight: 3,
      color: "#f0a500", fill: false, className: "selected-site"
    }).addTo(M.map);
  }
  function unmark() {
    if (mark) M.map.removeLayer(mark);
    mark = null;
  }

  M.closePanel = function (push) {
    panel.hidden = true;
    unmark();
    var was = current.site;
    current.site = null;
    if (was && push !== false) M.remember(true);
  };

  // Closed by its user: back to where it was opened from, when that was the list of sites.
  function dismissPanel() {
    var was = current.site, fromList = M.listed.panelFromList;
    M.closePanel(true);
    M.listed.panelFromList = false;
    if (fromList) M.focusListed(was);
  }

  document.getElementById("panel-close").addEventListener("click", dismissPanel);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") dismissPanel(); });
})();
