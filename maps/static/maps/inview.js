/* The sites in view (part of the public map, see map.js): the features of the map as
 * buttons, while the list is open; the keyboard's and screen readers' way to them. */
(function () {
  "use strict";
  var M = window.Mura, text = M.text, config = M.config;

  var inView = document.getElementById("in-view-box");
  var inViewList = document.getElementById("in-view-list");
  var inViewHeading = document.getElementById("in-view-heading");
  var inViewStatus = document.getElementById("in-view-status");
  var inViewAll = document.getElementById("in-view-all");
  // cell: the registry number of the clicked square whose sites are listed (else the view's).
  var listed = M.listed = {cell: null, timer: null, asked: 0, focusHeading: false, panelFromList: false};

  function viewBbox() {
    var b = M.map.getBounds();
    var west = Math.max(b.getWest(), -180), east = Math.min(b.getEast(), 180),
      south = Math.max(b.getSouth(), -90), north = Math.min(b.getNorth(), 90);
    if (!(west < east && south < north)) return null;
    return [west, south, east, north].map(function (v) { return v.toFixed(5); }).join(",");
  }

  function listedButton(ref) {
    var buttons = inViewList.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].getAttribute("data-ref") === ref) return buttons[i];
    }
    return null;
  }

  function goToSite(site) {
    var at = L.latLng(site.lat, site.lon);
    M.map.setView(at, site.cell ? 13 : 16, {animate: false});
    M.openPanel(site.ref, true, at);
    listed.panelFromList = true;
  }

  function siteButton(site) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "in-view-site";
    button.setAttribute("data-ref", site.ref);
    button.appendChild(M.textSpan("in-view-name", site.name));
    button.appendChild(document.createTextNode(" "));  // the accessible name's word break
    button.appendChild(M.textSpan("in-view-about", site.category + " · " + site.ref));
    button.addEventListener("click", function () { goToSite(site); });
    return button;
  }

  function showSites(data) {
    inViewList.textContent = "";
    data.sites.forEach(function (site) {
      var li = document.createElement("li");
      li.appendChild(siteButton(site));
      inViewList.appendChild(li);
    });
    inViewHeading.textContent = data.heading;
    inViewHeading.hidden = !data.heading;
    inViewAll.hidden = !listed.cell;
    inViewStatus.textContent = data.summary;
    if (listed.focusHeading && data.heading) inViewHeading.focus();
    listed.focusHeading = false;
  }

  function listSites() {
    clearTimeout(listed.timer);
    if (!inView.open || !M.map) return;
    var params = M.filterParams();
    if (listed.cell) {
      params.set("cell", listed.cell);
    } else {
      var bbox = viewBbox();
      if (!bbox) { showSites({sites: [], heading: "", summary: ""}); return; }
      params.set("bbox", bbox);
    }
    var mine = ++listed.asked;
    fetch(config.inView + "?" + params.toString(), {headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) throw new Error("no list");
        return response.json();
      })
      .then(function (data) { if (mine === listed.asked) showSites(data); })
      .catch(function () {
        if (mine !== listed.asked) return;
        inViewList.textContent = "";
        inViewHeading.hidden = true;
        inViewStatus.textContent = text.inViewFailed;
      });
  }

  // Only while the list is open: a closed list costs no request.
  M.scheduleList = function () {
    clearTimeout(listed.timer);
    if (inView.open) listed.timer = setTimeout(listSites, 300);
  };

  // A square standing for several sites (a grid cell): list them, to choose one.
  M.showCell = function (ref) {
    listed.cell = ref;
    listed.focusHeading = true;
    inViewList.textContent = "";
    inViewHeading.hidden = true;
    inViewStatus.textContent = text.inViewLoading;
    if (inView.open) listSites();
    else inView.open = true;  // its toggle event lists them
  };

  inView.addEventListener("toggle", function () {
    if (inView.open) {
      if (!inViewList.firstChild) inViewStatus.textContent = text.inViewLoading;
      listSites();
    } else {
      clearTimeout(listed.timer);
      listed.asked++;  // an answer still on its way is dropped
      listed.cell = null;
    }
  });
  inViewAll.addEventListener("click", function () {
    listed.cell = null;
    inView.querySelector("summary").focus();
    listSites();
  });

  // Back to the list's button of `ref` (or its title) when the panel opened from it closes.
  M.focusListed = function (ref) {
    if (inView.open) (listedButton(ref) || inView.querySelector("summary")).focus();
  };
})();
