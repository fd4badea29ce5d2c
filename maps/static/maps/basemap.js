/* Mura's own base map, drawn from the site alone (maps/basemap.py): countries, seas, lakes and
 * rivers (Natural Earth) on canvas tiles, region and district outlines, and the names of
 * places (OpenStreetMap), countries and water in the page's language, laid out so that none
 * overlaps another, the most important first. Web base maps (OpenStreetMap), when configured,
 * are offered in the layer switcher; when one fails to load, the map says so and goes back.
 *
 *   MuraBase.addTo(map)  ->  {offline: L.LayerGroup, control: L.Control.Layers}
 *
 * Its settings come from the page (id "mura-base-config", maps/templatetags/basemap.py).
 * Names are set with textContent, never as HTML. */
(function () {
  "use strict";

  var EXTENT = 512;  // tile units across a tile, as maps/basemap.py makes them
  var FILL = {country: "#e9e4d8", home: "#faf7f0", sea: "#bcd5e8", lake: "#bcd5e8"};
  var LINE = {
    border: {color: "#a29a88", width: 1.1, dash: [4, 3]},
    river: {color: "#8db6da", width: 1.2, dash: null}
  };
  var PLACE = {city: true, town: true, village: true, hamlet: true};
  var settings = null;

  function config() {
    if (!settings) settings = JSON.parse(document.getElementById("mura-base-config").textContent);
    return settings;
  }

  /* ---- the tiles: shapes on canvas ---- */

  function trace(ctx, ring, k) {
    for (var i = 0; i < ring.length; i++) {
      if (i === 0) ctx.moveTo(ring[i][0] * k, ring[i][1] * k);
      else ctx.lineTo(ring[i][0] * k, ring[i][1] * k);
    }
  }

  function polygons(coordinates) {  // a Polygon's rings or a MultiPolygon's: a list of polygons
    return typeof coordinates[0][0][0] === "number" ? [coordinates] : coordinates;
  }

  function lines(coordinates) {
    return typeof coordinates[0][0] === "number" ? [coordinates] : coordinates;
  }

  function draw(canvas, data, zoom) {
    var ctx = canvas.getContext("2d"), k = canvas.width / EXTENT;
    data.areas.forEach(function (area) {
      ctx.beginPath();
      polygons(area[1]).forEach(function (rings) {
        rings.forEach(function (ring) { trace(ctx, ring, k); ctx.closePath(); });
      });
      ctx.fillStyle = FILL[area[0]] || FILL.country;
      ctx.fill("evenodd");
    });
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    data.lines.forEach(function (line) {
      var style = LINE[line[0]] || LINE.border;
      ctx.beginPath();
      lines(line[1]).forEach(function (part) { trace(ctx, part, k); });
      ctx.strokeStyle = style.color;
      ctx.lineWidth = style.width * k * 2 * (line[0] === "river" && zoom >= 8 ? 1.6 : 1);
      ctx.setLineDash(style.dash ? style.dash.map(function (d) { return d * k * 2; }) : []);
      ctx.stroke();
    });
  }

  var BaseTiles = L.GridLayer.extend({
    initialize: function (names, options) {
      L.GridLayer.prototype.initialize.call(this, options);
      this._names = names;
    },

    createTile: function (coords, done) {
      var tile = L.DomUtil.create("canvas", "mura-base-tile");
      var size = this.getTileSize(), ratio = Math.min(window.devicePixelRatio || 1, 2);
      tile.width = size.x * ratio;
      tile.height = size.y * ratio;
      var names = this._names, key = this._tileCoordsToKey(coords);
      var url = L.Util.template(config().tiles, coords);
      fetch(url, {headers: {Accept: "application/json"}}).then(function (response) {
        if (!response.ok) throw new Error("base tile " + response.status);
        return response.json();
      }).then(function (data) {
        draw(tile, data, coords.z);
        names.set(key, coords.z, data.names);
        done(null, tile);
      }).catch(function (error) { done(error, tile); });
      return tile;
    }
  });

  /* ---- names: one layout for the whole view, so a name is never cut at a tile's edge ---- */

  function Names(map, pane) {
    this.map = map;
    this.pane = pane;
    this.byTile = {};
    this.timer = null;
  }

  Names.prototype.set = function (key, zoom, names) {
    this.byTile[key] = {zoom: zoom, names: names};
    this.schedule();
  };
  Names.prototype.drop = function (key) { delete this.byTile[key]; };
  Names.prototype.clear = function () { this.byTile = {}; this.pane.textContent = ""; };
  Names.prototype.schedule = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.layout(); }, 60);
  };

  function overlaps(box, placed) {
    for (var i = 0; i < placed.length; i++) {
      var o = placed[i];
      if (box.left < o.right && box.right > o.left && box.top < o.bottom && box.bottom > o.top) {
        return true;
      }
    }
    return false;
  }

  Names.prototype.layout = function () {
    var map = this.map, zoom = map.getZoom(), all = [];
    Object.keys(this.byTile).forEach(function (key) {
      var tile = this.byTile[key];
      if (tile.zoom === zoom) all.push.apply(all, tile.names);
    }, this);
    all.sort(function (a, b) { return b[4] - a[4]; });
    this.pane.textContent = "";
    var view = map.getPixelBounds(), origin = map.getPixelOrigin(), placed = [], seen = {};
    var pad = 3;
    for (var i = 0; i < all.length && placed.length < 300; i++) {
      var n = all[i], kind = n[0], id = kind + n[1] + n[2] + n[3];
      if (seen[id]) continue;
      seen[id] = true;
      var at = map.project([n[3], n[2]], zoom);
      if (!view.contains(at)) continue;
      var point = at.subtract(origin), place = PLACE[kind] === true;
      var label = L.DomUtil.create("div", "mura-name mura-name-" + kind, this.pane);
      if (place) L.DomUtil.create("i", "mura-name-dot", label);
      var text = L.DomUtil.create("span", "mura-name-text", label);
      text.textContent = n[1];
      var width = label.offsetWidth, height = label.offsetHeight;
      // A place's dot sits on its point and its name to the right; other names are centred.
      var left = place ? point.x - 4 : point.x - width / 2, top = point.y - height / 2;
      var box = {left: left - pad, top: top - pad, right: left + width + pad, bottom: top + height + pad};
      // Whole names only: one cut by the map's edge is left out.
      var shown = left + origin.x >= view.min.x && top + origin.y >= view.min.y &&
        left + width + origin.x <= view.max.x && top + height + origin.y <= view.max.y;
      if (!shown || overlaps(box, placed)) {
        this.pane.removeChild(label);
        continue;
      }
      placed.push(box);
      L.DomUtil.setPosition(label, L.point(Math.round(left), Math.round(top)));
    }
  };

  /* ---- notices: a layer that could not be loaded is said, not left blank ---- */

  var Notice = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () {
      var box = L.DomUtil.create("div", "mura-base-notice");
      box.setAttribute("role", "status");
      box.hidden = true;
      this._box = box;
      return box;
    },
    say: function (message) {
      if (!this._box) return;
      this._box.textContent = message;
      this._box.hidden = !message;
    }
  });

  /* ---- outlines of regions and districts (the registry's own) ---- */

  function outlines(url, level, style) {
    var layer = L.geoJSON(null, {style: style, interactive: false, pane: "outlines"});
    fetch(url.replace("{level}", level)).then(function (r) {
      if (!r.ok) throw new Error("outlines " + r.status);
      return r.json();
    }).then(function (data) { layer.addData(data); }).catch(function () {});
    return layer;
  }

  function pane(map, name, zIndex, className) {
    var element = map.getPane(name) || map.createPane(name);
    element.style.zIndex = zIndex;
    if (className) L.DomUtil.addClass(element, className);
    return element;
  }

  function addTo(map, options) {
    options = options || {};
    var c = config(), text = c.text;
    pane(map, "muraBase", 100);
    pane(map, "outlines", 150);
    var names = new Names(map, pane(map, "muraNames", 190, "leaflet-zoom-hide"));
    var notice = new Notice().addTo(map);
    var tiles = new BaseTiles(names, {
      pane: "muraBase", attribution: c.attribution, minZoom: c.minZoom, maxNativeZoom: c.maxZoom,
      updateWhenZooming: false, keepBuffer: 1
    });
    var failed = 0;
    tiles.on("tileerror", function () { if (++failed === 1) notice.say(text.baseFailed); });
    tiles.on("tileunload", function (e) { names.drop(tiles._tileCoordsToKey(e.coords)); });
    map.on("zoomend moveend", function () { if (map.hasLayer(tiles)) names.schedule(); });
    var offline = L.layerGroup([tiles]);
    if (options.outlines !== false && c.areas) {
      var regions = outlines(c.areas, 1, {color: "#7c8794", weight: 1.3, fill: false});
      var districts = outlines(c.areas, 2, {color: "#b3bac2", weight: 0.7, fill: false});
      offline.addLayer(regions);
      var showDistricts = function () {
        if (map.getZoom() >= 7 && map.hasLayer(offline)) offline.addLayer(districts);
        else offline.removeLayer(districts);
      };
      map.on("zoomend", showDistricts);
      offline.on("add", showDistricts);
    }
    offline.on("remove", function () { names.clear(); });
    offline.addTo(map);
    L.DomUtil.addClass(map.getContainer(), "mura-base-map");

    var bases = {};
    bases[text.offline] = offline;
    c.web.forEach(function (web) {
      var layer = L.tileLayer(web.url, web.options), errors = 0;
      layer.on("add", function () { errors = 0; notice.say(""); });
      layer.on("tileerror", function () {
        if (++errors !== 1) return;
        notice.say(text.webFailed.replace("%(name)s", web.name));
        map.removeLayer(layer);
        offline.addTo(map);
      });
      bases[web.name] = layer;
    });
    // Also fired when a failed web map hands back to the offline one: its notice stays.
    map.on("baselayerchange", function (e) {
      if (e.layer !== offline) map.removeLayer(offline);
    });
    var control = null;
    if (options.control !== false && c.web.length) {
      control = L.control.layers(bases, null, {collapsed: true}).addTo(map);
    }
    return {offline: offline, control: control};
  }

  window.MuraBase = {addTo: addTo};
})();
