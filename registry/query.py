"""One site query: every filter declared once (`FILTERS`) and one parser (`query_parse`) that
turns request parameters into a `SiteQuery` for the API, OGC API, the map's tiles and in-view
list, and exports. A new filter is one `Param` here (and a field of `SiteQuery` with its
lookup in `registry/search.py`); the OpenAPI documents are generated from the same `Param`s.

Plain Python on purpose: a public read is meant to cost about 1 ms of Django, and DRF's
parameter serializer deep-copied its fields on every request (bench/query_parse.py). The spec
is built once, at import; parsing a request makes no copy of it.

Rules every surface shares (they used to differ between the API and the map):
- An empty value is no value (`?date_from=` does not filter), as a form left blank.
- A parameter given several times: lists (codes) take every value, each value may hold
  several codes separated by commas; any other parameter takes the last value.
- A bbox may have no width or no height: it is then a line or a point, and finds the sites
  whose public point lies exactly on it (for example every site of one generalised square,
  by its centre). The API and OGC API always accepted it and clients may depend on it; it
  reveals nothing, since only public points are compared; refusing it would be a breaking
  change for no safety gained. The map never asks for one.
- Numbers are finite; years lie within the model's own validators (`HeritageSite.date_from`).
- Region, district and typology codes must exist; unknown ones are refused, never ignored
  (ignoring one would widen the query).
- Every error names its parameter as the client spelled it (`year_from`, the map's name for
  `date_from`, included).
"""

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _

from registry.codes import UnknownCodes, code_ids
from registry.geojson import WKT_MAX_CHARS, area_from_geojson, area_from_wkt, lonlat_from_text
from registry.models import HeritageSite
from registry.models.sites import Category, Condition, Significance, Status
from registry.search import ORDERINGS, RELEVANCE, SiteQuery

# Kinds of parameter (each has a reader in READERS and a schema in `param_schema`).
CODES = "codes"  # codes from a fixed list (choices)
LOOKUP = "lookup"  # codes of a table (regions, districts, typologies), read as ids
INT = "int"  # a whole number in [minimum, maximum] (years: the model's bounds)
NUMBER = "number"  # a finite number in [minimum, maximum]
BBOX = "bbox"  # min lon, min lat, max lon, max lat
WKT = "wkt"  # a WKT (Multi)Polygon in lon/lat
GEOJSON = "geojson"  # a GeoJSON (Multi)Polygon object (JSON bodies only)
POINT = "point"  # lon,lat
TEXT = "text"
CHOICE = "choice"  # one value of `choices`

MAX_PAGE = 1000
MAX_DISTANCE_M = 1_000_000  # 1,000 km: more than that is "everything"
MAX_CODES = 50
MAX_CODE_CHARS = 40
NUMBER_TEXT = r"-?\d+(\.\d+)?"  # what the documents promise; the parser also takes 1e3
BBOX_PATTERN = rf"^{NUMBER_TEXT},{NUMBER_TEXT},{NUMBER_TEXT},{NUMBER_TEXT}$"
POINT_PATTERN = rf"^{NUMBER_TEXT},{NUMBER_TEXT}$"
WHOLE = re.compile(r"^[-+]?\d{1,12}$")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    help: str
    target: str = ""  # the SiteQuery field it sets ("" for a surface's own parameters)
    choices: tuple[str, ...] = ()  # CODES, CHOICE
    table: str = ""  # LOOKUP: a key of CODE_TABLES
    minimum: float | None = None  # INT, NUMBER
    maximum: float | None = None
    min_length: int = 0  # TEXT
    max_length: int = 200  # any text read
    pattern: str = ""  # TEXT: a regular expression the whole value must match
    default: object = None
    staff_only: bool = False
    body_only: bool = False  # a JSON body's (a GeoJSON object cannot travel in a query)
    aliases: tuple[str, ...] = ()  # other names read the same (none documented)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class QueryError(Exception):
    """Bad parameters: {parameter as given: [message, ...]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class _Bad(Exception):
    """One parameter's problem (a message), raised by a reader."""


def _model_limits(field: str) -> tuple[int, int]:
    """The tightest bounds a model field's validators set (its own and the column's)."""
    validators = HeritageSite._meta.get_field(field).validators
    low = max(v.limit_value for v in validators if isinstance(v, MinValueValidator))
    high = min(v.limit_value for v in validators if isinstance(v, MaxValueValidator))
    return low, high


