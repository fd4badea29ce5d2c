/* Search with suggestions (part of the public map, see map.js): a combobox whose options
 * are the places and sites the server suggests (maps/views.py `suggest`). A place moves the
 * map to it; a site opens its panel too. */
(function () {
  "use strict";
  var M = window.Mura, text = M.text, config = M.config;

  var input = document.getElementById("search-input");
  var list = document.getElementById("search-suggestions");
  var status = document.getElementById("search-status");
  var results = [], active = -1, timer = null, asked = 0;

  function showSuggestions(items) {
    results = items;
    active = -1;
    list.textContent = "";
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "suggestion-" + i;
      li.setAttribute("role", "option");
      li.appendChild(M.textSpan("suggestion-name", item.name));
      li.className = "suggestion-" + item.type;
      var where = item.type === "place" ? [item.category, item.region] : [item.region, item.ref];
      li.appendChild(M.textSpan("suggestion-where", where.filter(Boolean).join(" · ")));
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    status.textContent = items.length ? text.results[items.length] : text.noResults;
  }

  function highlight(i) {
    var items = list.querySelectorAll("li");
    items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
    active = i;
    if (i >= 0) input.setAttribute("aria-activedescendant", "suggestion-" + i);
    else input.removeAttribute("aria-activedescendant");
  }

  function choose(i) {
    var item = results[i];
    if (!item) return;
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.value = item.name;
    if (item.type === "place") {
      M.closePanel(false);
      M.moveTo(function () { M.map.setView([item.lat, item.lon], item.zoom, {animate: false}); });
      status.textContent = "";
      return;
    }
    var at = item.lat !== null ? L.latLng(item.lat, item.lon) : null;
    if (at) M.map.setView(at, item.cell ? 13 : 16, {animate: false});
    else status.textContent = text.withheld;
    M.openPanel(item.ref, true, at);
  }

  function ask() {
    var q = input.value.trim();
    if (q.length < 2) { showSuggestions([]); status.textContent = ""; return; }
    var mine = ++asked;
    fetch(config.suggest + "?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); })
      .then(function (data) { if (mine === asked) showSuggestions(data.results || []); });
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 200); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, results.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === "Escape") { list.hidden = true; input.setAttribute("aria-expanded", "false"); }
  });
  input.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });
  document.getElementById("search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (results.length) choose(active >= 0 ? active : 0);
    else ask();
  });
})();
