"""Text search through the API over HTTP beside the raw SQL of the same statements.

    DATABASE_URL=postgres://.../mura_bench python bench/search.py [ROUNDS=30] [LIMIT=20]

Starts the API under gunicorn (two sync workers, production settings, plain HTTP, limits no
benchmark reaches) on the database DATABASE_URL names (a register made with
`generate_sites 1000000`, migrated), and for each word asks `/api/v1/sites/?q=WORD&limit=N`,
interleaved with running the statements that request sends (registry/features.py, as
bench/statements.py makes them: the name matches, then, when they do not fill the page, the
description matches) on a psycopg connection opened with the same server options. Prints
p50 and p95 in ms of each, their ratio, and the data size.
"""

import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")
os.environ.update(DJANGO_DEBUG="0", DJANGO_HTTPS="0", DJANGO_LOG_LEVEL="WARNING")
for rate in ("MURA_API_RATE_ANON", "MURA_EXPORT_RATE_ANON", "MURA_RATE_MAP"):
    os.environ[rate] = "100000000/min"

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.utils import translation  # noqa: E402

from registry.access import public_door  # noqa: E402
from registry.api.pagination import _encode  # noqa: E402
from registry.features import statement_for  # noqa: E402
from registry.query import site_query_parse  # noqa: E402
from registry.search import DESCRIPTIONS, NAMES  # noqa: E402

WORDS = {
    "common": ["Taraz", "Тараз", "Almaty", "Turkistan"],
    "typo": ["Tarz", "Алмты"],
    "rare": ["Otrar", "Kesene"],
    "weak": ["Qyzylorda", "Mazar"],
    "none": ["Zzzzkkk"],
    "page 51": ["Taraz@1000"],  # WORD@OFFSET: a later page, through the cursor the API issued
}


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_search(connection, word: str, limit: int) -> int:
    """The API's statements for the page of `q=word` (`word@offset`), as it runs them."""
    word, _, offset = word.partition("@")
    query = site_query_parse({"q": word})
    page = (limit, int(offset or 0), None, True)
    sql, params, _ = statement_for(public_door(), query, page=page, part=NAMES)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = len(cursor.fetchall())
        if found <= limit:
            rest = (limit - found, 0, None, True)
            sql, params, _ = statement_for(public_door(), query, page=rest, part=DESCRIPTIONS)
            cursor.execute(sql, params)
            found += len(cursor.fetchall())
    return found


def api_search(port: int, word: str, limit: int) -> bytes:
    word, _, offset = word.partition("@")
    params = {"q": word, "limit": limit}
    if offset:
        params["cursor"] = _encode({"o": "relevance", "part": NAMES, "offset": int(offset)})
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/sites/?{query}") as response:
        return response.read()


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main(rounds: int = 30, limit: int = 20) -> None:
    url = os.environ["DATABASE_URL"]
    options = settings.DATABASES["default"]["OPTIONS"].get("options", "")
    connection = psycopg.connect(
        url, autocommit=True, cursor_factory=psycopg.ClientCursor, options=options
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_public_site")
        published = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM registry_heritagesite")
        total = cursor.fetchone()[0]
    port = free_port()
    server = subprocess.Popen(
        ["gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "heritage.wsgi:application",
         "--log-level", "warning", "--access-logfile", "/dev/null"],
        cwd=ROOT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                api_search(port, "Taraz", limit)
                break
            except OSError:
                time.sleep(0.2)
        words = [w for group in WORDS.values() for w in group]
        with translation.override("kk"):  # the API's language without Accept-Language
            for word in words:  # warm both: compiling, caches, every worker
                for _ in range(4):
                    api_search(port, word, limit), raw_search(connection, word, limit)
            api = {w: [] for w in words}
            raw = {w: [] for w in words}
            rows = {w: raw_search(connection, w, limit) for w in words}
            for _ in range(rounds):  # interleaved: each word's API and raw run side by side
                for word in words:
                    api[word].append(timed(lambda w=word: api_search(port, w, limit)))
                    raw[word].append(timed(lambda w=word: raw_search(connection, w, limit)))
    finally:
        server.terminate()
        server.wait()
    say(f"{total:,} sites, {published:,} published; q=WORD&limit={limit}, {rounds} rounds")
    say(f"{'kind':7} {'q':10} {'rows':>4}  {'api p50':>8} {'raw p50':>8} {'ratio':>5}"
          f"  {'api p95':>8} {'raw p95':>8}")  # fmt: skip
    for kind, group in WORDS.items():
        for word in group:
            a50, r50 = statistics.median(api[word]), statistics.median(raw[word])
            say(
                f"{kind:7} {word:10} {rows[word]:>4}  {a50:8.1f} {r50:8.1f} {a50 / r50:5.2f}"
                f"  {p95(api[word]):8.1f} {p95(raw[word]):8.1f}"
            )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
