"""/contributors/me/...: the contributor's own data (contributions/views_rights.py)."""

from django.urls import path

from contributions import views_rights

urlpatterns = [
    path("me/data.zip", views_rights.export, name="rights-export"),
    path("me/delete/", views_rights.delete, name="rights-delete"),
    path("deleted/", views_rights.deleted, name="rights-deleted"),
]
