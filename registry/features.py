"""The API's list features, built by PostgreSQL from statements compiled once per query shape.

A page of sites is one round trip whose rows are GeoJSON feature texts: Python joins them and
never handles a value. Its statement is compiled by the ORM from the same filters as every
other surface (registry/search.py), but not on every request: compiling costs more than a
small page's query. What varies between requests of one shape (the box, the point, the
distance, a keyset cursor) is bound, not compiled. A shape is the query with those values
replaced by sentinels; the compiled statement remembers which parameter holds which sentinel,
and each request binds its own values there (`Statement.bind`).

A feature's properties come from the exchange columns marked `listed` (registry/exchange.py),
for the door's audience: the list feature, the exports and the importer share one definition.
"""

import functools
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connections, router
from django.db.models import F, Q, QuerySet
from django.utils import translation

from heritage import limits
from registry import density, exchange
from registry.access import Door, public_door
from registry.models import PublicSite
from registry.models.aggregates import LEVELS
from registry.projection import GENERALISATION
from registry.search import (
    NAMES,
    ORDERINGS,
    SPATIAL_FIRST_MAX_DEG2,
    SPATIAL_FIRST_MAX_M,
    SiteQuery,
    first_rows_window,
    nearest_window,
    number_key,
    sites_filter,
    spatial_first,
)
from registry.selectors import staff_number_lookup
from registry.text_search import search_key
from registry.transliteration import search_variants

# Sentinels: values no real query holds (coordinates near 1e9 degrees, a cursor no registry
# number can be), each found again by equality among the compiled statement's parameters.
FAR = 1e9
SMALL_BOX = (FAR + 1, FAR + 2, FAR + 1.5, FAR + 2.5)  # 0.25 square degrees: spatial first
BIG_BOX = (FAR + 1, FAR + 2, FAR + 21, FAR + 22)  # 400 square degrees
SMALL_DISTANCE = 12_345.678_9  # metres, below SPATIAL_FIRST_MAX_M
BIG_DISTANCE = FAR + 7
NEAR = (FAR + 5, FAR + 6)
AFTER = "\x00after"  # NUL: refused in every parameter (registry/query.py), never a value
NUMBER = "\x00number"  # a registry number bound per request
# The searched text, by how many readings it has (as typed, and in the other script when it is
# written in one): the statement holds its search key and those readings, each bound.
TEXTS = {2: "\x00q", 1: "\x00qЖ"}
BOX_NAMES = ("west", "south", "east", "north")
STATEMENTS_CACHED = 512
KNN_ONLY_SQL = "SET LOCAL enable_sort = off"  # see `_knn_rows`
KNN_RESET_SQL = "SET LOCAL enable_sort TO DEFAULT"
assert (SMALL_BOX[2] - SMALL_BOX[0]) * (SMALL_BOX[3] - SMALL_BOX[1]) <= SPATIAL_FIRST_MAX_DEG2
assert SMALL_DISTANCE <= SPATIAL_FIRST_MAX_M < BIG_DISTANCE
assert all(len(search_variants(text)) == n for n, text in TEXTS.items())

FEATURE_SQL = """SELECT p."f_key", json_build_object(
  'type', 'Feature', 'id', p."f_id", 'geometry', ST_AsGeoJSON(p."f_geometry", {precision})::json,
  'properties', json_build_object({properties}))::text
FROM ({page}) p"""


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]  # (parameter's index, the bound value's name)

    def bind(self, values: dict) -> list:
        params = list(self.params)
        for index, name in self.slots:
            params[index] = values[name]
        return params


@dataclass(frozen=True)
class Page:
    features: list[str]  # GeoJSON feature texts, in order
    next_key: str | None  # the last feature's paging key when there are more (None: the last)


