from django.conf import settings
from django.urls import path, re_path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from registry.api import exports, register, screening, views

app_name = "api"
# Redoc's bundle shows Redocly's logo from their CDN (it hides itself if blocked, but the
# browser reports the block): allowed for this page only.
redoc = csp_override(
    {**settings.SECURE_CSP, "img-src": [*settings.SECURE_CSP["img-src"], "https://cdn.redoc.ly"]}
)(SpectacularRedocView.as_view(url_name="api:schema", template_name="registry/api/redoc.html"))
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), not inline: CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", redoc, name="redoc"),
    path("v1/sites/", views.SiteListApi.as_view(), name="site-list"),
    path("v1/sites/search/", views.SiteSearchApi.as_view(), name="site-search"),
    path("v1/sites/count/", views.SiteCountApi.as_view(), name="site-count"),
    re_path(
        r"^v1/sites/(?P<registry_number>[A-Z0-9-]{1,32})/$",
        views.SiteDetailApi.as_view(),
        name="site-detail",
    ),
    path("v1/designations/", views.DesignationListApi.as_view(), name="designation-list"),
    path("v1/zones/", views.ZoneListApi.as_view(), name="zone-list"),
    path("v1/regions/", views.RegionListApi.as_view(), name="region-list"),
    path("v1/at-risk/", register.AtRiskListApi.as_view(), name="at-risk-list"),
    re_path(
        r"^v1/at-risk/(?P<year>[0-9]{4})/$",
        register.AtRiskSnapshotApi.as_view(),
        name="at-risk-snapshot",
    ),
    path("v1/screening/", screening.ScreeningApi.as_view(), name="screening"),
    re_path(
        r"^v1/exports/sites\.(?P<fmt>geojson|csv|gpkg|shp\.zip)$",
        exports.SiteExportApi.as_view(),
        name="site-export",
    ),
]
