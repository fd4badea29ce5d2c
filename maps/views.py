"""The public map: the page, its vector tiles, outlines, the click panel and search suggestions.

Every read starts from a public selector (registry/selectors.py); only public points leave.
"""

import hashlib
import json
import re

from django.conf import settings
from django.contrib.gis.db.models.functions import Envelope
from django.core.cache import caches
from django.db import router
from django.db.models import CharField, F, Func, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import parse_etags
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from heritage import limits
from heritage.middleware import same_for_everyone
from maps.forms import MapFilterForm, SuggestForm, in_view_query, map_query
from maps.text import dating_text, og_locale
from maps.tiles import public_sites, tile_exists, tile_read
from registry.errors import error_response
from registry.features import box_first, compiled
from registry.models import HeritageSite, PublicSite
from registry.query import QueryError, SiteQuery, query_key
from registry.search import IndexlessKey
from registry.selectors import (
    area_list_public,
    photo_list_public,
    place_list_public,
    public_map_version,
    site_list_public,
)
from registry.services.exports import X, Y
from registry.text_search import names_nearest, places_nearest

TILE_CACHE_SECONDS = 24 * 3600
# A client's If-None-Match may list several ETags; so many are looked at, no more.
HELD_ETAGS_MAX = 8
VERSION_TOKEN = re.compile(r"[0-9.]{1,40}")  # as public_map_version() gives them
# Degrees of simplification of the outlines served to the map (about 1 km and 500 m).
OUTLINE_TOLERANCE = {1: 0.01, 2: 0.005}
SUGGESTIONS = 8
PLACE_SUGGESTIONS = 3  # at most, of the SUGGESTIONS
# How close the map comes to a chosen place, by its kind.
PLACE_ZOOM = {"city": 11, "town": 12, "village": 13, "hamlet": 14}
# The list of sites in view: this many by name, and how many there are counted up to the cap
# (a count of a country-wide view would cost more than the exact number is worth).
IN_VIEW_LIMIT = 50
IN_VIEW_COUNT_CAP = 1000
IN_VIEW_COLUMNS = ("f_ref", "f_name", "f_category", "f_sensitivity", "f_lon", "f_lat")
GENERALISED = ("S1", "S2")


class SimplifiedGeoJSON(Func):
    """An outline simplified (topology kept) and written as GeoJSON with 3 decimals (~100 m)."""

    template = "ST_AsGeoJSON(ST_SimplifyPreserveTopology(%(expressions)s, %(tolerance)s), 3)"
    output_field = CharField()

    def __init__(self, expression, *, tolerance: float):
        super().__init__(expression, tolerance=float(tolerance))


def _bad_request(errors: dict[str, list[str]]) -> JsonResponse:
    """The one JSON error shape (registry/errors.py), as the API and the OGC API answer."""
    return error_response(
        400, {name: [str(m) for m in messages] for name, messages in errors.items()}
    )


def osm_layers() -> list[dict]:
    """The web base maps of settings.MURA_WEB_TILES (OpenStreetMap), offered beside Mura's
    own base map (maps/basemap.py); no map needs them."""
    return [
        {"name": name, "url": url, "options": options}
        for name, url, options in settings.MURA_WEB_TILES
    ]


def leaflet_text() -> dict[str, str]:
    """Leaflet's own control words (it knows only English), for maps/static/maps/controls.js."""
    return {
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "layers": _("Layers"),
        "leaflet": _("A JavaScript library for interactive maps"),
        "metres": pgettext("unit on the map's scale", "m"),
        "kilometres": pgettext("unit on the map's scale", "km"),
    }