def listed_columns(*, exact: bool, staff: bool) -> list[exchange.Column]:
    return [c for c in exchange.columns_for(exact=exact, staff=staff) if c.listed]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _translated_sql(field: str, language: str) -> str:
    """A translated field as modeltranslation gives it (`name`, `dating_note`): the language's
    value, else the first non-empty one in the fallback order."""
    order = [language, *(code for code in settings.MODELTRANSLATION_FALLBACK_LANGUAGES)]
    order = list(dict.fromkeys(order))
    parts = [f"nullif(p.\"f_{field}_{code}\", '')" for code in order[:-1]]
    return f'coalesce({", ".join(parts)}, p."f_{field}_{order[-1]}")'


def _name_sql(language: str) -> str:
    return _translated_sql("name", language)


def _generalisation_sql() -> str:
    cases = " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in GENERALISATION.items())
    return f'CASE p."f_sensitivity" {cases} END'


def _properties_sql(door: Door, near: bool, language: str, distance: bool) -> str:
    pairs = []
    for c in listed_columns(exact=door.exact, staff=door.staff):
        if c.name == "registry_number" and not door.staff:
            continue  # the feature's id (staff: a draft's id is its draft reference)
        if c.name == "name_kk":
            pairs.append(("name", _name_sql(language)))
        if c.name == "location_generalisation":
            pairs.append((c.name, _generalisation_sql()))
        else:
            pairs.append((c.name, f'p."f_{c.name}"'))
    if distance:  # the API's features have it, null without `near`; OGC API's do not
        pairs.append(("distance_m", 'p."f_distance_m"' if near else "NULL"))
    return ", ".join(f"{_literal(name)}, {sql}" for name, sql in pairs)


def _columns(door: Door, sites: QuerySet, near: bool) -> dict[str, F]:
    key = number_key(sites)
    columns = {
        "f_key": F(key),
        "f_id": F(key if door.staff else "registry_number"),
        "f_geometry": F(door.geometry),
    }
    for c in listed_columns(exact=door.exact, staff=door.staff):
        if c.name != "location_generalisation":
            columns[f"f_{c.name}"] = F(c.query_path)
    if near:
        columns["f_distance_m"] = F("distance_m")
    return columns


def _page_sql(
    door: Door,
    query: SiteQuery,
    *,
    limit: int,
    offset: int,
    after: str | None,
    distance: bool,
    part: str = "",
    spatial: bool | None = None,
):
    """The statement of one page (`limit` + 1 rows, to know if there is another); `part`: see
    `sites_filter`; `spatial`: read the box first (`box_first`; None: `spatial_first`)."""
    if spatial is None:
        spatial = spatial_first(query)
    sites = sites_filter(door.sites, query, geometry=door.geometry, part=part, spatial=spatial)
    if after is not None:
        key = number_key(sites)
        lookup = f"{key}__gt" if query.ordering == "registry_number" else f"{key}__lt"
        sites = sites.filter(**{lookup: after})
    rows = offset + limit + 1
    if query.ordering == "distance":
        sites = nearest_window(sites, query, geometry=door.geometry, rows=rows)
    elif spatial and not part:
        sites = first_rows_window(sites, rows)
    near = query.near is not None
    # Annotated, then named: modeltranslation's values() given expressions only selects every
    # field besides them.
    columns = _columns(door, sites, near)
    page = sites.annotate(**columns).values(*columns)[offset:rows]
    inner, params = page.query.sql_with_params()
    language = _language()
    sql = FEATURE_SQL.format(
        precision=7 if door.exact else 6,
        properties=_properties_sql(door, near, language, distance),
        page=inner,
    )
    return sql, tuple(params)


def box_first(query: SiteQuery, rows: int) -> bool:
    """Whether a page of `rows` rows of `query` reads its box's (or area's) sites first and
    sorts them, or walks its order's index keeping those in the box (registry/density.py).
    By the number of public points in the box, not its size: the sparse steppe box
    70,48,71.5,49 (1,576 sites at 1M) walked 72,000 index entries for its 101 rows, an empty
    box the whole register. A text search and a `distance` keep their own rule
    (`spatial_first`); so does a box with a small `distance`."""
    extents = [query.bbox] if query.bbox is not None else []
    if query.area is not None:
        extents.append(query.area.extent)
    if not extents or query.text or query.ordering not in ORDERINGS:
        return spatial_first(query)
    if query.distance_m is not None and query.distance_m <= SPATIAL_FIRST_MAX_M:
        return True
    return any(density.box_first(extent, rows) for extent in extents)


