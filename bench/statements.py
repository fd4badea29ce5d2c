"""Mura's own statements for bench/api.sh's requests, for bench/raw_app.py to run as they are.

    python bench/statements.py OUT.json NAME=/api/v1/sites/?QUERY ...

Each request is made once through Django (test client, anonymous, the default language) to warm
it, then again with every statement it sends recorded: SQL and bound values exactly as the
database receives them, in order. The rate-limit counter's upsert (heritage/limits.py) is left
out, alone or sent after a read in its round trip: it is Mura's own overhead, not the work of
answering. The raw app executes the rest over
one connection opened with the same server options, and answers:
- "features" (a list page), "count", "record" (one site): the same body the API does, so
  bench/api.sh checks the two answers are equal;
- "rows" (OGC API items, the map's in-view list): every row of every statement as JSON, the
  same database work with a body of similar size, not the same text.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.gis.db.backends.postgis.adapter import PostGISAdapter  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from heritage import limits  # noqa: E402

RATE_LIMIT_TABLE = "mura_rate_limit"


def _value(param):
    """A bound value as JSON can carry it; a geometry (GeoDjango's adapter) as hex EWKB, which
    PostGIS reads as the same geometry."""
    if isinstance(param, PostGISAdapter):
        return bytes(param.ewkb).hex()
    return param


def _kind(url: str, statements: list[dict]) -> str:
    path = url.partition("?")[0]
    if not path.startswith("/api/v1/sites/") or len(statements) != 1:
        return "rows"
    if path.rstrip("/").endswith("/count"):
        return "count"
    return "features" if path == "/api/v1/sites/" else "record"


def statements(client: Client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    seen = []

    def record(execute, sql, params, many, context):
        read, values = sql, list(params or ())
        if RATE_LIMIT_TABLE in sql:  # the hit alone, or a read sent with it (heritage/limits.py)
            read, _, _ = sql.rpartition(limits.WITH_HIT)
            values = values[: read.count("%s")]
        if read and RATE_LIMIT_TABLE not in read:
            seen.append({"sql": read, "params": [_value(p) for p in values]})
        return execute(sql, params, many, context)

    wrappers = [c.execute_wrapper(record) for c in connections.all()]
    for wrapper in wrappers:
        wrapper.__enter__()
    try:
        client.get(url)
    finally:
        for wrapper in wrappers:
            wrapper.__exit__(None, None, None)
    limit = None
    if "limit=" in url:
        limit = int(url.split("limit=")[1].split("&")[0])
    return {"statements": seen, "kind": _kind(url, seen), "limit": limit}


def main(out: str, requests: list[str]) -> None:
    client = Client(HTTP_HOST="localhost")
    saved = {}
    for request in requests:
        name, _, url = request.partition("=")
        saved[name] = statements(client, url)
    # The server options Mura's connections open with (jit, the text search's threshold).
    options = settings.DATABASES["default"]["OPTIONS"].get("options", "")
    text = json.dumps({"options": options, "requests": saved}, ensure_ascii=False, default=str)
    Path(out).write_text(text)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