def _map_text() -> dict:
    """Interface words the map's script needs, in the chosen language; the count of
    suggestions (at most SUGGESTIONS) in its plural form for every possible number."""
    return {
        "outlines": _("Regions and districts (offline)"),
        "noResults": _("No place or site found."),
        "results": {
            str(n): ngettext(
                "%(count)s place or site found.", "%(count)s places or sites found.", n
            )
            % {"count": n}
            for n in range(1, SUGGESTIONS + 1)
        },
        "photoBy": _("Photo: %(author)s, %(licence)s"),
        "withheld": _("The position of this site is withheld; it is not shown on the map."),
        "inViewLoading": _("Loading the list of sites…"),
        "inViewFailed": _("The list of sites could not be loaded."),
        "atRisk": {  # maps/static/maps/atrisk.js
            "toggle": _("Heritage at Risk"),
            "condition": _("Condition"),
            "threats": _("Main threats"),
            "since": _("At risk since"),
            "cell": _("Shown as its grid square: the position is generalised."),
            "open": _("Open the site page"),
            "failed": _("The Heritage at Risk layer could not be loaded."),
        },
        # A phone's bottom sheet (maps/static/maps/sheet.js), said when it changes.
        "sheet": {
            "peek": _("Collapsed: the search only"),
            "half": _("Half open"),
            "full": _("Open full screen"),
        },
        # "Near me" (maps/static/maps/nearme.js): every outcome is said.
        "nearMe": {
            "finding": _("Finding where you are…"),
            "found": _("Showing the sites around you."),
            "denied": _(
                "Your position was not shared. Allow location for this site in your "
                "browser's settings, or search for a place instead."
            ),
            "unavailable": _("Your position could not be found. Search for a place instead."),
            "timeout": _("Finding your position took too long. Try again or search for a place."),
            "unsupported": _(
                "This browser cannot tell the page where you are. Search for a place instead."
            ),
            "youAreHere": _("You are here"),
        },
    }


@require_GET
def home(request):
    """The full-page map. Its filter form is parsed as the tiles parse their filters."""
    form = MapFilterForm(request.GET)
    form.is_valid()  # an invalid permalink shows the map unfiltered, with the form's errors
    regions = list(
        area_list_public()
        .filter(level=1)
        .annotate(box=Envelope("geom"))
        .defer("geom")
        .order_by("name")
    )
    config = {
        "tiles": reverse("maps:tile", args=[0, 0, 0]).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf"),
        "version": public_map_version(),
        "panel": reverse("maps:site-panel", args=["REF"]),
        "suggest": reverse("maps:suggest"),
        "inView": reverse("maps:sites-in-view"),
        "check": reverse("maps:filters-check"),
        "atRisk": {
            "layer": reverse("maps:at-risk-layer"),
            "site": reverse("maps:site-detail", args=["REF"]),
        },
        # Where the map goes for a chosen region, or for a withheld site (region only).
        "regions": {r.code: [round(v, 3) for v in r.box.extent] for r in regions},
    }
    context = {
        "form": form,
        "config": config,
        "regions": regions,
        "map_text": _map_text(),
        "leaflet_text": leaflet_text(),
        "og_locale": og_locale(),
        "leaflet_overrides": {
            "TILES": [],
            "RESET_VIEW": False,
        },  # base layers are added by maps/static/maps/map.js
    }
    return render(request, "maps/home.html", context)


@require_GET
def filters_check(request):
    """Whether the map's filters can be applied, before the page asks its tiles and list
    for them: 200 and nothing when they can, else the 400 naming each bad filter by the
    name it was given (`year_from`), which the page shows beside that field. It reads no
    site: the map's codes are known to the parser's cache."""
    try:
        map_query(request.GET)
    except QueryError as exc:
        return _bad_request(exc.errors)
    return JsonResponse({})


def _tile_key(z: int, x: int, y: int, query: SiteQuery) -> str:
    """Names a tile whatever the map's version: its key in the tile cache and its ETag's tail."""
    return hashlib.sha256(f"{z}/{x}/{y}/{query_key(query)}".encode()).hexdigest()[:32]


def _tile_etag(version: str, key: str) -> str:
    # The version in clear (the map page gives it out as `v`), so that a client's ETag says
    # which version of the tile it holds without a look-up.
    return f'"{version}-{key}"'