def _language() -> str:
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _shape(query: SiteQuery, after: str | None) -> tuple[SiteQuery, dict, dict]:
    """`query` with its bound values replaced by sentinels, the sentinel of each bound value's
    name, and the values to bind. A sentinel keeps the query's plan: a small box stays small."""
    sentinels, values, changes = {}, {}, {}
    if query.bbox is not None:
        west, south, east, north = query.bbox
        small = (east - west) * (north - south) <= SPATIAL_FIRST_MAX_DEG2
        box = SMALL_BOX if small else BIG_BOX
        changes["bbox"] = box
        for name, sentinel, value in zip(BOX_NAMES, box, query.bbox, strict=True):
            sentinels[name], values[name] = sentinel, float(value)
    if query.near is not None:
        changes["near"] = NEAR
        for name, sentinel, value in zip(("lon", "lat"), NEAR, query.near, strict=True):
            sentinels[name], values[name] = sentinel, float(value)
    if query.distance_m is not None:
        small = query.distance_m <= SPATIAL_FIRST_MAX_M
        changes["distance_m"] = SMALL_DISTANCE if small else BIG_DISTANCE
        sentinels["distance"], values["distance"] = changes["distance_m"], query.distance_m
    if after is not None:
        sentinels["after"], values["after"] = AFTER, after
    if query.text:
        readings = search_variants(query.text)
        changes["text"] = sentinel = TEXTS[len(readings)]
        sentinels["key"], values["key"] = search_key(sentinel), search_key(query.text)
        for i, (mark, value) in enumerate(zip(search_variants(sentinel), readings, strict=True)):
            sentinels[f"text{i}"], values[f"text{i}"] = mark, value
    return replace(query, **changes), sentinels, values


def _count_sql(door: Door, query: SiteQuery) -> tuple[str, tuple]:
    sites = sites_filter(door.sites, query, geometry=door.geometry).order_by().values("pk")
    inner, params = sites.query.sql_with_params()
    return f"SELECT count(*) FROM ({inner}) c", tuple(params)


@functools.lru_cache(maxsize=STATEMENTS_CACHED)
def _public_statement(shape: SiteQuery, sentinels: tuple, language: str, page: tuple | None):
    """The public door's statement for a query shape: a page (`page` = limit, offset, whether
    a keyset cursor is bound, whether features carry `distance_m`, part), or the count
    (None)."""
    with translation.override(language):
        if page is None:
            sql, params = _count_sql(public_door(), shape)
        else:
            limit, offset, keyset, distance, part, spatial = page
            sql, params = _page_sql(
                public_door(), shape, limit=limit, offset=offset,
                after=AFTER if keyset else None, distance=distance, part=part, spatial=spatial,
            )  # fmt: skip
    by_value = {value: name for name, value in sentinels}
    slots = tuple(
        (index, by_value[param])
        for index, param in enumerate(params)
        if type(param) in (float, str) and param in by_value
    )
    return Statement(sql, params, slots)


