"""Mura settings. Everything that differs between deployments comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_floats(name: str, default: str) -> tuple[float, ...]:
    return tuple(float(part) for part in env(name, default).split(","))


SECRET_KEY = env("DJANGO_SECRET_KEY")  # no default: a missing key stops the boot
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
# Behind an HTTPS proxy: e.g. DJANGO_CSRF_TRUSTED_ORIGINS=https://mura.example.kz and
# DJANGO_BEHIND_HTTPS_PROXY=1 (the proxy must set X-Forwarded-Proto).
CSRF_TRUSTED_ORIGINS = [o for o in env("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
if env_bool("DJANGO_BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "modeltranslation",  # before admin, so the admin shows kk/ru/en fields
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework_gis",
    "django_filters",
    "leaflet",
    "simple_history",
    "rules",
    "axes",
    "django_tasks_db",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "registry",
    "maps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "registry.api.errors.JsonErrorsMiddleware",  # /api/ and /ogc/ answer JSON, even 404/500
    "heritage.middleware.RejectNulMiddleware",  # 400, not a database error, for NUL bytes
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into a response
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock an account + address pair out for an hour after 5 failed logins (django-axes).
AXES_FAILURE_LIMIT = int(env("MURA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/officer/"
LOGOUT_REDIRECT_URL = "/"

ROOT_URLCONF = "heritage.urls"
WSGI_APPLICATION = "heritage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL is set by scripts/up and scripts/test (a local cluster under var/) or by the
# deployment. Any PostGIS will do; the engine is always GeoDjango's.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL"),
        engine="django.contrib.gis.db.backends.postgis",
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Interface and data languages. Data falls back kk -> ru -> en when a translation is missing.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "kk"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("kk", "ru", "en")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True
# Kazakh date and number formats (Django ships none for kk): maps/formats/kk/formats.py.
FORMAT_MODULE_PATH = ["maps.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MURA_MEDIA_ROOT", str(BASE_DIR / "media")))
# Originals of photos and legal documents: never under MEDIA_ROOT, so no web server that
# serves /media/ can expose them; they leave only through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env("MURA_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "registry.storage.PrivateFileSystemStorage",
        "OPTIONS": {"base_url": "/private-media-not-served/"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# In development static files come straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# The registry's extent: (min lon, min lat, max lon, max lat). Kazakhstan spans
# 46.49-87.32 E, 40.56-55.45 N; the default adds half a degree all round.
MURA_EXTENT = env_floats("MURA_EXTENT", "45.99,40.06,87.82,55.95")
# Largest number of vertices accepted in one boundary or zone geometry.
MURA_MAX_VERTICES = int(env("MURA_MAX_VERTICES", "20000"))
# How far (metres) a site may lie outside every region and still be given the nearest one;
# the source boundaries are generalised, so border monuments can fall just outside them.
MURA_REGION_SNAP_M = float(env("MURA_REGION_SNAP_M", "10000"))

# Debian 12 (the local set-up) ships GDAL 3.6, which cannot be told to refuse file and
# network access while parsing spatial references. Mura never hands a client string to
# GDAL (DESIGN §6: integer SRIDs from an allow-list only): the protection this check wants.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# "tiles": the public map's vector tiles and outlines, keyed by the map's data version
# (maps/views.py), so entries never need deleting. Per process by default.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "tiles": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tiles",
        "OPTIONS": {"MAX_ENTRIES": int(env("MURA_TILE_CACHE_ENTRIES", "5000"))},
    },
}

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (48.0, 67.0),
    "DEFAULT_ZOOM": 5,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 18,
    "SPATIAL_EXTENT": MURA_EXTENT,
    "TILES": [
        (
            "OpenStreetMap",
            env("MURA_OSM_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
            {"attribution": "&copy; OpenStreetMap contributors", "maxZoom": 19},
        )
    ],
}

# Long jobs (imports, exports, thumbnails) run in `manage.py db_worker` (django-tasks-db).
TASKS = {"default": {"BACKEND": env("MURA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

REST_FRAMEWORK = {
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    # The API (registry/api/): tokens for researchers, sessions for officers.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Per role (registry.api.throttles.RoleRateThrottle, set on the API views).
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("MURA_API_RATE_ANON", "60/min"),
        "researcher": env("MURA_API_RATE_RESEARCHER", "600/min"),
        "staff": env("MURA_API_RATE_STAFF", "1200/min"),
    },
    "EXCEPTION_HANDLER": "registry.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mura API",
    "DESCRIPTION": "The heritage registry of Kazakhstan: sites, designations, zones, regions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
}
