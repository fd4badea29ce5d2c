# Mura application image: gunicorn by default; the same image runs migrations and the
# django-tasks-db worker, behind nginx (see docker-compose.yml and docs/deploy.md).
#
# Debian 13 "trixie" because GeoDjango wants GDAL 3.9+ (gis.W001) and trixie ships 3.10.
FROM python:3.12-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=heritage.settings \
    MURA_MEDIA_ROOT=/data/media \
    MURA_PRIVATE_MEDIA_ROOT=/data/private

# Runtime libraries only: GeoDjango loads libgdal and libgeos_c through ctypes
# (find_library finds libgdal.so.36 and libgeos_c.so.1 in the ldconfig cache, so
# GDAL_LIBRARY_PATH/GEOS_LIBRARY_PATH are not needed). gdal-bin is left out on purpose:
# on trixie it depends on python3 and python3-gdal, i.e. a second Python, and Mura never
# calls the GDAL command-line tools. fonts-dejavu-core: the passport PDF's fonts (Kazakh
# and Russian Cyrillic), /usr/share/fonts/truetype/dejavu as on the Debian hosts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libgdal36 \
        libgeos-c1t64 \
        libproj25 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --gid 10001 mura \
    && useradd --uid 10001 --gid mura --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin mura

WORKDIR /app

# The runtime lock only (requirements-dev.txt, with pytest, playwright, moto and ruff, stays
# out), every file checked against its hash; its hashes cover every wheel of each pin.
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes --only-binary :all: -r requirements.txt

# Fail the build, not the first request, if GeoDjango cannot load GDAL (3.9+) or GEOS.
RUN python -c "from django.contrib.gis.gdal import GDAL_VERSION, gdal_full_version; \
from django.contrib.gis.geos import geos_version; \
assert GDAL_VERSION >= (3, 9), GDAL_VERSION; \
print(gdal_full_version().decode(), '/ GEOS', geos_version().decode())"

# The code stays owned by root (read-only for the app user); only /data/media and /data/private
# (photo originals, legal documents; never served directly) are writable.
# (USER below is numeric, uid/gid 10001 = mura, so runtimes can verify it is not root.)
COPY . .

# collectstatic needs settings to import: the dummy values exist only for this RUN line.
RUN DJANGO_SECRET_KEY=build DATABASE_URL=postgis://x@localhost/x \
        python manage.py collectstatic --noinput \
    && mkdir -p /data/media /data/private \
    && chown mura:mura /data/media /data/private

USER 10001:10001

EXPOSE 8000

# gthread: --timeout is the worker's heartbeat, so a long streaming export is not killed
# (a sync worker is, after 60 s). docker-compose.yml runs the same with tunable counts.
CMD ["gunicorn", "heritage.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "4", "--threads", "4", "--timeout", "60", "--access-logfile", "-"]