def _held_versions(request, key: str) -> list[str]:
    """The map versions of this tile that the client holds (its If-None-Match)."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return []
    held = []
    for etag in parse_etags(header)[:HELD_ETAGS_MAX]:
        # Weak or strong alike: nginx weakens the ETag of a tile it compresses.
        version, _, tail = etag.removeprefix("W/").strip('"').rpartition("-")
        if tail == key and VERSION_TOKEN.fullmatch(version):
            held.append(version)
    return held


def _tile_body(
    z: int, x: int, y: int, query: SiteQuery, key: str, held: list[str]
) -> tuple[str, bytes | None]:
    """The map's version and the tile's body, None when the client holds that version. A
    tile this process made for the current version costs the version's query; any other,
    one statement reading version and tile together (maps/tiles.py)."""
    cache = caches["tiles"]
    cached = cache.get(key)  # (version, body): the last this process made of this tile
    if cached is not None:
        version = public_map_version()
        if version == cached[0]:
            return version, cached[1]
        if version in held:
            return version, None
    version, body = tile_read(z, x, y, query, unless=held)
    if body is not None:
        cache.set(key, (version, body), TILE_CACHE_SECONDS)
    return version, body


def unfiltered(request) -> bool:
    """Whether a tile request asks for the whole map (most tiles): `v` alone, if anything."""
    return request.GET.keys() <= {"v"}


@require_GET
@same_for_everyone
def tile(request, z: int, x: int, y: int):
    """A vector tile. Its ETag carries the public map's version, so any publish, edit or
    withdrawal changes every ETag; a URL carrying the current version (`v`, as the map page
    asks) may be cached for a day, others must be revalidated."""
    if not tile_exists(z, x, y):
        raise Http404("No such tile.")
    if unfiltered(request):  # nothing to parse
        query = SiteQuery()
    else:
        try:
            query = map_query(request.GET)
        except QueryError as exc:
            return _bad_request(exc.errors)
    key = _tile_key(z, x, y, query)
    held = _held_versions(request, key)
    version, body = _tile_body(z, x, y, query, key, held)
    if version in held:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/vnd.mapbox-vector-tile")
    response["ETag"] = _tile_etag(version, key)
    if request.GET.get("v") == version:
        response["Cache-Control"] = f"public, max-age={TILE_CACHE_SECONDS}"
    else:
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


@require_GET
def areas(request, level: int):
    """Region (1) or district (2) outlines, simplified, as GeoJSON: the map's offline base."""
    if level not in OUTLINE_TOLERANCE:
        raise Http404("No such level.")
    language = get_language()
    key = f"maps:areas:{level}:{language}:{public_map_version()}"
    body = caches["tiles"].get(key)
    if body is None:
        rows = (
            area_list_public()
            .filter(level=level)
            .annotate(outline=SimplifiedGeoJSON("geom", tolerance=OUTLINE_TOLERANCE[level]))
            .values_list("code", "name", "outline")
        )
        features = [
            {
                "type": "Feature",
                "properties": {"code": code, "name": name},
                "geometry": json.loads(outline),
            }
            for code, name, outline in rows
        ]
        body = json.dumps({"type": "FeatureCollection", "features": features})
        caches["tiles"].set(key, body, TILE_CACHE_SECONDS)
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _photo(site) -> dict | None:
    photo = photo_list_public(site_id=site.pk).exclude(thumbnail="").order_by("-is_primary")
    photo = photo.first()
    if photo is None:
        return None
    return {
        "src": photo.thumbnail.url,
        "alt": photo.caption or site.name,
        "author": photo.credit,
        "licence": photo.get_licence_display(),
    }


@require_GET
def site_panel(request, number: str):
    """What the map's side panel shows for a clicked site (text only; the page sets it
    with textContent, so a name is never markup)."""
    site = site_list_public().select_related("region").filter(registry_number=number).first()
    if site is None:
        raise Http404("No such published site.")
    point = site.public_location  # the public point (a cell's centre for S1/S2); S3: none
    return JsonResponse(
        {
            "ref": site.registry_number,
            "lon": round(point.x, 5) if point else None,
            "lat": round(point.y, 5) if point else None,
            "cell": site.sensitivity in GENERALISED,
            "region_code": site.region.code,
            "name": site.name,
            "category": site.get_category_display(),
            "significance": site.get_significance_display(),
            "dating": dating_text(site.date_from, site.date_to),
            "period": site.get_period_display(),
            "region": site.region.name,
            "photo": _photo(site),
            "url": reverse("maps:site-detail", args=[site.registry_number]),
        }
    )


