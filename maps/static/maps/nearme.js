/* "Near me" (part of the public map, see map.js): the browser's position (asked for only
 * when the button is pressed) moves the map there and the list of sites in view
 * (inview.js) shows the sites around it. Every outcome is said beside the button, a refusal
 * or an error too. The position stays in the page: the map's centre is the position rounded
 * to 0.01° (about a kilometre), so the view's bounding box the list asks for, and the
 * address, carry no more than that; the "you are here" ring is drawn at the position itself,
 * in the browser only. */
(function () {
  "use strict";
  var M = window.Mura, said = M.text.nearMe;
  var button = document.getElementById("near-me");
  var status = document.getElementById("near-me-status");
  var inView = document.getElementById("in-view-box");
  var ZOOM = 12;  // single sites (not counts) from here, a few kilometres across on a phone
  var ring = null;

  function say(message, failed) {
    status.textContent = message;
    status.hidden = !message;
    status.classList.toggle("near-me-failed", !!failed);
  }

  // Not disabled while asking: a disabled button would drop the keyboard's focus.
  function done() { button.removeAttribute("aria-busy"); }

  function round(value) { return Math.round(value * 100) / 100; }

  function markYou(latlng) {
    if (ring) M.map.removeLayer(ring);
    if (!M.map.getPane("selection")) M.map.createPane("selection").style.zIndex = 450;
    ring = L.circleMarker(latlng, {
      pane: "selection", interactive: false, radius: 8, weight: 3, color: "#ffffff",
      fill: true, fillColor: "#1a73e8", fillOpacity: 1, className: "you-are-here"
    }).addTo(M.map);
    var title = L.SVG.create("title");
    title.textContent = said.youAreHere;
    if (ring._path) ring._path.appendChild(title);
  }

  function found(position) {
    done();
    var you = L.latLng(position.coords.latitude, position.coords.longitude);
    var centre = L.latLng(round(you.lat), round(you.lng));
    M.closePanel(false);  // the list takes the sheet
    M.listed.cell = null;  // the view's sites, not a square's
    if (M.sheet) M.sheet.atLeast("half");
    M.moveTo(function () {
      M.map.setView(centre, Math.max(M.map.getZoom(), ZOOM), {animate: false});
      if (M.sheet) M.sheet.showAbove(centre);  // on a phone, above the sheet
    });
    markYou(you);
    say(said.found, false);
    if (inView.open) M.scheduleList();
    else inView.open = true;  // its toggle event lists them
  }

  function failed(error) {
    done();
    var message = said.unavailable;
    if (error && error.code === 1) message = said.denied;
    else if (error && error.code === 3) message = said.timeout;
    say(message, true);
    if (M.sheet) M.sheet.atLeast("half");
  }

  button.addEventListener("click", function () {
    if (!navigator.geolocation || window.isSecureContext === false) {
      failed(null);
      say(said.unsupported, true);
      return;
    }
    if (button.getAttribute("aria-busy")) return;  // already asking
    button.setAttribute("aria-busy", "true");
    say(said.finding, false);
    try {
      navigator.geolocation.getCurrentPosition(found, failed, {
        enableHighAccuracy: false, timeout: 20000, maximumAge: 300000
      });
    } catch (err) {
      failed(null);
    }
  });
})();
