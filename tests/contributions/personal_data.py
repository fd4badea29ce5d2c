"""Where a person's email address or display name is still held: every table of the database,
every column (each row cast to text whole), and the log output of the test.

    def test_...(..., caplog, log_output):
        ...
        assert personal_bytes_left(email, name, logs=[caplog, log_output]) == []

Tables are found in pg_catalog (every ordinary and partitioned table outside PostgreSQL's own
schemas), so a table added later is scanned without editing this. A row's text form holds
every column; JSON kept as text may hold a name as \\u escapes, and Django's sessions are
signed, compressed blobs, so those are decoded and searched as well.
"""

import io
import json
import logging

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from heritage.redaction import RedactPersonalData

TABLES = """
    SELECT n.nspname, c.relname FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'
    ORDER BY 1, 2
"""


def _needles(*values: str) -> list[str]:
    """Each value, and its form in ASCII-escaped JSON (Cyrillic or Kazakh letters)."""
    found = []
    for value in values:
        if value:
            found += [value.lower(), json.dumps(value)[1:-1].lower()]
    return sorted(set(found))


def _tables_holding(needles: list[str]) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        cursor.execute(TABLES)
        for schema, table in cursor.fetchall():
            name = f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(table)}"
            for needle in needles:
                cursor.execute(
                    f"SELECT count(*) FROM {name} AS t WHERE strpos(lower(t::text), %s) > 0",
                    [needle],
                )
                if cursor.fetchone()[0]:
                    found.append(f"table {schema}.{table}: {needle!r}")
    return found


def _sessions_holding(needles: list[str]) -> list[str]:
    found = []
    for session in Session.objects.all():
        text = json.dumps(session.get_decoded(), ensure_ascii=False, default=str).lower()
        found += [f"session {session.pk[:6]}…: {n!r}" for n in needles if n in text]
    return found


def _log_text(log) -> str:
    if isinstance(log, str):
        return log
    if isinstance(log, io.StringIO):
        return log.getvalue()
    # pytest's caplog: the formatted text and each record's own message
    return log.text + "\n".join(record.getMessage() for record in log.records)


def personal_bytes_left(email: str, display_name: str, *, logs=()) -> list[str]:
    """Where either value remains (case-insensitive): "table x.y: 'value'", "session …",
    "log 0: 'value'". Empty when nothing remains. `logs`: pytest's caplog, the `log_output`
    buffer, or any text."""
    needles = _needles(email, display_name)
    found = _tables_holding(needles) + _sessions_holding(needles)
    for index, log in enumerate(logs):
        text = _log_text(log).lower()
        found += [f"log {index}: {n!r}" for n in needles if n in text]
    return found


@pytest.fixture
def log_output():
    """What the project's log handler (settings.LOGGING's `console`: a stream handler with the
    redaction filter) writes during the test, into a buffer on the root logger."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RedactPersonalData())
    root = logging.getLogger()
    root.addHandler(handler)
    yield buffer
    root.removeHandler(handler)
