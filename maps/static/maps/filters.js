/* The map's filters (part of the public map, see map.js): the form's values as the query of
 * the tiles, the list of sites in view and the address.
 *
 * The filters in force (`applied`) are those the server last accepted: each change is checked
 * first (maps/views.py `filters_check`), and a bad one (a period ending before it starts) is
 * said beside its field, in the server's words, while the map keeps the filters it had.
 * History: typing in a field replaces the entry its first edit made (one entry per edit,
 * not per key); a committed change (a box ticked, a field left) adds one. */
(function () {
  "use strict";
  var M = window.Mura, config = M.config;
  var filterForm = document.getElementById("filters");
  var FILTERS = ["category", "significance", "region", "year_from", "year_to"];
  // The parser's names (the API's) of the form's fields.
  var FIELD_OF = {date_from: "year_from", date_to: "year_to"};
  var TYPING_DELAY = 500;
  var applied = new URLSearchParams();
  // editing: the field being typed in, whether its edit has its history entry yet, and the
  // timer applying what is typed so far.
  var editing = {name: null, pushed: false, timer: null};
  // Checks are answered in the order they were asked, so history keeps the edits' order.
  var queue = Promise.resolve();
  // The page's own filters (its address), and whether the server found them wrong.
  var loaded = filtersOf(new URLSearchParams(location.search));
  var loadedBadly = !!filterForm.getAttribute("data-invalid");

  function filtersOf(params) {
    return params.toString().split("&").filter(function (pair) {
      return FILTERS.indexOf(decodeURIComponent(pair.split("=")[0])) >= 0;
    }).join("&");
  }

  function formParams() {
    var params = new URLSearchParams();
    new FormData(filterForm).forEach(function (value, key) {
      if (value !== "") params.append(key, value);
    });
    return params;
  }

  M.filterParams = function () { return new URLSearchParams(applied); };

  M.setFilters = function (params) {
    Array.prototype.forEach.call(filterForm.elements, function (el) {
      if (!el.name || FILTERS.indexOf(el.name) < 0) return;
      var values = params.getAll(el.name);
      if (el.type === "checkbox") el.checked = values.indexOf(el.value) >= 0;
      else el.value = values.length ? values[0] : "";
    });
    // The address the page was opened with, when its filters were wrong: the map shows
    // every site and the form keeps saying what was wrong (rendered by the server).
    if (loadedBadly && filtersOf(params) === loaded) {
      applied = new URLSearchParams();
      return;
    }
    applied = formParams();
    showErrors({});
  };

  function labelOf(name) {
    var field = filterForm.elements[name];
    var el = field && (field.length && !field.tagName ? field[0] : field);
    var fieldset = el && el.closest("fieldset");
    if (el && el.type === "checkbox" && fieldset) return fieldset.querySelector("legend").textContent;
    var label = el && el.closest("label");
    return label ? label.firstChild.textContent.trim() : name;
  }

  // Each field's messages beside it, the field named; the others cleared.
  function showErrors(errors) {
    var shown = {};
    Object.keys(errors).forEach(function (key) {
      var name = FIELD_OF[key] || key;
      if (FILTERS.indexOf(name) < 0) name = "year_from";  // none expected; never lost
      shown[name] = (shown[name] || []).concat(errors[key].map(function (message) {
        return labelOf(name) + ": " + message;
      }));
    });
    FILTERS.forEach(function (name) {
      var slot = document.getElementById("error-" + name);
      slot.textContent = shown[name] ? shown[name].join(" ") : "";
      slot.hidden = !shown[name];
      var field = filterForm.elements[name];
      if (field && field.tagName === "INPUT" && field.type !== "checkbox") {
        if (shown[name]) field.setAttribute("aria-invalid", "true");
        else field.removeAttribute("aria-invalid");
      }
    });
  }

  // The form's filters, once the server accepts them, in force: tiles, address, list.
  // `then` runs after, with whether they were applied.
  function commit(push, then) {
    var params = formParams();
    queue = queue.then(function () {
      return fetch(config.check + "?" + params.toString(), {headers: {Accept: "application/json"}});
    }).then(function (response) {
        if (response.ok) return {};
        if (response.status === 400) return response.json().then(function (body) { return body.errors || {}; });
        throw new Error("no check");
      })
      .then(function (errors) {
        showErrors(errors);
        var ok = Object.keys(errors).length === 0;
        if (ok) {
          applied = params;
          if (M.grid) M.grid.setUrl(M.tileUrl());
          M.remember(push);
          M.scheduleList();
        }
        if (then) then(ok);
      })
      .catch(function () { /* the map keeps its filters; the next change asks again */ });
  }

  function endEdit() {
    clearTimeout(editing.timer);
    var push = !editing.pushed;
    editing = {name: null, pushed: false, timer: null};
    return push;
  }

  // Another field typed in before the last one was applied: what was typed is applied now.
  function flushEdit() {
    var pending = editing.timer !== null && editing.name !== null;
    var push = endEdit();
    if (pending) commit(push);
  }

  // Typing: the first pause of an edit adds its entry, later ones replace it.
  filterForm.addEventListener("input", function (e) {
    if (e.target.type !== "number") return;
    if (editing.name !== e.target.name) flushEdit();
    editing.name = e.target.name;
    clearTimeout(editing.timer);
    editing.timer = setTimeout(function () {
      var push = !editing.pushed;
      editing.pushed = true;
      editing.timer = null;
      commit(push);
    }, TYPING_DELAY);
  });

  filterForm.addEventListener("change", function (e) {
    var push = e.target.type === "number" && e.target.name === editing.name ? endEdit() : true;
    var region = e.target.name === "region" ? e.target.value : null;
    commit(push, function (ok) { if (ok && region) M.showRegion(region); });
  });
  filterForm.addEventListener("submit", function (e) {
    e.preventDefault();
    commit(endEdit());
  });
  // Clear empties every filter, those the page was opened with (a link) included: the
  // form's own reset would put back the values it was rendered with.
  filterForm.addEventListener("reset", function (e) {
    e.preventDefault();
    endEdit();
    M.setFilters(new URLSearchParams());
    commit(true);
  });

  applied = loadedBadly ? new URLSearchParams() : formParams();
})();
