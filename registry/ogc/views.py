"""OGC API - Features (Part 1: Core, GeoJSON, HTML, OpenAPI 3.0) over the same doors as the REST
API: the public sees the public projection, staff their full records. QGIS and GDAL
(`ogrinfo OAPIF:https://.../ogc`) open it directly."""

import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.geos import Polygon
from django.db.models import Func, Value
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET
from rest_framework import serializers

from registry.access import door_for, log_exact_read
from registry.api import serializers as out
from registry.api.pagination import page_of, site_page
from registry.errors import error_response
from registry.features import count as count_sites
from registry.models import AdminArea
from registry.query import (
    CHOICE,
    INT,
    MAX_PAGE,
    PAGING,
    Param,
    QueryError,
    SiteQuery,
    names_of,
    query_parse,
    spec_of,
    spec_without,
)
from registry.search import number_key, sites_filter

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
KAZAKHSTAN = [46.49, 40.56, 87.32, 55.45]
COLLECTIONS = {
    "sites": gettext_noop("Heritage sites (public projection: sensitive sites at their grid cell)"),
    "zones": gettext_noop("Protection zones (of open sites)"),
    "regions": gettext_noop("Regions (oblasts and cities of republican significance)"),
}
# The JSON's titles stay in English (clients may key on them); the HTML pages say them in the
# visitor's language: each English title here, or one of the marked strings (gettext_noop) as it is.
HTML_TITLES = {
    "sites": gettext_noop("Heritage sites"),
    "zones": gettext_noop("Protection zones"),
    "regions": gettext_noop("Regions"),
    "sites items": gettext_noop("Heritage sites: the features"),
    "zones items": gettext_noop("Protection zones: the features"),
    "regions items": gettext_noop("Regions: the features"),
    "this document": gettext_noop("This page"),
    "this page": gettext_noop("This page"),
    "next page": gettext_noop("Next page"),
    "conformance": gettext_noop("Conformance"),
    "collections": gettext_noop("Collections"),
}
# The site filters of the REST API, less those OGC API - Features has no place for (an order,
# a distance); `bbox` is the standard's own and filters every collection.
SITE_FILTERS = spec_without("ordering", "near", "distance")
OTHER_FILTERS = spec_of("bbox")
# OGC API - Features §7.15.3: a limit above the maximum is reduced, not refused (GDAL asks
# for PAGE_SIZE=5000, QGIS for its own page size).
ITEMS_PARAMS = (
    Param("limit", INT, f"page size; above {MAX_PAGE}: {MAX_PAGE}", minimum=1, default=100),
    spec_of("cursor", spec=PAGING)[0],
    Param("f", CHOICE, "json or html", choices=("json", "html")),
)
ALLOWED = {"sites": names_of(SITE_FILTERS, ITEMS_PARAMS)}


def _bad_request(errors: dict) -> JsonResponse:
    flat = {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in errors.items()}
    return error_response(400, flat)


def _wants_html(request) -> bool:
    f = request.GET.get("f")
    if f:
        return f == "html"
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "json" not in accept


def _url(request, name: str, *args, pairs: list[tuple[str, str]] = (), **query) -> str:
    """An absolute URL with its query URL-encoded; `pairs` keeps repeated parameters."""
    url = request.build_absolute_uri(reverse(f"ogc:{name}", args=args))
    pairs = [*pairs, *query.items()]
    return url + ("?" + urlencode(pairs) if pairs else "")


def _kept(request, *dropped: str) -> list[tuple[str, str]]:
    """The request's parameters, every value of repeated ones, in order, less `dropped`."""
    return [(k, v) for k, values in request.GET.lists() if k not in dropped for v in values]


def _as_html(href: str) -> str:
    parts = urlsplit(href)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "f"] + [("f", "html")]
    return urlunsplit(parts._replace(query=urlencode(query)))


# Links an HTML page follows to another HTML page (a browser reading the HTML view navigates
# in HTML; the JSON stays one "alternate" link away).
HTML_NAVIGATION = {"self", "next", "prev", "data", "items", "conformance", "collection"}


def _html_links(links: list[dict]) -> list[dict]:
    result = []
    for link in links:
        if link["rel"] == "alternate" and link["type"] == "text/html":
            continue  # the page itself
        if link["rel"] == "self":
            json_link = {**link, "rel": "alternate", "title": link["title"] + " (JSON)"}
            result.append({**link, "href": _as_html(link["href"]), "type": "text/html"})
            result.append(json_link)
        elif link["rel"] in HTML_NAVIGATION:
            result.append({**link, "href": _as_html(link["href"]), "type": "text/html"})
        else:
            result.append(link)
    return result


def _said(text: str) -> str:
    """An English title or description of the JSON as the HTML page says it."""
    for suffix in (" (JSON)", " (HTML)"):
        if text.endswith(suffix):
            return _said(text[: -len(suffix)]) + suffix
    return gettext(HTML_TITLES.get(text, text))


