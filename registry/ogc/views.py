"""OGC API - Features (Part 1: Core, GeoJSON, HTML, OpenAPI 3.0) over the same doors as the REST
API: the public sees the public projection, staff their full records. QGIS and GDAL
(`ogrinfo OAPIF:https://.../ogc`) open it directly."""

from django.contrib.gis.geos import Polygon
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
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=100)
    cursor = serializers.CharField(required=False, max_length=500)
    f = serializers.ChoiceField(choices=["json", "html"], required=False)

    def validate_bbox(self, value):
        return SiteFilterParams.validate_bbox(self, value)


def _bad_request(errors: dict) -> JsonResponse:
    flat = {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in errors.items()}
    return JsonResponse(error_body(400, flat), status=400)


def _wants_html(request) -> bool:
    f = request.GET.get("f")
    if f:
        return f == "html"
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "json" not in accept


def _url(request, name: str, *args, **query) -> str:
    url = request.build_absolute_uri(reverse(f"ogc:{name}", args=args))
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _respond(request, body: dict, *, title: str, content_type="application/json"):
    if _wants_html(request):
        return render(request, "registry/ogc/page.html", {"title": title, "body": body})
    return JsonResponse(body, content_type=content_type, json_dumps_params={"ensure_ascii": False})


def _links(request, name: str, *args, title: str) -> list[dict]:
    return [
        {"href": _url(request, name, *args, f="json"), "rel": "self",
         "type": "application/json", "title": title},
        {"href": _url(request, name, *args, f="html"), "rel": "alternate",
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
        serializer = out.site_serializers(door)[0]
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
    regions = AdminArea.objects.filter(level=AdminArea.Level.REGION).order_by("id")
    return (
        (regions.filter(geom__intersects=bbox) if bbox else regions),
        "id",
        RegionFeatureSerializer,
    )


class RegionFeatureSerializer(out.GeoFeatureModelSerializer):
    geom = out.GeometryField(read_only=True, precision=5)

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
    links = _links(request, "items", collection_id, title="this page")
    if token:
        query = {k: v for k, v in request.GET.items() if k not in ("cursor", "f")}
        query.update(cursor=token, f="json")
        links.append({"href": _url(request, "items", collection_id, **query), "rel": "next",
                      "type": "application/geo+json", "title": "next page"})  # fmt: skip
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
