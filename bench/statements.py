"""Mura's own statements for bench/api.sh's requests, for bench/raw_app.py to run as they are.

    python bench/statements.py OUT.json NAME=/api/v1/sites/?QUERY ...

Each request is parsed as the API parses it (registry/query.py) and its statement made as the
API makes it for an anonymous reader (registry/features.py: compiled once, values bound), so the
raw app executes byte for byte the SQL the API sends, on a connection opened with the same
server options.
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
from django.http import QueryDict  # noqa: E402
from django.utils import translation  # noqa: E402

from registry.access import public_door  # noqa: E402
from registry.features import statement_for  # noqa: E402
from registry.query import PAGING, QUERY_FILTERS, query_parse  # noqa: E402


def statement(url: str) -> dict:
    path, _, text = url.partition("?")
    count = path.rstrip("/").endswith("/count")
    extra = () if count else PAGING
    query, data = query_parse(QueryDict(text), staff=False, spec=QUERY_FILTERS, extra=extra)
    page = None if count else (data["limit"], 0, None, True)
    sql, params, _ = statement_for(public_door(), query, page=page)
    return {"sql": sql, "params": params, "limit": None if count else data["limit"]}


def main(out: str, requests: list[str]) -> None:
    with translation.override("kk"):  # the API's default language (no Accept-Language)
        statements = {}
        for request in requests:
            name, _, url = request.partition("=")
            statements[name] = statement(url)
    # The server options Mura's connections open with (jit, the text search's threshold).
    options = settings.DATABASES["default"]["OPTIONS"].get("options", "")
    text = json.dumps({"options": options, "statements": statements}, ensure_ascii=False)
    Path(out).write_text(text)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