def _said_links(links: list[dict]) -> list[dict]:
    return [{**link, "title": _said(link["title"])} if "title" in link else link for link in links]


def _respond(request, body: dict, *, title: str, content_type="application/json"):
    if _wants_html(request):
        page = {**body, "links": _said_links(_html_links(body.get("links", [])))}
        for key in ("title", "description"):
            if isinstance(body.get(key), str):
                page[key] = _said(body[key])
        if "collections" in body:
            page["collections"] = [
                {**c, "title": _said(c["title"]), "description": _said(c["description"]),
                 "links": _said_links(_html_links(c["links"]))}
                for c in body["collections"]
            ]  # fmt: skip
        return render(request, "registry/ogc/page.html", {"title": _said(title), "body": page})
    return JsonResponse(body, content_type=content_type, json_dumps_params={"ensure_ascii": False})


@require_GET
def without_slash(request, path):
    """`/ogc/collections/` -> 301 `/ogc/collections` (the query kept), when that is an OGC
    API page; anything else stays a 404."""
    try:
        match = resolve(request.path_info.rstrip("/"))
    except Resolver404:
        raise Http404("no such page") from None
    if match.namespace != "ogc" or match.url_name == "without-slash":
        raise Http404("no such page")
    query = request.META.get("QUERY_STRING", "")
    target = request.path.rstrip("/")
    return HttpResponsePermanentRedirect(target + ("?" + query if query else ""))


def _links(request, name: str, *args, title: str, pairs=()) -> list[dict]:
    return [
        {"href": _url(request, name, *args, pairs=pairs, f="json"), "rel": "self",
         "type": "application/json", "title": title},
        {"href": _url(request, name, *args, pairs=pairs, f="html"), "rel": "alternate",
         "type": "text/html", "title": title + " (HTML)"},
    ]  # fmt: skip


@require_GET
def landing(request):
    body = {
        "title": gettext_noop("Mura: the heritage registry of Kazakhstan"),
        "description": gettext_noop("OGC API - Features over the public registry."),
        "links": _links(request, "landing", title="this document")
        + [
            {
                "href": _url(request, "openapi"),
                "rel": "service-desc",
                "type": "application/vnd.oai.openapi+json;version=3.0",
                "title": "OpenAPI",
            },
            {
                "href": _url(request, "conformance"),
                "rel": "conformance",
                "type": "application/json",
                "title": "conformance",
            },
            {
                "href": _url(request, "collections"),
                "rel": "data",
                "type": "application/json",
                "title": "collections",
            },
        ],  # fmt: skip
    }
    return _respond(request, body, title="Mura OGC API - Features")


@require_GET
def conformance(request):
    return _respond(request, {"conformsTo": CONFORMANCE}, title=gettext_noop("Conformance"))


def _collection(request, collection_id: str) -> dict:
    return {
        "id": collection_id,
        "title": collection_id,
        "description": COLLECTIONS[collection_id],
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "extent": {"spatial": {"bbox": [KAZAKHSTAN]}},
        "links": _links(request, "collection", collection_id, title=collection_id)
        + [
            {
                "href": _url(request, "items", collection_id, f="json"),
                "rel": "items",
                "type": "application/geo+json",
                "title": f"{collection_id} items",
            },
        ],  # fmt: skip
    }


@require_GET
def collections(request):
    body = {
        "links": _links(request, "collections", title="collections"),
        "collections": [_collection(request, cid) for cid in COLLECTIONS],
    }
    return _respond(request, body, title=gettext_noop("Collections"))


@require_GET
def collection(request, collection_id):
    if collection_id not in COLLECTIONS:
        raise Http404("no such collection")
    return _respond(request, _collection(request, collection_id), title=collection_id)


def _features(request, door, collection_id: str, query: SiteQuery):
    """The collection's rows filtered by `query` (sites: every filter; the others: `bbox`),
    their paging key and their feature serializer."""
    bbox = Polygon.from_bbox(query.bbox) if query.bbox is not None else None
    if collection_id == "sites":
        sites = sites_filter(door.sites, query, geometry=door.geometry)
        serializer = _without_distance(out.site_serializers(door)[0])
        if door.exact:
            log_exact_read(request.user, "ogc items")
        return sites, "registry_number", serializer
    if collection_id == "zones":
        zones = door.zones.select_related("designation__site").order_by("id")
        return (
            (zones.filter(geom__intersects=bbox) if bbox else zones),
            "id",
            out.ZoneFeatureSerializer,
        )
    regions = (
        AdminArea.objects.filter(level=AdminArea.Level.REGION)
        .annotate(served_geom=_on_grid("geom"))
        .order_by("id")
    )
    return (
        (regions.filter(geom__intersects=bbox) if bbox else regions),
        "id",
        RegionFeatureSerializer,
    )


REGION_DECIMALS = 5  # about 1 m: the regions are for display and QGIS, not for cadastre