def statement_for(
    door: Door,
    query: SiteQuery,
    *,
    page: tuple[int, int, str | None, bool] | None,
    part: str = "",
) -> tuple[str, list, str]:
    """(SQL, parameters, database) of a page (`page` = limit, offset, keyset cursor's key,
    `distance_m` or not; `part` of a relevance order, see `sites_filter`) or of the count
    (`page` None). Compiled once per shape for the public door (the searched text is a bound
    value too); full records (a per-user queryset) and areas (a polygon is not a bound value)
    are compiled each time. A page of a box or area reads the box first or walks its order's
    index as `box_first` says."""
    spatial = None if page is None else box_first(query, page[0] + page[1] + 1)
    if door.exact or query.area is not None:
        if page is None:
            sql, params = _count_sql(door, query)
        else:
            limit, offset, after, distance = page
            sql, params = _page_sql(
                door, query, limit=limit, offset=offset, after=after, distance=distance,
                part=part, spatial=spatial,
            )  # fmt: skip
        return sql, list(params), door.sites.db
    after = page[2] if page else None
    shape, sentinels, values = _shape(query, after)
    key = None if page is None else (page[0], page[1], after is not None, page[3], part, spatial)
    statement = _public_statement(shape, tuple(sentinels.items()), _language(), key)
    return statement.sql, statement.bind(values), router.db_for_read(PublicSite)


@functools.lru_cache(maxsize=STATEMENTS_CACHED)
def _compiled(build, shape: SiteQuery, sentinels: tuple, language: str) -> Statement:
    with translation.override(language):
        sql, params = build(shape, **{name: value for name, value in sentinels if name in EXTRA})
    by_value = {value: name for name, value in sentinels}
    slots = tuple(
        (index, by_value[param])
        for index, param in enumerate(params)
        if type(param) in (float, str) and param in by_value
    )
    return Statement(sql, tuple(params), slots)


# Values other surfaces bind besides the query's own: each one's sentinel.
EXTRA = {"number": NUMBER}


def compiled(build, query: SiteQuery, **extra) -> tuple[str, list]:
    """(SQL, parameters) of `build(query, **extra)`, a public statement compiled once per query
    shape and language like the API's pages. `build` is a module-level function returning
    (SQL, parameters) for a query whose bound values are sentinels; `extra` names values of
    `EXTRA` (e.g. `number`) it also binds, each given to `build` as its sentinel."""
    shape, sentinels, values = _shape(query, None)
    for name, value in extra.items():
        sentinels[name], values[name] = EXTRA[name], value
    statement = _compiled(build, shape, tuple(sentinels.items()), _language())
    return statement.sql, statement.bind(values)


# A count of the public map's sites from its pre-aggregated cells (registry/services/
# aggregates.py: every published site with a public point, i.e. S0-S2, one key each, kept in the
# transaction of every write) plus the published sites without a public point (S3), counted by
# their public regions as the view shows them: exactly what the view's count gives, in one
# statement (one snapshot). The coarsest level has a few hundred rows, keyed by the public
# regions' array, so `&&` on it counts each site once however many regions are asked for.
CELLS_COUNT_SQL = f"""
SELECT (SELECT coalesce(sum(n), 0) FROM registry_sitecellcount
        WHERE level = {LEVELS.start} {{where}})
     + (SELECT count(*) FROM registry_public_site WHERE public_location IS NULL {{where}})
"""
BY_REGION = "AND region_ids && %s::bigint[]"
UNFILTERED = SiteQuery()


def counted_by_cells(door: Door, query: SiteQuery) -> bool:
    """Whether the map's cell counts answer this count exactly: the public projection
    (any door without exact locations reads it), filtered by region or not at all."""
    shape = replace(query, region_ids=(), ordering=UNFILTERED.ordering)
    return not door.exact and shape == UNFILTERED


def count(door: Door, query: SiteQuery) -> int:
    if counted_by_cells(door, query):
        where = BY_REGION if query.region_ids else ""
        params = [list(query.region_ids)] * 2 if query.region_ids else []
        with connections[router.db_for_read(PublicSite)].cursor() as cursor:
            cursor.execute(CELLS_COUNT_SQL.format(where=where), params)
            return cursor.fetchone()[0]
    sql, params, using = statement_for(door, query, page=None)
    ((number,),) = limits.read(using, sql, params)  # with a waiting rate-limit hit
    return number


