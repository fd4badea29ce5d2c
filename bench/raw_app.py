"""The physical limit for bench/api.sh: a minimal WSGI app that runs Mura's own statements
(bench/statements.py wrote them: the SQL and bound values the API sends for each benchmarked
request) over one psycopg connection per worker.

    MURA_STATEMENTS=statements.json gunicorn -w 8 --chdir bench raw_app:app  (DATABASE_URL set)

GET /<name> runs the statements of request `name` (bench/statements.py says what it answers).
Like Django, the connection binds values on the client (psycopg's ClientCursor), so PostgreSQL
receives the same text from both.
"""

import json
import os

import psycopg

with open(os.environ["MURA_STATEMENTS"], encoding="utf-8") as saved:
    SAVED = json.load(saved)
REQUESTS = SAVED["requests"]
_connection = None


def _connect() -> psycopg.Connection:
    global _connection
    if _connection is None:
        _connection = psycopg.connect(
            os.environ["DATABASE_URL"],
            autocommit=True,
            cursor_factory=psycopg.ClientCursor,
            options=SAVED["options"],
        )
    return _connection


def _rows(sql: str, params: list) -> list[tuple] | None:
    """The rows of one statement (of the first that returns rows, when the text holds several:
    the text search's `SET LOCAL enable_sort = off; <page>`, registry/features.py `_knn_rows`,
    one round trip as Mura sends it); None for one that returns none."""
    with _connect().cursor() as cursor:
        cursor.execute(sql, params)
        while cursor.description is None and cursor.nextset():
            pass
        return cursor.fetchall() if cursor.description is not None else None


def _results(statements: list[dict]) -> list[list[tuple]]:
    results = [_rows(s["sql"], s["params"]) for s in statements]
    return [rows for rows in results if rows is not None]


def _body(request: dict) -> bytes:
    results = _results(request["statements"])
    kind, limit = request["kind"], request["limit"]
    if kind == "rows":
        return json.dumps(results, default=str).encode()
    (rows,) = results
    if kind == "count":
        return b'{"count":%d}' % rows[0][0]
    if kind == "record":
        return rows[0][1].encode()
    more = len(rows) > limit
    features = ",".join(text for _, text in rows[:limit])
    tail = {"numberReturned": min(len(rows), limit), "next": None, "next_cursor": None}
    if more:
        tail["next_cursor"] = rows[limit - 1][0]
    rest = json.dumps(tail, separators=(",", ":"))[1:]
    return f'{{"type":"FeatureCollection","features":[{features}],{rest}'.encode()


def app(environ, start_response):
    request = REQUESTS.get(environ["PATH_INFO"].strip("/"))
    if request is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    body = _body(request)
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