def _on_grid(column: str) -> Func:
    """The geometry on a 10^-5° grid, still valid. Rounding coordinates alone (SnapToGrid, or
    the serializer's `precision`) left 6 of the 20 regions self-intersecting; GEOS's
    ST_ReducePrecision snaps and keeps the result valid (a sliver thinner than the grid goes)."""
    reduced = Func(column, Value(10**-REGION_DECIMALS), function="ST_ReducePrecision")
    return Func(reduced, function="ST_Multi", output_field=MultiPolygonField(srid=4326))


def _without_distance(serializer: type) -> type:
    """The API's site feature less `distance_m`: the OGC API has no `near`, so it would be null
    in every item (a column of nulls in QGIS)."""
    meta = type("Meta", (serializer.Meta,), {
        "fields": [f for f in serializer.Meta.fields if f != "distance_m"]
    })  # fmt: skip
    return type(f"Ogc{serializer.__name__}", (serializer,), {"Meta": meta, "distance_m": None})


class RegionFeatureSerializer(out.GeoFeatureModelSerializer):
    geom = out.GeometryField(source="served_geom", read_only=True, precision=REGION_DECIMALS)

    class Meta:
        model = AdminArea
        geo_field = "geom"
        id_field = "code"
        fields = ["code", "kato", "iso_3166_2", "name_kk", "name_ru", "name_en"]


@require_GET
def items(request, collection_id):
    if collection_id not in COLLECTIONS:
        raise Http404("no such collection")
    allowed = ALLOWED.get(collection_id, names_of(OTHER_FILTERS, ITEMS_PARAMS))
    unknown = set(request.GET) - allowed
    if unknown:
        return _bad_request({name[:40]: "unknown parameter." for name in sorted(unknown)[:10]})
    door = door_for(request.user)
    spec = SITE_FILTERS if collection_id == "sites" else OTHER_FILTERS
    try:
        query, data = query_parse(request.GET, staff=door.staff, spec=spec, extra=ITEMS_PARAMS)
    except QueryError as exc:
        return _bad_request(exc.errors)
    limit = min(data["limit"], MAX_PAGE)
    try:
        if collection_id == "sites":  # features PostgreSQL built (registry/features.py)
            if door.exact:
                log_exact_read(request.user, "ogc items")
            # numberMatched is optional (OGC API - Features §7.15.6): a text search is read
            # best first and stops at its page, and counting every match would cost more
            # than the page (docs/search.md).
            matched = None if query.text else count_sites(door, query)
            page, token = site_page(door, query, limit=limit, cursor=data["cursor"], distance=False)
        else:
            rows, ordering, serializer = _features(request, door, collection_id, query)
            matched = rows.order_by().count()
            rows, token = page_of(rows, ordering=ordering, limit=limit, cursor=data["cursor"])
            page = serializer(rows, many=True).data["features"]
    except serializers.ValidationError as exc:
        return _bad_request(exc.detail)
    # This page's links keep its parameters (filters, limit, cursor); the next page's all but
    # the cursor, every value of a repeated one, URL-encoded (GDAL and QGIS follow it as is).
    links = _links(request, "items", collection_id, title="this page", pairs=_kept(request, "f"))
    if token:
        pairs = [*_kept(request, "cursor", "f"), ("cursor", token)]
        href = _url(request, "items", collection_id, pairs=pairs, f="json")
        links.append({"href": href, "rel": "next", "type": "application/geo+json",
                      "title": "next page"})  # fmt: skip
    rest = {
        **({} if matched is None else {"numberMatched": matched}),
        "numberReturned": len(page),
        "timeStamp": timezone.now().isoformat(timespec="seconds"),
        "links": links,
    }
    if collection_id == "sites" and not _wants_html(request):  # the texts, passed through
        tail = json.dumps(rest, ensure_ascii=False, separators=(",", ":"))[1:]
        body = f'{{"type":"FeatureCollection","features":[{",".join(page)}],{tail}'
        return HttpResponse(body, content_type="application/geo+json")
    if collection_id == "sites":
        page = [json.loads(text) for text in page]
    body = {"type": "FeatureCollection", "features": page, **rest}
    return _respond(request, body, title=f"{collection_id}", content_type="application/geo+json")


@require_GET
def item(request, collection_id, feature_id):
    if collection_id not in COLLECTIONS:
        raise Http404("no such collection")
    rows, _, serializer = _features(request, door_for(request.user), collection_id, SiteQuery())
    lookup = {"sites": number_key(rows), "zones": "id", "regions": "code"}[collection_id]
    if lookup == "id" and not feature_id.isdigit():
        raise Http404("no such feature")
    feature = rows.filter(**{lookup: feature_id}).first()
    if feature is None:
        raise Http404("no such feature")
    body = serializer(feature).data
    body["links"] = _links(request, "item", collection_id, feature_id, title=str(feature_id))
    return _respond(request, body, title=str(feature_id), content_type="application/geo+json")