YEAR_MIN, YEAR_MAX = _model_limits("date_from")
YEAR_HELP = "year, BCE < 0; a site dated [from, to] is found if its period overlaps"

# fmt: off
FILTERS: tuple[Param, ...] = (
    Param("bbox", BBOX, "min lon, min lat, max lon, max lat (WGS84), e.g. 76.8,43.2,77.0,43.3; "
          "a box of no width or height is a line or a point", target="bbox"),
    Param("geometry", WKT, "WKT POLYGON or MULTIPOLYGON in lon/lat; larger areas: POST "
          "/sites/search/ with `area`", target="area", max_length=WKT_MAX_CHARS),
    Param("area", GEOJSON, "GeoJSON Polygon or MultiPolygon (lon/lat)", target="area",
          body_only=True),
    Param("region", LOOKUP, "region codes (KZ75...), several allowed", target="region_ids",
          table="region"),
    Param("district", LOOKUP, "district codes (KZ7501...), several allowed",
          target="district_ids", table="district"),
    Param("near", POINT, "lon,lat", target="near", max_length=60),
    Param("distance", NUMBER, "metres from `near` (on the spheroid)", target="distance_m",
          minimum=0, maximum=MAX_DISTANCE_M),
    Param("category", CODES, "categories, several allowed", target="categories",
          choices=tuple(Category.values)),
    Param("typology", LOOKUP, "typology codes (mausoleum, kurgan...)", target="typology_ids",
          table="typology"),
    Param("significance", CODES, "significances, several allowed", target="significances",
          choices=tuple(Significance.values)),
    Param("condition", CODES, "conditions, several allowed", target="conditions",
          choices=tuple(Condition.values)),
    Param("status", CODES, "staff only", target="statuses", choices=tuple(Status.values),
          staff_only=True),
    Param("date_from", INT, YEAR_HELP, target="date_from", minimum=YEAR_MIN, maximum=YEAR_MAX,
          aliases=("year_from",)),
    Param("date_to", INT, YEAR_HELP, target="date_to", minimum=YEAR_MIN, maximum=YEAR_MAX,
          aliases=("year_to",)),
    Param("q", TEXT, "text in kk/ru/en names and descriptions; typo-tolerant; Latin finds "
          "Cyrillic; best match first (names, then sites only a description matches) unless "
          "`ordering` is given", target="text", min_length=2, max_length=200),
    Param("ordering", CHOICE, "order of the sites (`distance` needs `near`, `relevance` `q`; "
          "with `q` the default is `relevance`)", target="ordering",
          choices=(*ORDERINGS, "distance", RELEVANCE), default="registry_number"),
)
PAGING: tuple[Param, ...] = (
    Param("limit", INT, "page size", minimum=1, maximum=MAX_PAGE, default=100),
    Param("cursor", TEXT, "from `next`", max_length=500),
)
# fmt: on
QUERY_FILTERS = tuple(p for p in FILTERS if not p.body_only)


def spec_of(*names: str, spec: tuple[Param, ...] = FILTERS) -> tuple[Param, ...]:
    """The `Param`s of `spec` named, in the spec's order (a surface's own set, at import)."""
    unknown = set(names) - {p.name for p in spec}
    assert not unknown, unknown
    return tuple(p for p in spec if p.name in names)


def spec_without(*names: str, spec: tuple[Param, ...] = QUERY_FILTERS) -> tuple[Param, ...]:
    return tuple(p for p in spec if p.name not in names)


def names_of(*specs: Iterable[Param]) -> frozenset[str]:
    """Every name (aliases too) a surface accepts: anything else is an unknown parameter."""
    return frozenset(name for spec in specs for p in spec for name in p.names)


# ---- reading one parameter ----


def _number(text: str) -> float:
    if "_" in text:  # float() takes "1_000"; nobody means it
        raise ValueError(text)
    return float(text)


def _text(param: Param, raw: object) -> str:
    if not isinstance(raw, str):
        raise _Bad(_("Must be text."))
    if "\x00" in raw:
        raise _Bad(_("NUL characters are not accepted."))
    if len(raw) > param.max_length:
        raise _Bad(_("At most %(count)s characters.") % {"count": param.max_length})
    return raw


