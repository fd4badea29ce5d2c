from django.urls import path, re_path

from registry.ogc import openapi, views

app_name = "ogc"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("api", openapi.openapi, name="openapi"),
    path("conformance", views.conformance, name="conformance"),
    path("collections", views.collections, name="collections"),
    re_path(r"^collections/(?P<collection_id>[a-z]{1,20})$", views.collection, name="collection"),
    re_path(r"^collections/(?P<collection_id>[a-z]{1,20})/items$", views.items, name="items"),
    re_path(
        r"^collections/(?P<collection_id>[a-z]{1,20})/items/(?P<feature_id>[A-Za-z0-9-]{1,32})$",
        views.item,
        name="item",
    ),
    # Any of the above with a trailing slash (`/ogc/collections/`, as clients and people
    # type it): a permanent redirect to the path without, its query kept.
    re_path(r"^(?P<path>.+)/$", views.without_slash, name="without-slash"),
]
