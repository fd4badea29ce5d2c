from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from maps import atrisk, basemap, pages, views

app_name = "maps"
sitemaps = {"sites": pages.SiteSitemap}
urlpatterns = [
    path("", views.home, name="home"),
    path("maps/tiles/<int:z>/<int:x>/<int:y>.pbf", views.tile, name="tile"),
    path(
        "maps/base/<str:language>/<int:z>/<int:x>/<int:y>.json",
        basemap.base_tile_view,
        name="base-tile",
    ),
    path("maps/areas/<int:level>.geojson", views.areas, name="areas"),
    path("maps/sites/in-view.json", views.sites_in_view, name="sites-in-view"),
    path("maps/sites/<str:number>.json", views.site_panel, name="site-panel"),
    path("maps/suggest/", views.suggest, name="suggest"),
    path("maps/filters.json", views.filters_check, name="filters-check"),
    path("sites/<str:number>/", pages.site_detail, name="site-detail"),
    path("sites/<str:number>/passport.pdf", pages.site_passport, name="site-passport"),
    path("data/", pages.data, name="data"),
    path("at-risk/", atrisk.register_page, name="at-risk"),
    path("at-risk/<int:year>/", atrisk.year_page, name="at-risk-year"),
    path("at-risk/charts/<str:name>.svg", atrisk.chart_svg, name="at-risk-chart"),
    path("maps/at-risk.geojson", atrisk.layer, name="at-risk-layer"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "maps:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
]
