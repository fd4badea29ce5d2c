"""CSV and GeoJSON exports, generated as they are sent.

PostgreSQL writes each row's text but the point (statement.py): a CSV line's fields, quoted as
Python's csv module quotes them (RFC 4180: a field holding a comma, a quote or a line break
between quotes, quotes doubled) and neutralised for spreadsheets; a GeoJSON feature's id and
properties, escaped as json.dumps escapes them. Python rounds the point as it always has and
joins a batch of rows into one chunk.
"""

import csv
import io
import json
from collections.abc import Iterator

from django.db.models import QuerySet

from registry import exchange
from registry.services.exports import statement
from registry.services.exports.labels import code_labels
from registry.services.exports.statement import ref, text_sql

# Decimals of lon/lat as stated for each audience: 6 (about 0.1 m) for the public projection,
# 7 for exact points, as the API's serializers. Rounding removes float noise
# (48.385000000000005 -> 48.385) from points PostGIS computed (cell centres, transforms).
PUBLIC_DECIMALS, EXACT_DECIMALS = 6, 7
# Excel opens a CSV as UTF-8 only if it starts with a byte order mark; without one it reads
# the locale's code page and Kazakh letters (ә, ғ, қ, ң, ө, ұ, ү, һ, і) come out garbled.
BOM = "\ufeff"
# What `exchange.neutralise` guards: a cell a spreadsheet would run as a formula.
FORMULA_START_SQL = ", ".join(statement.literal(s) for s in exchange.FORMULA_START)
# The fields csv.writer writes as they are, neutralised as they are (no formula start, nothing
# to quote): one regular expression tells them from the rest, dealt with in full. A field on
# that path is tested once instead of three times: the CSV statement takes a third less time.
_ESCAPED = {"\t": "\\t", "\r": "\\r", "\n": "\\n", "-": "\\-"}
PLAIN_SQL = statement.literal(
    "^[" + "".join(_ESCAPED.get(s, s) for s in exchange.FORMULA_START) + ']|[",\\r\\n]'
)


def decimals(*, exact: bool) -> int:
    return EXACT_DECIMALS if exact else PUBLIC_DECIMALS


def _number(value: float | None, digits: int) -> str:
    return "" if value is None else repr(round(value, digits))


def _csv_quoted_sql(value: str) -> str:
    """A text field as csv.writer writes `neutralise(value)`: as it is when PLAIN_SQL finds
    nothing to do, else prefixed and quoted as needed."""
    safe = (
        f"CASE WHEN left({value}, 1) IN ({FORMULA_START_SQL}) THEN '''' || {value} ELSE {value} END"
    )
    full = (
        f"CASE WHEN {safe} ~ '[\",\\r\\n]' THEN '\"' || replace({safe}, '\"', '\"\"') || '\"'"
        f" ELSE {safe} END"
    )
    return f"CASE WHEN {value} !~ {PLAIN_SQL} THEN {value} ELSE {full} END"


def _csv_field_sql(c: exchange.Column) -> str:
    """The field as csv.writer writes `neutralise(to_text(value))`, from the fenced row."""
    value = f't."t_{c.name}"'
    if c.type == exchange.INT:
        return value  # a number is never neutralised nor quoted
    return _csv_quoted_sql(value)


def _label_sql(c: exchange.Column, labels: dict[str, str]) -> str:
    """The code's label (exchange.LABELLED) from a constant JSON object (one look-up a row,
    whatever the number of codes: 224 districts); NULL for no code, or an unknown one."""
    if not labels:
        return "NULL::text"
    table = statement.literal(json.dumps(labels, ensure_ascii=False)).replace("%", "%%")
    return f"({table}::jsonb ->> {text_sql(c)})"


def _csv_label_sql(c: exchange.Column) -> str:
    """The label's field, from the fenced row (looked up there once); empty for none."""
    return f"coalesce({_csv_quoted_sql(f't."l_{c.name}"')}, '')"


def csv_sql(
    sites: QuerySet,
    *,
    geometry: str,
    exact: bool,
    staff: bool,
    labels: dict[str, dict[str, str]] | None = None,
) -> tuple[str, list]:
    """Rows of (the line's fields joined, lon, lat). Each value is made text once, in a
    subquery PostgreSQL may not flatten (OFFSET 0), then neutralised and quoted; with `labels`
    ({column: {code: label}}), each labelled code is followed by its label (looked up in the
    same subquery)."""
    columns = exchange.columns_for(exact=exact, staff=staff)
    inner, params = statement.inner(sites, columns, geometry=geometry)
    texts = [f'{text_sql(c)} AS "t_{c.name}"' for c in columns]
    parts = []
    for c in columns:
        parts.append(_csv_field_sql(c))
        if labels is not None and c.name in exchange.LABELLED:
            texts.append(f'{_label_sql(c, labels.get(c.name, {}))} AS "l_{c.name}"')
            parts.append(_csv_label_sql(c))
    fields = ", ',', ".join(parts)
    sql = (
        f"SELECT concat({fields}), t.lon, t.lat FROM (SELECT {', '.join(texts)},"
        f' ST_X(e."x_point") AS lon, ST_Y(e."x_point") AS lat FROM ({inner}) e OFFSET 0) t'
    )
    return sql, params