def _site_suggestions(text: str, limit: int) -> list[dict]:
    # Names only (a suggestion is a name), best first, as the API's `q` ranks them: one KNN
    # scan of the search documents' index that stops after `limit` rows.
    sites = names_nearest(site_list_public(), text, public=True)
    sites = sites.select_related("region").defer("region__geom")[:limit]
    results = []
    for site in sites:
        point = site.public_location
        results.append(
            {
                "type": "site",
                "ref": site.registry_number,
                "name": site.name,
                "region": site.region.name,
                "category": site.get_category_display(),
                "lon": round(point.x, 5) if point else None,
                "lat": round(point.y, 5) if point else None,
                "cell": site.sensitivity in GENERALISED,
            }
        )
    return results


def _place_suggestions(text: str) -> tuple[list[dict], list[dict]]:
    """Places matching `text`, split into the close ones (a name is the text, starts with it
    or is a typo of it), which come before the sites, and the rest, which follow them."""
    language = get_language()[:2]
    places = place_list_public().select_related("region").defer("region__geom")
    close, loose = [], []
    found = list(places_nearest(places, text)[:PLACE_SUGGESTIONS])
    # A typo of a name is close only when no name is the text or starts with it: "Taraz"
    # wants the city, not also the village of Taras one letter away.
    best = min((place.closeness for place in found), default=3)
    for place in found:
        own = getattr(place, f"name_{language}", "") or place.name
        item = {
            "type": "place",
            "name": own,
            "region": place.region.name if place.region else "",
            "category": place.get_kind_display(),
            "lon": round(place.point.x, 5),
            "lat": round(place.point.y, 5),
            "zoom": PLACE_ZOOM.get(place.kind, 13),
        }
        (close if place.closeness < 2 or place.closeness == best < 3 else loose).append(item)
    return close, loose


@require_GET
def suggest(request):
    """Places and sites whose names resemble the query (typos and Latin-typed Kazakh
    included): the places a name matches closely, then sites best first, then other places;
    each with its public point so the map can go there (none for withheld sites). Places
    are reference data (OSM settlements), never sites: nothing about the register is in
    their part of the answer."""
    form = SuggestForm(request.GET)
    if not form.is_valid():
        return _bad_request(form.errors)
    text = form.cleaned_data["q"]
    close, loose = _place_suggestions(text)
    sites = _site_suggestions(text, SUGGESTIONS - len(close))
    return JsonResponse({"results": (close + sites + loose)[:SUGGESTIONS]})


def _in_view_sites(query: SiteQuery, number: str | None = None) -> QuerySet:
    """The filtered public sites in the asked extent (`query.bbox`), or those sharing the
    generalised square (one per grid cell, as the tiles draw it) of the site `number`. Only
    public points are read: an unpublished, open (S0) or withheld (S3) site has no square, so
    its list is empty."""
    sites = public_sites(query)
    if number is None:
        return sites
    # The class as an expression, not the column (see maps/tiles.py: the spatial index alone).
    square = (
        site_list_public()
        .alias(kind=Concat("sensitivity", Value("")))
        .filter(registry_number=number, kind__in=GENERALISED)
        .values("public_location")[:1]
    )
    sites = sites.alias(kind=Concat("sensitivity", Value(""))).filter(kind__in=GENERALISED)
    return sites.filter(public_location__equals=Subquery(square))


# The in-view list's statement, compiled once per query shape (registry/features.py): the
# page of rows, each carrying how many there are (counted up to the cap, once: an InitPlan),
# in one round trip.
def _in_view_statement(
    query: SiteQuery, number: str | None = None, *, box_first: bool = False
) -> tuple[str, tuple]:
    # The name in the active language, else the first one given in the fallback order (as
    # modeltranslation shows it), and the point's coordinates: rows, no model instances.
    language = get_language()[:2]
    order = dict.fromkeys([language, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES])
    names = [NullIf(f"name_{code}", Value("")) for code in order]
    rows = _in_view_sites(query, number).annotate(
        f_ref=F("registry_number"),
        f_name=Coalesce(*names, Value(""), output_field=CharField()),
        f_category=F("category"),
        f_sensitivity=F("sensitivity"),
        f_lon=X("public_location"),
        f_lat=Y("public_location"),
    )
    # Sorted by the language's own column, as before: sorting by the fallback expression cost
    # 2.4 µs a row more (24 ms against 10 ms for the 5,800 sites of central Almaty at 1M).
    # A view holding few sites (features.box_first) is read from the spatial index and sorted:
    # walking the name index for them read 24,000 index entries over Turkistan (8,400 sites).
    keys = [f"name_{language}", "registry_number"]
    if box_first:
        keys = [IndexlessKey(key).asc() for key in keys]
    rows = rows.values(*IN_VIEW_COLUMNS).order_by(*keys)
    rows_sql, rows_params = rows[: IN_VIEW_LIMIT + 1].query.sql_with_params()
    sites = _in_view_sites(query, number).order_by().values("pk")[: IN_VIEW_COUNT_CAP + 1]
    count_sql, count_params = sites.query.sql_with_params()
    sql = f"SELECT r.*, (SELECT count(*) FROM ({count_sql}) c) AS f_total FROM ({rows_sql}) r"
    return sql, (*count_params, *rows_params)