def _knn_rows(using: str, sql: str, params: list) -> list[tuple]:
    """The rows of a name-match page, read by the document index's KNN scan whatever the
    planner would prefer.

    Its order among equal ranks is the scan's, the same for every page only if every page is
    read by that scan. Left to itself, the planner reads a deep page (past its estimate of the
    matches: about 1 % of the table for any word, since the key is computed in the statement)
    or a small register's pages by fetching every match and sorting by rank, whose order among
    equals is another (and changes with the page's size: a bounded heap, or a quicksort).
    Without a sort to choose, it takes the scan.

    One round trip: the setting and the page are sent as one query text (with the rate-limit
    hit, if one waits), which PostgreSQL runs as one implicit transaction, planning each
    statement after the one before has run; SET LOCAL ends with it. Inside a caller's
    transaction (a test, an atomic block) it would outlive the page, so it is reset after."""
    reset = f";\n{KNN_RESET_SQL}" if connections[using].in_atomic_block else ""
    return limits.read(using, f"{KNN_ONLY_SQL};\n{sql}{reset}", params)


def page(
    door: Door,
    query: SiteQuery,
    *,
    limit: int,
    offset: int = 0,
    after: str | None = None,
    distance: bool = True,
    part: str = "",
) -> Page:
    """`limit` features from `offset` (or after the key `after`), and whether there are more
    (`part`: of a relevance order, see `sites_filter`)."""
    page = (limit, offset, after, distance)
    sql, params, using = statement_for(door, query, page=page, part=part)
    # With an early path's rate-limit hit, if one waits (heritage/limits.py).
    read = _knn_rows if part == NAMES else limits.read
    rows = read(using, sql, params)
    more = len(rows) > limit
    rows = rows[:limit]
    next_key = None
    if more:  # asked for no row (`limit` 0), a page says only whether there is one
        next_key = rows[-1][0] if rows else ""
    return Page([text for _, text in rows], next_key)


# A single record (the API's site detail) adds these to the list feature's properties; full
# records (regional staff, exact-location grants) add the boundary and threats too.
# `dating_note` is the active language's note, with modeltranslation's fallback (as `name`).
DETAIL = [
    "description_kk", "description_ru", "description_en", "alt_names", "dating_note",
    "dating_note_kk", "dating_note_ru", "dating_note_en", "unesco_id", "wikidata_id",
    "published_at",
]  # fmt: skip
TRANSLATED_DETAIL = ["dating_note"]
EXACT_DETAIL = ["boundary", "threats"]


# A record's publication time in the project's time zone, and that zone's offset from UTC
# then (seconds), each written once beside the record (not in each place `_datetime_sql` uses
# them): the public record's statement with its rate-limit hit then stays within the 4,096
# bytes psycopg keeps parsed (parsing it again took about 20 µs of each request).
RECORD_TIME_SQL = """
CROSS JOIN LATERAL (SELECT p."f_published_at" AT TIME ZONE {zone} AS l_time,
  extract(epoch FROM (p."f_published_at" AT TIME ZONE {zone})
                     - (p."f_published_at" AT TIME ZONE 'UTC'))::int AS l_offset) t"""


def _datetime_sql(column: str, local: str, offset: str) -> str:
    """A date-time as DRF renders it: ISO 8601 in the project's time zone (`local`, whose
    offset from UTC is `offset` seconds), microseconds only when there are some, "Z" for UTC."""
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE "
        f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN date_part('microseconds', {column})::bigint %% 1000000 = 0 THEN '' "
        f"ELSE to_char({local}, '.US') END || "
        f"CASE WHEN {offset} = 0 THEN 'Z' ELSE "
        f"CASE WHEN {offset} < 0 THEN '-' ELSE '+' END || "
        f"lpad((abs({offset}) / 3600)::text, 2, '0') || ':' || "
        f"lpad((abs({offset}) %% 3600 / 60)::text, 2, '0') END END"
    )


