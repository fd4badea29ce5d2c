import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only")
os.environ.setdefault("DJANGO_HTTPS", "0")  # the test client and live servers speak plain HTTP
# Many tests send hundreds of requests from one address; the rate limits' own tests
# (tests/test_rate_limits.py, tests/deploy/test_rate_limits.py) set small ones. The counters
# are in the test database, shared by every test process of a run.
for _rate in ("TILES", "MAP", "PAGES", "OGC", "LOGIN", "PASSPORTS", "SIGNUP"):
    os.environ.setdefault(f"MURA_RATE_{_rate}", "1000000/min")
for _rate in ("API_RATE", "EXPORT_RATE"):
    for _role in ("ANON", "RESEARCHER", "STAFF"):
        os.environ.setdefault(f"MURA_{_rate}_{_role}", "1000000/min")

# Forms' anti-bot minimum time: tests post at once (tests/contributions/test_accounts_abuse.py
# sets it back).
os.environ.setdefault("MURA_FORM_MIN_SECONDS", "0")

from heritage.settings import *  # noqa: E402, F403 (the test settings extend the real ones)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405 (tests do not run collectstatic)
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