def _in_view_sql(query: SiteQuery, number: str | None = None) -> tuple[str, tuple]:
    return _in_view_statement(query, number)


def _in_view_box_first_sql(query: SiteQuery, number: str | None = None) -> tuple[str, tuple]:
    return _in_view_statement(query, number, box_first=True)


def _in_view_fetch(query: SiteQuery, cell: str | None) -> list[dict]:
    few = cell is None and box_first(query, IN_VIEW_LIMIT + 1)
    build = _in_view_box_first_sql if few else _in_view_sql
    sql, params = compiled(build, query, **({} if cell is None else {"number": cell}))
    # With an early path's rate-limit hit, if one waits (heritage/limits.py).
    names, rows = limits.read_named(router.db_for_read(PublicSite), sql, params)
    names = [name.removeprefix("f_") for name in names]
    return [dict(zip(names, row, strict=True)) for row in rows]


def _in_view_texts(*, cell: bool, shown: int, total: int, capped: bool) -> tuple[str, str]:
    """The list's heading (a clicked square only) and the line saying how many there are."""
    numbers = {"shown": shown, "total": number_format(total, force_grouping=True)}
    if total == 0:
        return "", _("No site found.") if cell else _("No site in this view.")
    heading = ""
    if cell and capped:
        heading = _("More than %(total)s sites share this generalised position")
    elif cell:
        heading = ngettext(
            "%(total)s site shares this generalised position",
            "%(total)s sites share this generalised position",
            total,
        )
    if shown == total:
        summary = (
            ""
            if cell
            else ngettext("%(total)s site in this view.", "%(total)s sites in this view.", total)
        )
        return heading % numbers, summary % numbers
    if capped:
        summary = _("Showing %(shown)s of more than %(total)s sites.")
    else:
        summary = ngettext(
            "Showing %(shown)s of %(total)s site.", "Showing %(shown)s of %(total)s sites.", total
        )
    hint = _("Filter to narrow the list.") if cell else _("Zoom in or filter to narrow the list.")
    return heading % numbers, f"{summary % numbers} {hint}"


@require_GET
def sites_in_view(request):
    """The sites drawn on the map as a list, for keyboards and screen readers: published
    sites whose public point lies in `bbox` (west,south,east,north), or those of one
    generalised square (`cell`=a registry number), under the map's filters. At most
    IN_VIEW_LIMIT, by name (in the active language), and how many there are in all."""
    try:
        query, cell = in_view_query(request.GET)
    except QueryError as exc:
        return _bad_request(exc.errors)
    page = _in_view_fetch(query, cell)
    total = page[0]["total"] if page else 0
    page = page[:IN_VIEW_LIMIT]
    capped = total > IN_VIEW_COUNT_CAP
    total = min(total, IN_VIEW_COUNT_CAP)
    heading, summary = _in_view_texts(
        cell=cell is not None, shown=len(page), total=total, capped=capped
    )
    labels = dict(HeritageSite.Category.choices)
    results = [
        {
            "ref": site["ref"],
            "name": site["name"],
            "category": str(labels.get(site["category"], site["category"])),
            "lon": round(site["lon"], 5),
            "lat": round(site["lat"], 5),
            "cell": site["sensitivity"] in GENERALISED,
        }
        for site in page
    ]
    return JsonResponse(
        {
            "sites": results,
            "total": total,
            "capped": capped,
            "heading": heading,
            "summary": summary,
        }
    )
