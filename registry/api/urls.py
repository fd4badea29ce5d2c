from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from registry.api import exports, screening, views

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
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
    path("v1/screening/", screening.ScreeningApi.as_view(), name="screening"),
    re_path(
        r"^v1/exports/sites\.(?P<fmt>geojson|csv|gpkg|shp\.zip)$",
        exports.SiteExportApi.as_view(),
        name="site-export",
    ),
]
