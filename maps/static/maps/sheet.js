/* The bottom sheet of the public map on a phone (part of the public map, see map.js): the
 * search, the filters, the sites in view and a chosen site's panel, over a map that fills the
 * screen. Three states, kept in the sheet's data-state: "peek" (the search only, at rest),
 * "half" and "full". Its handle is dragged (touch, pen or mouse), pressed (cycles through the
 * states) or used from the keyboard (ArrowUp / ArrowDown); Escape closes the sheet to "peek"
 * (in a site's panel, Escape first closes the panel; with suggestions open, those first).
 * On a desktop (wider than 700 px) the sheet is not shown as one and this does nothing. */
(function () {
  "use strict";
  var M = window.Mura, text = M.text;
  var sheet = document.getElementById("sheet");
  var body = document.getElementById("sheet-body");
  var handle = document.getElementById("sheet-handle");
  var stateText = document.getElementById("sheet-state");
  var panel = document.getElementById("panel");
  var search = document.getElementById("search-input");
  var suggestions = document.getElementById("search-suggestions");
  var STATES = ["peek", "half", "full"];
  var phone = window.matchMedia("(max-width: 700px)");

  function state() { return sheet.getAttribute("data-state"); }

  function set(next) {
    if (STATES.indexOf(next) < 0) return;
    var was = state();
    sheet.style.height = "";
    sheet.setAttribute("data-state", next);
    handle.setAttribute("aria-expanded", next === "peek" ? "false" : "true");
    if (was !== next) stateText.textContent = text.sheet[next];
    if (next === "peek") body.scrollTop = 0;
  }

  // At least `least` open: a sheet already more open stays so.
  function atLeast(least) {
    if (phone.matches && STATES.indexOf(state()) < STATES.indexOf(least)) set(least);
  }

  M.sheet = {
    phone: function () { return phone.matches; },
    state: state,
    set: set,
    atLeast: atLeast,
    // The panel of a site opened (panel.js): shown in the sheet, half open, the map above it.
    showPanel: function () { if (phone.matches) set("half"); },
    // What covers the map on a phone (panel.js keeps a chosen site clear of it), else null.
    cover: function () { return phone.matches ? sheet.getBoundingClientRect() : null; },
    // On a phone: `latlng` put in the middle of the part of the map above the sheet (true),
    // not at its edge; elsewhere nothing is done (false).
    showAbove: function (latlng) {
      if (!phone.matches || !M.map) return false;
      var box = M.map.getContainer().getBoundingClientRect();
      var top = sheet.getBoundingClientRect().top - box.top;
      var at = M.map.latLngToContainerPoint(latlng);
      M.map.panBy([Math.round(at.x - box.width / 2), Math.round(at.y - top / 2)], {animate: false});
      return true;
    }
  };

  /* ---- the handle: pressed, keys, dragged ---- */

  var drag = null, dragged = false;

  handle.addEventListener("click", function () {
    if (dragged) { dragged = false; return; }  // the end of a drag, not a press
    set(STATES[(STATES.indexOf(state()) + 1) % STATES.length]);
  });

  handle.addEventListener("keydown", function (e) {
    var i = STATES.indexOf(state());
    if (e.key === "ArrowUp") { e.preventDefault(); set(STATES[Math.min(i + 1, 2)]); }
    else if (e.key === "ArrowDown") { e.preventDefault(); set(STATES[Math.max(i - 1, 0)]); }
  });

  function heights() {
    var room = sheet.parentNode.getBoundingClientRect().height;
    var rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    var peek = parseFloat(getComputedStyle(sheet).getPropertyValue("--peek")) * rem || 104;
    return {peek: peek, half: room / 2, full: room};
  }

  function nearest(height) {
    var h = heights(), best = "peek";
    STATES.forEach(function (s) {
      if (Math.abs(h[s] - height) < Math.abs(h[best] - height)) best = s;
    });
    return best;
  }

  handle.addEventListener("pointerdown", function (e) {
    if (!phone.matches || (e.pointerType === "mouse" && e.button !== 0)) return;
    drag = {id: e.pointerId, y: e.clientY, height: sheet.getBoundingClientRect().height, moved: false};
    try { handle.setPointerCapture(e.pointerId); } catch (err) { /* a pointer already gone */ }
  });

  handle.addEventListener("pointermove", function (e) {
    if (!drag || e.pointerId !== drag.id) return;
    var dy = e.clientY - drag.y;
    if (!drag.moved && Math.abs(dy) < 6) return;  // a press that wobbles is still a press
    drag.moved = true;
    var h = heights();
    sheet.style.height = Math.max(h.peek, Math.min(h.full, drag.height - dy)) + "px";
  });

  function endDrag(e) {
    if (!drag || e.pointerId !== drag.id) return;
    var moved = drag.moved;
    drag = null;
    if (!moved) return;
    set(nearest(sheet.getBoundingClientRect().height));
    // A mouse's click follows its drag in the same task; a finger's does not come at all.
    dragged = true;
    setTimeout(function () { dragged = false; }, 0);
  }
  handle.addEventListener("pointerup", endDrag);
  handle.addEventListener("pointercancel", endDrag);

  /* ---- opened by what the user does in it ---- */

  // Typing wants room for the suggestions (and a phone's keyboard); the rest half the screen.
  search.addEventListener("focus", function () { atLeast("full"); });
  body.addEventListener("focusin", function (e) {
    if (e.target !== search) atLeast("half");
  });
  document.getElementById("filters-box").addEventListener("toggle", function (e) {
    if (e.target.open) atLeast("full");
  });
  document.getElementById("in-view-box").addEventListener("toggle", function (e) {
    if (e.target.open) atLeast("half");
  });

  /* ---- Escape ---- */

  // Seen before the search (suggestions) and the panel take their own Escape.
  var escaping = null;
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || !phone.matches) return;
    escaping = {
      suggesting: !suggestions.hidden,
      inPanel: !panel.hidden && panel.contains(e.target)
    };
  }, true);
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || !escaping) return;
    var was = escaping;
    escaping = null;
    if (was.suggesting || was.inPanel || state() === "peek") return;
    if (search === document.activeElement) search.blur();
    set("peek");
    handle.focus();
  });

  phone.addEventListener("change", function () { sheet.style.height = ""; });
  set(state());
  stateText.textContent = "";  // said when it changes, not on arrival
})();
