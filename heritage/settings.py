"""Mura settings. Everything that differs between deployments comes from the environment."""

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from heritage.gdal_offline import gdal_environment

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
# HTTPS only, unless DEBUG (runserver speaks plain HTTP) or DJANGO_HTTPS=0 (a trial on plain
# HTTP, e.g. docker compose on localhost). `manage.py check --deploy` is clean with these.
# Behind a TLS-terminating proxy set DJANGO_BEHIND_HTTPS_PROXY=1 so Django knows a request
# was HTTPS; DJANGO_SECURE_SSL_REDIRECT=0 if the proxy already redirects plain HTTP itself.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True  # no script of ours reads either cookie
# One year, as hstspreload.org asks; DJANGO_HSTS_PRELOAD=1 only once every subdomain is HTTPS.
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"  # registry numbers in URLs stay on our site
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

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
    "leaflet",
    "simple_history",
    "rules",
    "axes",
    "django_tasks_db",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Before allauth: its templates (account/..., allauth/layouts/...) are overridden there.
    "contributions",  # the public's accounts, contributions and personal-data rights (issue 16)
    "allauth",  # contributor accounts (contributions/accounts.py)
    "allauth.account",
    "registry",
    "maps",
]

MIDDLEWARE = [
    "heritage.health.HealthMiddleware",  # first: /health/live, /health/ready for probes
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",  # SECURE_CSP, nonces
    "heritage.csp.LeafletNonceMiddleware",
    "registry.api.errors.JsonErrorsMiddleware",  # /api/ and /ogc/ answer JSON, even 404/500
    "heritage.middleware.RejectNulMiddleware",  # 400, not a database error, for NUL bytes
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous tiles and public reads, with what acts on them (and their rate limit):
    "heritage.early.AnonymousReadMiddleware",
    "heritage.limits.RateLimitMiddleware",  # after static files, before sessions: 429s
    "heritage.middleware.SameForEveryoneMiddleware",  # outside sessions/locale: @same_for_everyone
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "heritage.routers.ReplicaMiddleware",  # after auth: who reads from the replica
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into a response
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",  # contributors sign in by email
]
# Lock an account + address pair out for an hour after 5 failed logins (django-axes): the
# pair, so a stranger who knows a name locks only their own address out, never the owner.
# The address is the real client's (heritage/clientip.py), not the proxy's; attempts per
# address, whatever the account, are capped by MURA_RATE_LOGIN (heritage/limits.py).
AXES_FAILURE_LIMIT = int(env("MURA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "heritage.clientip.axes_client_ip"
# Its log lines name the path only, never who or from where (heritage/redaction.py).
AXES_CLIENT_STR_CALLABLE = "heritage.redaction.axes_client_str"
# What axes keeps as "username" (AccessAttempt, AccessLog, AccessFailureLog): a keyed hash of
# what a contributor typed (an email address) and of anything email-like; officers' usernames
# as they are (contributions/accounts.py).
AXES_USERNAME_CALLABLE = "contributions.accounts.axes_username"
# ...and masks these in the posted data it keeps (AccessAttempt.post_data): the contributor
# form's `login` and `email` are addresses.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "login", "email"]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/officer/"
LOGOUT_REDIRECT_URL = "/"

# Contributor accounts (django-allauth, under /contributors/; contributions/accounts.py):
# sign up with an email address, a display name and a password, confirm the address by a
# link, sign in by email. The username is a random token the adapter makes, never the address.
ACCOUNT_ADAPTER = "contributions.accounts.ContributorAccountAdapter"
ACCOUNT_FORMS = {
    "signup": "contributions.forms_account.SignupForm",
    "login": "contributions.forms_account.LoginForm",
    "reset_password": "contributions.forms_account.ResetPasswordForm",
    "reset_password_from_key": "contributions.forms_account.ResetPasswordKeyForm",
    "change_password": "contributions.forms_account.ChangePasswordForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 1  # one address per account: no second one to keep
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # the link opens a page with a button: scanners don't confirm
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 7  # unconfirmed accounts are deleted after 7 days
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True  # "we sent a message if the address has an account"
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # no mail to an address that has no account
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Mura: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
# The version of the privacy notice (/contributors/privacy/) a contributor agrees to; a new
# version asks everyone again before they send anything (contributions.accounts.consent_required).
MURA_PRIVACY_NOTICE_VERSION = env("MURA_PRIVACY_NOTICE_VERSION", "2026-12")
# Sign-up, sign-in and reset forms refuse a post sent sooner than this after the form was
# shown (a signed time in the form), or with the hidden honeypot field filled: bots do both.
MURA_FORM_MIN_SECONDS = float(env("MURA_FORM_MIN_SECONDS", "3"))

# Mail (contributors' confirmation and password-reset links) through Django's mailers (Django
# 6.1's MAILERS): SMTP by default, to MURA_EMAIL_HOST; scripts/up sets MURA_EMAIL_BACKEND to the
# console backend (messages printed in its output). Tests send to an SMTP server on loopback.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MAILERS = {"default": {"BACKEND": env("MURA_EMAIL_BACKEND", SMTP_BACKEND)}}
if MAILERS["default"]["BACKEND"] == SMTP_BACKEND:
    MAILERS["default"]["OPTIONS"] = {
        "host": env("MURA_EMAIL_HOST", "localhost"),
        "port": int(env("MURA_EMAIL_PORT", "25")),
        "username": env("MURA_EMAIL_HOST_USER", ""),
        "password": env("MURA_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("MURA_EMAIL_USE_TLS"),  # STARTTLS (port 587)
        "use_ssl": env_bool("MURA_EMAIL_USE_SSL"),  # TLS from the start (port 465)
        "timeout": int(env("MURA_EMAIL_TIMEOUT", "10")),
    }
DEFAULT_FROM_EMAIL = env("MURA_EMAIL_FROM", "Mura <no-reply@mura.kz>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

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
                "django.template.context_processors.csp",  # {{ csp_nonce }}
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL is set by scripts/up and scripts/test (a local cluster under var/) or by the
# deployment. Any PostGIS will do; the engine is GeoDjango's with a cheaper health check
# (heritage/postgis/base.py).
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL"),
        engine="heritage.postgis",
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}


# word_similarity above which a searched word matches a name or description (pg_trgm's default,
# 0.6, misses one-letter typos in short names).
MURA_WORD_SIMILARITY = 0.45


def database_faults_bounded(database: dict) -> dict:
    """Bound how long a database fault can hold a request (README "Operations"; the 503s
    come from heritage/faults.py). The replica alias below copies these options.

    - connect_timeout: a dead host answers a connection within seconds, never hangs a worker.
    - MURA_STATEMENT_TIMEOUT_MS: set by heritage/wsgi.py for web processes only (15 s there);
      commands (migrate, imports, exports, generate_sites) and the task worker have none.
    - MURA_DB_POOL_MAX_SIZE: a psycopg connection pool per process (useful with threaded
      gunicorn workers); a request waits at most MURA_DB_POOL_TIMEOUT s for a connection.
    """
    # No JIT for any session: the app's queries are short (a tile, a page of the API) or a
    # streamed export, and a tile whose estimate passed jit_above_cost spent tens of ms
    # compiling a query that runs in a few (maps/tiles.py). Set at connection, so a tile is
    # one round trip, not four (BEGIN, SET LOCAL, the tile, COMMIT).
    # Text search's similarity threshold (registry/search.py) is set here too, for the same
    # reason: a search is one round trip.
    server = ["-c jit=off", f"-c pg_trgm.word_similarity_threshold={MURA_WORD_SIMILARITY}"]
    if timeout_ms := int(env("MURA_STATEMENT_TIMEOUT_MS", "0")):
        server.append(f"-c statement_timeout={timeout_ms}")
    options = {
        "connect_timeout": int(env("MURA_DB_CONNECT_TIMEOUT", "3")),
        "options": " ".join(server),
    }
    if pool_max := int(env("MURA_DB_POOL_MAX_SIZE", "0")):
        options["pool"] = {
            "min_size": min(int(env("MURA_DB_POOL_MIN_SIZE", "1")), pool_max),
            "max_size": pool_max,
            "timeout": float(env("MURA_DB_POOL_TIMEOUT", "3")),
        }
        database["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django requires 0
    database["OPTIONS"] = options | database.get("OPTIONS", {})  # the URL's own win
    return database


database_faults_bounded(DATABASES["default"])

# Public reads on a streaming replica of the primary (heritage/routers.py, README "Read
# replicas"). It shares the primary's settings and options; its URL names only where it is.
if env("DATABASE_REPLICA_URL", ""):
    _replica = dj_database_url.parse(env("DATABASE_REPLICA_URL"))
    DATABASES["replica"] = {
        **DATABASES["default"],
        **{key: _replica[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")},
        "OPTIONS": {**DATABASES["default"]["OPTIONS"], **_replica.get("OPTIONS", {})},
        "TEST": {"MIRROR": "default"},  # tests get no database of its own
    }
    DATABASE_ROUTERS = ["heritage.routers.ReplicaRouter"]
# Whoever wrote reads from the primary for this long (a signed cookie).
MURA_REPLICA_PIN_SECONDS = int(env("MURA_REPLICA_PIN_SECONDS", "60"))
# A replica further behind than this counts as down (0: never); measured this often.
MURA_REPLICA_MAX_LAG_SECONDS = float(env("MURA_REPLICA_MAX_LAG_SECONDS", "30"))
MURA_REPLICA_CHECK_SECONDS = float(env("MURA_REPLICA_CHECK_SECONDS", "5"))
# After a failed connection (or too much lag) a process reads from the primary this long.
MURA_REPLICA_RETRY_SECONDS = float(env("MURA_REPLICA_RETRY_SECONDS", "5"))
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


def s3_storages(*, bucket: str, private_bucket: str, endpoint_url: str, region: str) -> dict:
    """Media on S3-compatible object storage (django-storages), for several app machines.

    Public photo copies under `media/` of `bucket`; originals and legal documents under
    `private/` of `private_bucket` (or of `bucket`). No object gets an ACL (bucket owner only)
    and neither bucket needs to be public: files leave only through the app's views
    (registry/storage_s3.py). Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (boto3).
    """
    common = {"endpoint_url": endpoint_url or None, "region_name": region or None}
    common |= {"default_acl": None, "querystring_auth": True}
    common |= {"file_overwrite": False}  # as on disk: a name in use gets a suffix, never replaced
    return {
        "default": {
            "BACKEND": "registry.storage_s3.PublicS3Storage",
            "OPTIONS": common | {"bucket_name": bucket, "location": "media"},
        },
        "private": {
            "BACKEND": "registry.storage_s3.PrivateS3Storage",
            "OPTIONS": common | {"bucket_name": private_bucket or bucket, "location": "private"},
        },
    }


if env("MURA_S3_BUCKET", ""):  # else local disk: MEDIA_ROOT and PRIVATE_MEDIA_ROOT
    STORAGES |= s3_storages(
        bucket=env("MURA_S3_BUCKET"),
        private_bucket=env("MURA_S3_PRIVATE_BUCKET", ""),
        endpoint_url=env("MURA_S3_ENDPOINT_URL", ""),
        region=env("MURA_S3_REGION", ""),
    )
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
# Radius (km) around an S1, S2, S3 site's exact location in which place names in its public texts
# are shown to the officer and the reviewer as location hints (registry/services/text_screening.py).
MURA_TEXT_SCREENING_RADIUS_KM = dict(
    zip(("S1", "S2", "S3"), env_floats("MURA_TEXT_SCREENING_RADIUS_KM", "10,25,50"), strict=True)
)

# Condition monitoring (registry/services/monitoring.py): months between inspections by a
# site's significance and by its condition; the shorter applies. MURA_INSPECTION_INTERVALS
# overrides some or all as "significance_or_condition=months,...", e.g. "local=24,critical=3".
MURA_INSPECTION_INTERVALS = {
    "international": 12, "republican": 24, "local": 36, "candidate": 36, "delisted": 60,
    "poor": 12, "critical": 6,
}  # fmt: skip
MURA_INSPECTION_INTERVALS |= {
    key.strip(): int(months)
    for key, months in (
        item.split("=", 1) for item in env("MURA_INSPECTION_INTERVALS", "").split(",") if item
    )
}
# Days before its due date an inspection is listed as due soon on the dashboard.
MURA_INSPECTION_DUE_SOON_DAYS = int(env("MURA_INSPECTION_DUE_SOON_DAYS", "60"))

# GeoDjango's libraries by path, when given: without them GeoDjango finds each with ctypes'
# find_library, which runs `ldconfig -p` in a vforked child at every start (bench/export.py saw
# that child counted twice in a process tree's memory). The Docker image needs neither.
GDAL_LIBRARY_PATH = os.environ.get("GDAL_LIBRARY_PATH") or None
GEOS_LIBRARY_PATH = os.environ.get("GEOS_LIBRARY_PATH") or None

# GDAL opens no network resource in any Mura process (heritage/gdal_offline.py): the environment
# here, before any GDAL is loaded; the fetch callback in RegistryConfig.ready() and again once
# the importer has loaded pyogrio's own GDAL.
gdal_environment()
# gis.W001: GeoDjango's GDAL (Debian 12: 3.6) is older than 3.9, so SpatialReference(user input)
# cannot be told ALLOW_FILE_ACCESS=NO / ALLOW_NETWORK_ACCESS=NO. The earlier reason given here
# ("Mura never hands a client string to GDAL") did not hold: imported files went to pyogrio's
# GDAL whole, and a GeoJSON `crs` link made it fetch a URL (issue 13). What holds now:
# - Mura code never builds a SpatialReference from text: SRIDs are integers from ALLOWED_SRIDS;
# - GeoDjango's GeoJSON geometry parsing refuses an external `crs` ("GeoJSON input specified an
#   external CRS") before GDAL reads it (tests/imports/test_no_network.py checks it);
# - imported files have their CRS checked by Mura before GDAL opens them, and GDAL's HTTP client
#   and /vsicurl/ are off in every process (heritage/gdal_offline.py).
# The warning stays silenced because its only fix is GDAL >= 3.9, which Debian 12 does not ship;
# revisit when the base image moves to Debian 13 (GDAL 3.10).
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
# HSTS preload is the domain owner's decision (it binds every subdomain, for months, and is
# slow to undo): off unless DJANGO_HSTS_PRELOAD=1, so the reminder is silenced.
SILENCED_SYSTEM_CHECKS += ["security.W021"]

# Forwarding headers (X-Forwarded-For) are read only from these proxies (comma-separated
# CIDRs or addresses): the shipped nginx's network in docker-compose.yml. Empty: none, the
# client is the socket's peer (heritage/clientip.py).
try:
    MURA_TRUSTED_PROXIES = tuple(
        ipaddress.ip_network(cidr.strip()) for cidr in env("MURA_TRUSTED_PROXIES", "").split(",")
        if cidr.strip()
    )  # fmt: skip
except ValueError as error:
    raise ImproperlyConfigured(f"MURA_TRUSTED_PROXIES: {error}") from None
# Requests per client address (heritage/limits.py), counters shared by every process and
# machine; DRF's notation (N/s, N/min, N/hour, N/day). The API's are REST_FRAMEWORK's below.
MURA_RATES = {
    # A map moves fast: dozens of tiles per pan or zoom, several moves a second.
    "tiles": env("MURA_RATE_TILES", "2400/min"),
    # In-view lists, suggestions (one per keystroke), the click panel, outlines.
    "map": env("MURA_RATE_MAP", "600/min"),
    "pages": env("MURA_RATE_PAGES", "600/min"),  # site pages with their photos, sitemaps
    "ogc": env("MURA_RATE_OGC", "300/min"),  # QGIS pages through items as the view moves
    "passports": env("MURA_RATE_PASSPORTS", "30/min"),  # monument passports, made per request
    "login": env("MURA_RATE_LOGIN", "30/hour"),  # login and password-reset posts
    # Contributor sign-ups and confirmation-mail requests: each sends a message.
    "signup": env("MURA_RATE_SIGNUP", "10/hour"),
}

# What the public may send (contributions/services.py): per contributor in any 24 hours, and
# per client address in DRF's notation (heritage/limits.py's shared counters); photo size,
# at most registry/services/photos.py's MAX_UPLOAD_BYTES.
MURA_CONTRIB_LIMIT_PER_DAY = int(env("MURA_CONTRIB_LIMIT_PER_DAY", "20"))
MURA_CONTRIB_RATE_ADDRESS = env("MURA_CONTRIB_RATE_ADDRESS", "60/day")
MURA_CONTRIB_MAX_PHOTO_MB = int(env("MURA_CONTRIB_MAX_PHOTO_MB", "25"))  # the pipeline's most

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

# Web base maps offered beside Mura's own (maps/basemap.py), as (name, URL, Leaflet options):
# drawn, so asked for, only when a visitor picks one in a map's layer switcher. An empty
# MURA_OSM_TILES offers none.
MURA_WEB_TILES = [
    ("OpenStreetMap", url, {"attribution": "&copy; OpenStreetMap contributors", "maxZoom": 19})
    for url in [env("MURA_OSM_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")]
    if url
]

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (48.0, 67.0),
    "DEFAULT_ZOOM": 5,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 18,
    "SPATIAL_EXTENT": MURA_EXTENT,
    # None: every map, officers' widgets included, draws Mura's own base map first
    # (maps/static/maps/basemap.js), with MURA_WEB_TILES in its layer switcher.
    "TILES": [],
}


def tile_origin(url: str) -> str:
    """The CSP source of a Leaflet tile URL: `https://{s}.tile.example/{z}/...` ->
    `https://*.tile.example`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


# Content Security Policy (Django's own, django.middleware.csp): scripts only from us or
# carrying this response's nonce (`nonce="{{ csp_nonce }}"`, `csp_nonce=csp_nonce` for
# django-leaflet's tags and widgets), so an injected <script> or on* attribute never runs.
# Styles allow inline: our templates and drf-spectacular's pages have <style> blocks and
# style attributes, and Redoc injects <style> at run time (it renders nothing without; tried).
# CSS cannot run script, and scripts are what this policy guards.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *(tile_origin(t[1]) for t in MURA_WEB_TILES)],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# `manage.py db_worker` (django-tasks-db) runs queued jobs: batches of monument passports
# (registry/tasks.py). Form imports, exports and photo copies are made in their request,
# `import_sites`/`export_sites` in the command.
TASKS = {"default": {"BACKEND": env("MURA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# The monument passport (registry/passport/): the TrueType fonts it embeds (DejaVu Sans, from
# Debian's fonts-dejavu-core: Kazakh and Russian letters), and the absolute address of the
# public site pages its QR code and footer point to.
MURA_PASSPORT_FONT_DIR = Path(env("MURA_PASSPORT_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
MURA_PUBLIC_URL = env("MURA_PUBLIC_URL", "https://mura.kz").rstrip("/")

# Rows an export reads from its server-side cursor at a time and appends to its output: one
# batch is all an export holds (registry/services/exports/).
MURA_EXPORT_BATCH_ROWS = int(env("MURA_EXPORT_BATCH_ROWS", "500"))

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
        # Exports (every matching row, up to the whole registry) on top of the above.
        "export_anon": env("MURA_EXPORT_RATE_ANON", "10/hour"),
        "export_researcher": env("MURA_EXPORT_RATE_RESEARCHER", "60/hour"),
        "export_staff": env("MURA_EXPORT_RATE_STAFF", "120/hour"),
    },
    "EXCEPTION_HANDLER": "registry.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "registry.api.schema.MuraAutoSchema",  # public: security []
}
# The terms the public data (exports, API, OGC API) is offered on, shown on the "Data & API"
# page (maps/templates/maps/data.html); photos carry their own licences.
MURA_DATA_LICENCE = env("MURA_DATA_LICENCE", "CC BY 4.0")
MURA_DATA_LICENCE_URL = env("MURA_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")

SPECTACULAR_SETTINGS = {
    "TITLE": "Mura API",
    "DESCRIPTION": "The heritage registry of Kazakhstan: sites, designations, zones, regions. "
    "Every read is open to anyone without a login (the public projection: sensitive sites at a "
    "generalised point); a token (`Authorization: Token ...`) gives a grant's holder full "
    "records and a higher rate.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# No personal data in logs (heritage/redaction.py): addresses, emails and credentials are
# masked on the handler, so every record passes the filter, whichever logger it came from.
LOG_LEVEL = env("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "heritage.redaction.RedactPersonalData"},
        "database_faults": {"()": "heritage.faults.DatabaseFaultLogFilter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Named so that Django's default handlers (which skip the filter) are removed.
        "django": {"level": LOG_LEVEL},
        # A database fault is one warning line per request, not a stack trace (a 503).
        "django.request": {"filters": ["database_faults"]},
        # SQL and its parameters (usernames, searched text) stay out even at DEBUG.
        "django.db.backends": {"level": "INFO"},
    },
}