def _read_codes(param: Param, raw: object) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    codes = []
    for item in items:
        text = _text(param, item) if isinstance(item, str) else None
        if text is None:
            raise _Bad(_("Give codes as text, several separated by commas."))
        codes += [part.strip() for part in text.split(",") if part.strip()]
    if len(codes) > MAX_CODES:
        raise _Bad(_("At most %(count)s codes.") % {"count": MAX_CODES})
    if any(len(code) > MAX_CODE_CHARS for code in codes):
        raise _Bad(_("A code has at most %(count)s characters.") % {"count": MAX_CODE_CHARS})
    if param.choices:
        wrong = [code for code in codes if code not in param.choices]
        if wrong:
            raise _Bad(
                _("Not a choice: %(values)s (choose from %(choices)s).")
                % {"values": ", ".join(wrong[:5]), "choices": ", ".join(param.choices)}
            )
    return tuple(sorted(set(codes)))


def _in_range(param: Param, value: float) -> None:
    if (param.minimum is not None and value < param.minimum) or (
        param.maximum is not None and value > param.maximum
    ):
        if param.maximum is None:
            raise _Bad(_("Must be at least %(minimum)s.") % {"minimum": param.minimum})
        raise _Bad(
            _("Must be between %(minimum)s and %(maximum)s.")
            % {"minimum": param.minimum, "maximum": param.maximum}
        )


def _read_int(param: Param, raw: object) -> int:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and WHOLE.match(raw.strip()):
        raw = int(raw.strip())
    if not isinstance(raw, int) or isinstance(raw, bool):
        raise _Bad(_("Must be a whole number."))
    _in_range(param, raw)
    return raw


def _read_number(param: Param, raw: object) -> float:
    try:
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise ValueError(raw)
        value = _number(_text(param, raw)) if isinstance(raw, str) else float(raw)
    except ValueError:
        raise _Bad(_("Must be a number.")) from None
    if not math.isfinite(value):
        raise _Bad(_("Must be a finite number (no NaN or infinity)."))
    _in_range(param, value)
    return value


def _read_bbox(param: Param, raw: object) -> tuple[float, float, float, float]:
    parts = _text(param, raw).split(",")
    try:
        if len(parts) != 4:
            raise ValueError(raw)
        west, south, east, north = (_number(part) for part in parts)
    except ValueError:
        raise _Bad(_("Give four numbers: west,south,east,north (degrees).")) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise _Bad(_("The numbers must be finite."))
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise _Bad(_("Longitudes must be between -180 and 180."))
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        raise _Bad(_("Latitudes must be between -90 and 90."))
    if west > east or south > north:
        raise _Bad(_("West must not exceed east, nor south north."))
    return west, south, east, north


def _geometry_reader(read: Callable) -> Callable:
    """A reader from `registry.geojson` (ValidationError keyed by field) as a _Bad."""

    def reader(param: Param, raw: object):
        try:
            return read(param, raw)
        except ValidationError as exc:
            raise _Bad(" ".join(exc.messages)) from None

    return reader


def _read_choice(param: Param, raw: object) -> str:
    value = _text(param, raw)
    if value not in param.choices:
        raise _Bad(
            _("Not a choice: %(values)s (choose from %(choices)s).")
            % {"values": value[:40], "choices": ", ".join(param.choices)}
        )
    return value


def _read_text(param: Param, raw: object) -> str:
    value = _text(param, raw).strip()
    if len(value) < param.min_length:
        raise _Bad(_("At least %(count)s characters.") % {"count": param.min_length})
    if param.pattern and not re.fullmatch(param.pattern, value):
        raise _Bad(_("Not in the expected form (%(pattern)s).") % {"pattern": param.pattern})
    return value


READERS: dict[str, Callable[[Param, object], object]] = {
    CODES: _read_codes,
    LOOKUP: _read_codes,
    INT: _read_int,
    NUMBER: _read_number,
    BBOX: _read_bbox,
    WKT: _geometry_reader(lambda p, raw: area_from_wkt(_text(p, raw), field=p.name)),
    GEOJSON: _geometry_reader(lambda p, raw: area_from_geojson(raw, field=p.name)),
    # (lon, lat), not a Point: a query is hashed as a statement key (registry/features.py),
    # and hashing a GEOS point costs about 50 library calls (checking one, about 40).
    POINT: _geometry_reader(lambda p, raw: lonlat_from_text(_text(p, raw), field=p.name)),
    TEXT: _read_text,
    CHOICE: _read_choice,
}
MANY = frozenset({CODES, LOOKUP})


def _raw(data: Mapping, name: str, many: bool) -> object:
    """The value of `name` in a QueryDict (every value of a list, else the last) or a parsed
    JSON body; None when absent or empty."""
    if hasattr(data, "getlist"):
        values = [v for v in data.getlist(name) if v != ""]
        if not values:
            return None
        return values if many else values[-1]
    value = data.get(name)
    return None if value in ("", [], None) else value