def _record_sql(door: Door, lookup: Q, *, ordered: bool = True) -> tuple[str, tuple]:
    """`ordered`: the first of several matches by the door's order (a staff look-up may match
    a draft reference and a former number); False when `lookup` matches one row at most."""
    sites = door.sites.filter(lookup)
    if not ordered:
        sites = sites.order_by()
    detail = DETAIL + (EXACT_DETAIL if door.exact else [])
    read = [name for name in detail if name not in TRANSLATED_DETAIL]
    columns = _columns(door, sites, near=False) | {f"f_{name}": F(name) for name in read}
    inner, params = sites.annotate(**columns).values(*columns)[:1].query.sql_with_params()
    language = _language()
    values = {name: f'p."f_{name}"' for name in detail}
    for name in TRANSLATED_DETAIL:  # none in any language: the field's default, ""
        values[name] = f"coalesce({_translated_sql(name, language)}, '')"
    values["published_at"] = _datetime_sql(values["published_at"], "t.l_time", "t.l_offset")
    if door.exact:
        values["boundary"] = f"ST_AsGeoJSON({values['boundary']}, 7)::json"
    properties = _properties_sql(door, False, language, distance=False)
    properties += "".join(f", {_literal(name)}, {sql}" for name, sql in values.items())
    precision = 7 if door.exact else 6
    sql = FEATURE_SQL.format(precision=precision, properties=properties, page=inner)
    sql += RECORD_TIME_SQL.format(zone=_literal(settings.TIME_ZONE))
    return sql, tuple(params)


@functools.lru_cache(maxsize=len(settings.LANGUAGES))
def _public_record_statement(language: str) -> Statement:
    with translation.override(language):
        # A registry number names one published site: no order to choose among matches.
        sql, params = _record_sql(public_door(), Q(registry_number=NUMBER), ordered=False)
    return Statement(sql, params, tuple((i, "number") for i, p in enumerate(params) if p == NUMBER))


def record(door: Door, number: str) -> str | None:
    """One site's GeoJSON feature text (the list feature and `DETAIL`), or None if `door`
    has no such site. Regional staff may name a draft by its draft reference or a site by its
    former number; everyone else by its registry number only. The public door's statement is
    compiled once per language."""
    if door.exact:
        lookup = staff_number_lookup(number) if door.staff else Q(registry_number=number)
        sql, params = _record_sql(door, lookup)
        params, using = list(params), door.sites.db
    else:
        statement = _public_record_statement(_language())
        sql, params = statement.sql, statement.bind({"number": number})
        using = router.db_for_read(PublicSite)
    rows = limits.read(using, sql, params)  # with a waiting rate-limit hit (heritage/limits.py)
    return rows[0][1] if rows else None


JSON_TYPES = {
    exchange.TEXT: "string", exchange.CHOICE: "string", exchange.INT: "integer",
    exchange.BOOL: "boolean", exchange.DATE: "string",
}  # fmt: skip


def _property_schema(column: exchange.Column) -> dict:
    schema = {"type": JSON_TYPES[column.type], "nullable": True}
    if column.name == "location_generalisation":
        schema["enum"] = [*GENERALISATION.values(), None]
        return schema
    field = next((f for f in PublicSite._meta.fields if f.name == column.field), None)
    if field is not None and field.choices and not field.is_relation:
        blank = [""] if field.blank else []  # a choice field left empty holds ""
        schema["enum"] = [*(value for value, _ in field.choices), *blank, None]
    return schema


def feature_schema(*, distance: bool) -> dict:
    """The public list feature as an OpenAPI 3.0 schema, from the same listed columns the
    statements build it from (OGC API's OpenAPI document)."""
    properties = {"name": {"type": "string", "nullable": True}}
    for c in listed_columns(exact=False, staff=False):
        if c.name != "registry_number":  # the feature's id
            properties[c.name] = _property_schema(c)
    if distance:
        properties["distance_m"] = {"type": "number", "nullable": True, "minimum": 0}
    point = {
        "type": "object",
        "nullable": True,
        "properties": {
            "type": {"type": "string", "enum": ["Point"]},
            "coordinates": {"type": "array", "items": {"type": "number"}},
        },
    }
    return {
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": point,
            "properties": {"type": "object", "properties": properties},
        },
    }
