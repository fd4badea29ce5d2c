from django.contrib import admin
from django.urls import include, path

from registry.views.records import public_photo

# A database fault anywhere in a request answers 503/504 with Retry-After, not 500.
handler500 = "heritage.faults.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("contributions.urls")),  # before registry: /officer/contributions/
    path("officer/", include("registry.urls")),
    # Public photo copies, checked per file (public photo of a published site); originals
    # are never under this path (private storage, registry:photo-original).
    path("media/photos/public/<str:name>", public_photo, name="public-photo"),
    path("api/", include("registry.api.urls")),
    path("ogc/", include("registry.ogc.urls")),
    path("", include("maps.urls")),
]