def _given(data: Mapping, param: Param) -> tuple[str, object]:
    """(the name the client used, its raw value); (name, None) if absent. Two names of one
    parameter at once are refused (reported on the second)."""
    many = param.kind in MANY
    found = [(name, raw) for name in param.names if (raw := _raw(data, name, many)) is not None]
    if len(found) > 1:
        first, second = found[0][0], found[1][0]
        raise QueryError(
            {second: [_("Give %(a)s or %(b)s, not both.") % {"a": first, "b": second}]}
        )
    return found[0] if found else (param.name, None)


# ---- the whole query ----


def params_parse(
    data: Mapping, spec: Iterable[Param], *, staff: bool = False
) -> tuple[dict[str, object], dict[str, str], dict[str, list[str]]]:
    """Every parameter of `spec` read from `data`: (values by canonical name, the name each
    was given under, errors by the name given). Absent parameters take their default."""
    values: dict[str, object] = {}
    given: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for param in spec:
        try:
            name, raw = _given(data, param)
        except QueryError as exc:
            errors.update(exc.errors)
            continue
        if raw is None:
            if param.default is not None:
                values[param.name] = param.default
            continue
        given[param.name] = name
        if param.staff_only and not staff:
            errors[name] = [_("Only staff may filter by %(name)s.") % {"name": name}]
            continue
        try:
            values[param.name] = READERS[param.kind](param, raw)
        except _Bad as exc:
            errors[name] = [str(exc.args[0])]
    return values, given, errors


def _agreement(values: dict, given: dict) -> dict[str, list[str]]:
    """What one parameter says about another."""
    errors: dict[str, list[str]] = {}
    if "distance" in values and "near" not in values:
        errors["distance"] = [_("Needs near (lon,lat).")]
    if values.get("ordering") == "distance" and "near" not in values:
        errors["ordering"] = [_("Ordering by distance needs near (lon,lat).")]
    if values.get("ordering") == RELEVANCE and "q" not in values:
        errors["ordering"] = [_("Ordering by relevance needs q (a text to search).")]
    start, end = values.get("date_from"), values.get("date_to")
    if start is not None and end is not None and start > end:
        errors[given["date_from"]] = [_("The period must start before it ends.")]
    if "geometry" in values and "area" in values:
        errors["area"] = [_("Give geometry or area, not both.")]
    return errors


def query_parse(
    data: Mapping,
    *,
    staff: bool = False,
    spec: tuple[Param, ...] = QUERY_FILTERS,
    extra: tuple[Param, ...] = (),
) -> tuple[SiteQuery, dict[str, object]]:
    """The one parser: request parameters (a QueryDict, or a parsed JSON body) -> the
    `SiteQuery` of the filters in `spec`, and the values of a surface's own parameters
    (`extra`: limit, cursor...). Raises QueryError naming every bad parameter.

    `staff`: may filter by status (drafts are theirs to see). Codes become ids through a
    per-process cache (registry/codes.py): no query for a known code."""
    values, given, errors = params_parse(data, spec + extra, staff=staff)
    if not errors:
        errors = _agreement(values, given)
    if not errors:
        for param in spec:
            if param.kind == LOOKUP and param.name in values:
                try:
                    values[param.name] = code_ids(param.table, values[param.name])
                except UnknownCodes as exc:
                    errors[given[param.name]] = [
                        _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(exc.codes[:5])}
                    ]
    if errors:
        raise QueryError(errors)
    query = SiteQuery(**{p.target: values[p.name] for p in spec if p.name in values})
    if query.text and "ordering" not in given:  # a search lists its best matches first
        query = replace(query, ordering=RELEVANCE)
    return query, {p.name: values.get(p.name) for p in extra}


def site_query_parse(
    data: Mapping, *, staff: bool = False, spec: tuple[Param, ...] = QUERY_FILTERS
) -> SiteQuery:
    """`query_parse` for a surface with no parameters of its own."""
    return query_parse(data, staff=staff, spec=spec)[0]


def query_key(query: SiteQuery) -> str:
    """Text naming what `query` asks, the same for equal queries (tile ETags, caches): the
    parser sorts codes and ids, so the order they were given in does not matter."""
    parts = []
    for f in fields(SiteQuery):
        value = getattr(query, f.name)
        if value != f.default:
            parts.append(f"{f.name}={getattr(value, 'ewkt', value)}")
    return "|".join(parts)
