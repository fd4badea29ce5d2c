"""The rows of an export as PostgreSQL writes them for each format, read a batch at a time.

The ORM compiles the door's queryset with the query's filters and order (registry/search.py):
one column per stored exchange column (`x_<name>`, registry/exchange.py) and the point
(`x_point`). Each format wraps that statement in a SELECT of its own (the SQL below) that turns
the values into what its file holds: CSV fields, JSON texts, typed GeoPackage values, DBF
records. PostgreSQL does that per-value work in C; Python gets a few values a row and appends
them to the output, so an export holds one or two batches whatever its size, and needs no
library beyond the standard one and numpy (pyarrow and pyogrio, which wrote the files before,
took a web worker's memory past the bound before a row was read: bench/export.py).

Values are as `exchange.to_text` gives them (the SQL here is its double, tested against it in
tests/api/test_export_batches.py): a date as ISO 8601, a yes/no as true/false, other names as
one text ("; " between them, a JSON list if a name holds ";"), a boundary as WKT.

The rows come from a server-side cursor inside a transaction, MURA_EXPORT_BATCH_ROWS at a time
(`batches`): PostgreSQL sends them as it produces them. Django's `iterator()` outside a
transaction declares the cursor WITH HOLD, which makes PostgreSQL copy the whole result before
the first row.
"""

import ctypes
import itertools
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKT
from django.db import connections, transaction
from django.db.models import F, QuerySet

from registry import exchange
from registry.projection import GENERALISATION

# The point as files store it, on the audience's grid as GEOS's ST_ReducePrecision rounds
# (x * 10^d rounded half up), then divided by 10^d: the double nearest the decimal (76.665,
# where ST_ReducePrecision gave 76.66499999999999, tests/api/test_export_batches.py). The text
# formats round in Python (`round`), as they always have.
GRID = 'floor(ST_{axis}(e."x_point") * {scale}::float8 + 0.5::float8) / {scale}::float8'
_names = itertools.count()
# glibc's malloc_trim, or None elsewhere (musl, macOS): see `release`. Looked up among the
# symbols already loaded (ctypes.util.find_library would fork a process to run ldconfig).
_malloc_trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
Batch, Done = TypeVar("Batch"), TypeVar("Done")


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def stored(columns: list[exchange.Column]) -> list[exchange.Column]:
    """The columns read from the database (the others are computed from them)."""
    return [c for c in columns if c.field not in exchange.COMPUTED]


def inner(sites: QuerySet, columns: list[exchange.Column], *, geometry: str) -> tuple[str, list]:
    """The door's statement: `x_<name>` per stored column, `x_point`, in the query's order."""
    named = {f"x_{c.name}": F(c.query_path) for c in stored(columns)}
    named["x_point"] = F(geometry)
    if "x_boundary" in named:  # full records: the exact boundary as WKT (written by PostGIS)
        sites = sites.annotate(export_boundary=AsWKT("boundary"))
    # Annotated, then named: modeltranslation's values() given expressions only selects every
    # field besides them (as registry/features.py).
    sql, params = sites.annotate(**named).values(*named).query.sql_with_params()
    return sql, list(params)


def ref(c: exchange.Column, table: str = "e") -> str:
    return f'{table}."x_{c.name}"'


def generalisation_sql() -> str:
    cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in GENERALISATION.items())
    return f'CASE e."x_sensitivity" {cases} END'


def array_text_sql(value: str) -> str:
    """`exchange.array_text`: "; " between names, a JSON list (as json.dumps writes it) if a
    name holds ";"."""
    as_json = (
        f"(SELECT '[' || string_agg(to_json(n)::text, ', ' ORDER BY i) || ']'"
        f" FROM unnest({value}) WITH ORDINALITY AS u(n, i))"
    )
    joined = f"array_to_string({value}, '; ')"
    return (
        f"CASE WHEN strpos(array_to_string({value}, ''), ';') > 0 THEN {as_json} ELSE {joined} END"
    )


def value_sql(c: exchange.Column) -> str:
    """A column's value, typed as its files carry it: int, bool, or text (dates, other names
    and the boundary as text already)."""
    if c.name == "location_generalisation":
        return generalisation_sql()
    if c.name == "geometry_withheld":
        return '(e."x_point" IS NULL)'
    if c.type == exchange.DATE:
        return f"to_char({ref(c)}, 'YYYY-MM-DD')"
    if c.type == exchange.ARRAY:
        return array_text_sql(ref(c))
    return ref(c)


def text_sql(c: exchange.Column) -> str:
    """`exchange.to_text`: every value as text (NULL stays NULL)."""
    value = value_sql(c)
    if c.type == exchange.INT:
        return f"({value})::text"
    if c.type == exchange.BOOL:
        return f"CASE WHEN {value} THEN 'true' WHEN NOT {value} THEN 'false' END"
    return value


def point_sql(digits: int) -> tuple[str, str]:
    """(x, y) of the point on the audience's grid, NULL for a withheld site."""
    scale = repr(float(10**digits))
    return GRID.format(axis="X", scale=scale), GRID.format(axis="Y", scale=scale)


def batches(sql: str, params: list, *, using: str) -> Iterator[list[tuple]]:
    """The statement's rows, MURA_EXPORT_BATCH_ROWS at a time, from a server-side cursor in a
    transaction of their own (a savepoint inside another). Only one batch is held; a consumer
    that stops early closes the cursor with the transaction."""
    size = int(settings.MURA_EXPORT_BATCH_ROWS)
    name = f"mura_export_{next(_names)}"
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"DECLARE {name} NO SCROLL CURSOR FOR {sql}", params)
        while True:
            cursor.execute(f"FETCH FORWARD {size} FROM {name}")
            rows = cursor.fetchall()
            if not rows:
                break
            yield rows
        cursor.execute(f"CLOSE {name}")


def pipelined(batches: Iterable[Batch], work: Callable[[Batch], Done]) -> Iterator[Done]:
    """`work(batch)` for each batch, in order, in a helper thread while the next batch is read:
    PostgreSQL makes the next rows while Python handles the last (and SQLite and zlib, which
    release the GIL, write them). At most two batches are held. The database is only ever
    used from the calling thread (Django's connections are per thread)."""
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mura-export") as pool:
            pending = None
            for batch in batches:
                done = pool.submit(work, batch)
                if pending is not None:
                    yield pending.result()
                pending = done
            if pending is not None:
                yield pending.result()
    finally:  # a consumer that stops early closes the cursor now, not when collected
        if close := getattr(batches, "close", None):
            close()
        release()


def release() -> None:
    """Give the memory an export freed back to the system. glibc keeps freed blocks for the
    process (the helper thread's arena, the heap below a block still in use): a web worker
    would start its next export 10 MB higher each time (bench/export.py). malloc_trim(0)
    returns every free page, in a millisecond or two."""
    if _malloc_trim is not None:
        _malloc_trim(0)
