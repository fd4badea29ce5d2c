import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only")
os.environ.setdefault("DJANGO_HTTPS", "0")  # the test client and live servers speak plain HTTP

from heritage.settings import *  # noqa: E402, F403 (the test settings extend the real ones)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405 (tests do not run collectstatic)
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
