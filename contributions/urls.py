"""The public's side (issue 16). Each part keeps its own routes:
accounts and the privacy notice (urls_account), contributing and one's own list (urls_public),
one's data and erasure (urls_rights); the officers' moderation queue is under /officer/."""

from django.urls import include, path

urlpatterns = [
    path("contributors/", include("contributions.urls_account")),
    path("contributors/", include("contributions.urls_rights")),
    path("contribute/", include("contributions.urls_public")),
    path("officer/contributions/", include("contributions.urls_officer")),
]