def csv_chunks(
    sites: QuerySet,
    *,
    geometry: str,
    exact: bool,
    staff: bool = False,
    bom: bool = True,
    labels: bool = True,
) -> Iterator[str]:
    """RFC 4180 CSV (comma, CRLF, quotes doubled), UTF-8 with a BOM unless `bom=False`: the
    header, then a chunk per batch of rows. With `labels`, each labelled code is followed by
    its label in the active language (`category`, `category_label`), read now: a streamed
    response is sent after the request's language is switched off."""
    columns = exchange.columns_for(exact=exact, staff=staff)
    names = exchange.csv_names(columns) if labels else [c.name for c in columns]
    texts = None
    if labels:
        texts = code_labels([c.name for c in columns if c.name in exchange.LABELLED])
    sql, params = csv_sql(sites, geometry=geometry, exact=exact, staff=staff, labels=texts)
    return _csv_lines(sites, names, sql, params, digits=decimals(exact=exact), bom=bom)


def _csv_lines(
    sites: QuerySet, names: list[str], sql: str, params: list, *, digits: int, bom: bool
) -> Iterator[str]:
    header = io.StringIO()
    csv.writer(header).writerow([*names, "lon", "lat"])
    yield (BOM if bom else "") + header.getvalue()

    def lines(rows: list[tuple]) -> str:
        return "".join([f"{line},{_number(lon, digits)},{_number(lat, digits)}\r\n"
                        for line, lon, lat in rows])  # fmt: skip

    yield from statement.pipelined(statement.batches(sql, params, using=sites.db), lines)


def _json_sql(c: exchange.Column) -> str:
    """The property's JSON value: ints and yes/no as JSON's, the rest as text."""
    value = statement.value_sql(c)
    if c.type == exchange.INT:
        return f"coalesce(({value})::text, 'null')"
    if c.type == exchange.BOOL:
        return f"CASE WHEN {value} THEN 'true' WHEN NOT {value} THEN 'false' ELSE 'null' END"
    return f"coalesce(to_json({text_sql(c)})::text, 'null')"


def geojson_sql(sites: QuerySet, *, geometry: str, exact: bool, staff: bool) -> tuple[str, list]:
    """Rows of (the feature's id as JSON, its properties object, lon, lat)."""
    columns = exchange.columns_for(exact=exact, staff=staff)
    inner, params = statement.inner(sites, columns, geometry=geometry)
    names = {c.name: c for c in columns}
    # A draft (staff only) has no number: its reference is its id.
    draft = ref(names["draft_reference"]) if "draft_reference" in names else "NULL"
    number = ref(names["registry_number"])
    key = f"coalesce(to_json(coalesce(nullif({number}, ''), {draft}))::text, 'null')"
    pairs = ", ', ', ".join(
        f"{statement.literal(f'"{c.name}": ')}, {_json_sql(c)}" for c in columns
    )
    sql = (
        f"SELECT {key}, '{{' || concat({pairs}) || '}}',"
        f' ST_X(e."x_point"), ST_Y(e."x_point") FROM ({inner}) e'
    )
    return sql, params


def geojson_chunks(
    sites: QuerySet, *, geometry: str, exact: bool, staff: bool = False
) -> Iterator[str]:
    """A FeatureCollection as json.dumps(feature, ensure_ascii=False) writes each feature."""
    digits = decimals(exact=exact)
    yield '{"type": "FeatureCollection", "features": [\n'
    sql, params = geojson_sql(sites, geometry=geometry, exact=exact, staff=staff)

    def features(rows: list[tuple]) -> str:
        return ",\n".join([
            f'{{"type": "Feature", "id": {key}, "geometry": '
            + ("null" if lon is None else '{"type": "Point", "coordinates": '
               f"[{_number(lon, digits)}, {_number(lat, digits)}]}}")
            + f', "properties": {properties}}}'
            for key, properties, lon, lat in rows
        ])  # fmt: skip

    separator = ""
    for chunk in statement.pipelined(statement.batches(sql, params, using=sites.db), features):
        yield separator + chunk
        separator = ",\n"
    yield "\n]}\n"
