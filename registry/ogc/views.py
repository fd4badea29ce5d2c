"""OGC API - Features (Part 1: Core, GeoJSON, HTML, OpenAPI 3.0) over the same doors as the REST
API: the public sees the public projection, staff their full records. QGIS and GDAL
(`ogrinfo OAPIF:https://.../ogc`) open it directly."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.geos import Polygon
from django.db.models import Func, Value
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from rest_framework import serializers

from registry.api import serializers as out
from registry.api.access import door_for, log_exact_read
from registry.api.errors import error_body
from registry.api.pagination import page_of
from registry.api.params import BBOX_PATTERN, MAX_PAGE, SiteFilterParams
from registry.models import AdminArea
from registry.search import number_key, sites_filter

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
KAZAKHSTAN = [46.49, 40.56, 87.32, 55.45]
COLLECTIONS = {
    "sites": "Heritage sites (public projection: sensitive sites at their grid cell)",
    "zones": "Protection zones (of open sites)",
    "regions": "Regions (oblasts and cities of republican significance)",
}
SITE_FILTERS = frozenset(SiteFilterParams().fields) - {"bbox", "ordering", "near", "distance"}


class ItemsParams(serializers.Serializer):
    bbox = serializers.RegexField(BBOX_PATTERN, required=False, max_length=200)
    limit = serializers.IntegerField(
        required=False, min_value=1, default=100, help_text=f"above {MAX_PAGE}: {MAX_PAGE}"
    )
    cursor = serializers.CharField(required=False, max_length=500)
    f = serializers.ChoiceField(choices=["json", "html"], required=False)

    def validate_bbox(self, value):
        return SiteFilterParams.validate_bbox(self, value)

    def validate_limit(self, value):
        # OGC API - Features §7.15.3: a limit above the maximum is reduced, not refused
        # (GDAL asks for PAGE_SIZE=5000, QGIS for its own page size).
        return min(value, MAX_PAGE)


def _bad_request(errors: dict) -> JsonResponse:
    flat = {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in errors.items()}
    return JsonResponse(error_body(400, flat), status=400)


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


def _respond(request, body: dict, *, title: str, content_type="application/json"):
    if _wants_html(request):
        page = {**body, "links": _html_links(body.get("links", []))}
        if "collections" in body:
            page["collections"] = [
                {**c, "links": _html_links(c["links"])} for c in body["collections"]
            ]
        return render(request, "registry/ogc/page.html", {"title": title, "body": page})
    return JsonResponse(body, content_type=content_type, json_dumps_params={"ensure_ascii": False})


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
        "title": "Mura: the heritage registry of Kazakhstan",
        "description": "OGC API - Features over the public registry.",
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
    return _respond(request, {"conformsTo": CONFORMANCE}, title="Conformance")


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
    return _respond(request, body, title="Collections")


@require_GET
def collection(request, collection_id):
    if collection_id not in COLLECTIONS:
        raise Http404("no such collection")
    return _respond(request, _collection(request, collection_id), title=collection_id)


def _features(request, collection_id: str, data: dict, filters: SiteFilterParams | None):
    door = door_for(request.user)
    bbox = Polygon.from_bbox(data["bbox"]) if "bbox" in data else None
    if collection_id == "sites":
        sites = sites_filter(door.sites, filters.site_query(), geometry=door.geometry)
        if bbox is not None:
            sites = sites.filter(**{f"{door.geometry}__intersects": bbox})
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
    allowed = set(ItemsParams().fields) | (SITE_FILTERS if collection_id == "sites" else set())
    unknown = set(request.GET) - allowed
    if unknown:
        return _bad_request({name[:40]: "unknown parameter." for name in sorted(unknown)[:10]})
    params = ItemsParams(data=request.GET)
    filters = SiteFilterParams(data=request.GET, context={"staff": door_for(request.user).staff})
    if not params.is_valid():
        return _bad_request(params.errors)
    if collection_id == "sites" and not filters.is_valid():
        return _bad_request(filters.errors)
    data = params.validated_data
    rows, ordering, serializer = _features(request, collection_id, data, filters)
    matched = rows.order_by().count()
    try:
        page, token = page_of(
            rows, ordering=ordering, limit=data["limit"], cursor=data.get("cursor")
        )
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
    body = {
        "type": "FeatureCollection",
        "features": serializer(page, many=True).data["features"],
        "numberMatched": matched,
        "numberReturned": len(page),
        "timeStamp": timezone.now().isoformat(timespec="seconds"),
        "links": links,
    }
    return _respond(request, body, title=f"{collection_id}", content_type="application/geo+json")


@require_GET
def item(request, collection_id, feature_id):
    if collection_id not in COLLECTIONS:
        raise Http404("no such collection")
    no_filters = SiteFilterParams(data={}, context={"staff": False})
    no_filters.is_valid(raise_exception=True)
    rows, _, serializer = _features(request, collection_id, {}, no_filters)
    lookup = {"sites": number_key(rows), "zones": "id", "regions": "code"}[collection_id]
    if lookup == "id" and not feature_id.isdigit():
        raise Http404("no such feature")
    feature = rows.filter(**{lookup: feature_id}).first()
    if feature is None:
        raise Http404("no such feature")
    body = serializer(feature).data
    body["links"] = _links(request, "item", collection_id, feature_id, title=str(feature_id))
    return _respond(request, body, title=str(feature_id), content_type="application/geo+json")
