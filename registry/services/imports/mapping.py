"""Column mapping: a file's own column names -> the fields the importer reads (its targets).

A mapping is {the file's column: a target, or None for "do not import"}. It renames a row's
columns as the file is read (`rename`, called by the readers for every format), so no check
sees the file's own names. Columns a mapping does not name keep the importer's rules (Mura's
exchange names and aliases, else "unknown column"); columns mapped to nothing are listed in
the report's notes, never dropped silently. A file's column is matched by its name, trimmed,
regardless of case.

`suggest` proposes a target per column from its name (normalised, with English, Russian and
Kazakh synonyms, and the names of UNESCO's own list: id_no, name_en, date_inscribed...) and,
where the name says nothing, from its values (the script of a text, numbers within ±180/±90,
WKT, Wikidata ids, whole years, codes of a Mura choice). The officer sees every suggestion and
its reason on the import page and may change it; two columns are never suggested one target.
"""

import re
import unicodedata
from collections.abc import Sequence

from django.contrib.gis.geometry import wkt_regex
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import exchange
from registry.models import Designation, HeritageSite
from registry.services.imports import acts
from registry.services.imports.columns import ALIASES, GEOMETRY_COLUMNS, NAMES
from registry.services.imports.report import ImportRefused, Problem

Mapping = dict[str, str | None]

GEOMETRY_TARGETS = {
    "lon": gettext_lazy("Longitude (x), degrees or metres of the srid"),
    "lat": gettext_lazy("Latitude (y), degrees or metres of the srid"),
    "wkt": gettext_lazy("Geometry as WKT (point or polygon)"),
    "srid": gettext_lazy("EPSG code of lon/lat or WKT (default 4326)"),
}


def _site_label(field: str):
    verbose = HeritageSite._meta.get_field(field).verbose_name
    return format_lazy("{} ({})", capfirst(verbose), field)


def _targets() -> dict:
    """Every field the importer reads, in the exchange columns' order, with a label."""
    fields = dict.fromkeys(c.field for c in exchange.COLUMNS if c.on_import != exchange.DERIVED)
    return {f: _site_label(f) for f in fields} | GEOMETRY_TARGETS | acts.TARGETS


TARGETS = _targets()


class MappingError(ImportRefused):
    """A mapping that cannot be used (unknown target, two columns on one): no row was read."""


def normalise(name: str) -> str:
    """A column name compared: NFKC, case-folded, spaces, dashes, dots as `_`."""
    text = unicodedata.normalize("NFKC", str(name)).casefold().strip()
    return re.sub(r"[\s\-./:]+", "_", text).strip("_")


def _key(column: str) -> str:
    return str(column).strip().casefold()


def mapping_check(mapping: Mapping) -> None:
    """MappingError naming the column: an unknown target, one column twice, one target twice."""
    seen, taken = set(), {}
    for column, target in mapping.items():
        if _key(column) in seen:
            raise MappingError(_("column “%(column)s” is mapped twice.") % {"column": column})
        seen.add(_key(column))
        if not target:
            continue
        if target not in TARGETS:
            raise MappingError(_(
                "column “%(column)s”: unknown field “%(target)s” (fields: %(fields)s)."
            ) % {"column": column, "target": target, "fields": ", ".join(TARGETS)})  # fmt: skip
        if target in taken:
            raise MappingError(_(
                "columns “%(first)s” and “%(second)s” are both mapped to %(target)s:"
                " map one of them to nothing."
            ) % {"first": taken[target], "second": column, "target": target})  # fmt: skip
        taken[target] = column


def parse_map(text: str) -> Mapping:
    """`src=dst,src2=,...` (the command's --map): `src=` means "do not import". A column name
    may not hold a comma; it may hold `=` (the last one separates)."""
    mapping: Mapping = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        column, equals, target = item.rpartition("=")
        if not equals or not column.strip():
            raise MappingError(_(
                "“%(item)s”: write column=field, or column= to leave a column out."
            ) % {"item": item})  # fmt: skip
        if _key(column) in {_key(c) for c in mapping}:
            raise MappingError(_("column “%(column)s” is mapped twice.") % {"column": column})
        mapping[column.strip()] = target.strip() or None
    mapping_check(mapping)
    return mapping


def rename(header: Sequence[str], mapping: Mapping | None) -> tuple[list[str | None], list]:
    """(each column's field, None for one mapped to nothing; notes for the report).

    Without a mapping a column's field is its exchange name (ALIASES), else its own name. Two
    columns that reach one field because of the mapping refuse the file, naming both."""
    given = {_key(c): t for c, t in (mapping or {}).items()}
    fields, ignored, came_from = [], [], {}
    for raw in header:
        name = str(raw).strip()
        mapped = _key(name) in given
        field = (given[_key(name)] or None) if mapped else _own_name(name)
        if field is None:
            ignored.append(name)
        elif field in came_from and (mapped or came_from[field][1]) and came_from[field][0] != name:
            raise MappingError(_(
                "columns “%(first)s” and “%(second)s” would both be %(target)s:"
                " map one of them to nothing."
            ) % {"first": came_from[field][0], "second": name, "target": field})  # fmt: skip
        else:
            came_from.setdefault(field, (name, mapped))
        fields.append(field)
    notes = []
    if ignored:
        notes.append(Problem(None, ", ".join(ignored), _("not mapped: ignored.")))
    present = {_key(c) for c in header}
    if missing := [c for c in (mapping or {}) if _key(c) not in present]:
        notes.append(Problem(None, ", ".join(missing), _("mapped, but not in the file.")))
    return fields, notes


def _own_name(name: str) -> str:
    """An unmapped column's field: Mura's exchange and geometry names in any case (`LAT`,
    `Name_KK`, `SIGNIF`), else the name as it is (reported as unknown)."""
    lower = name.lower()
    return NAMES.get(lower) or (lower if lower in GEOMETRY_COLUMNS else name)


def columns_named(problems: list[Problem], mapping: Mapping | None) -> None:
    """A problem or note on a mapped field also names the file's column: `name_kk (атауы)`,
    so the officer finds it in the file."""
    columns = {t: c for c, t in (mapping or {}).items() if t and t != c.strip()}
    for problem in problems:
        if problem.field in columns:
            problem.field = f"{problem.field} ({columns[problem.field]})"


# Names (normalised) that say which field a column is.
SYNONYMS = {
    "lat": ("latitude", "y", "широта", "ендік", "lat_dd", "y_coord", "coord_y", "point_y"),
    "lon": ("lng", "long", "longitude", "x", "долгота", "бойлық", "lon_dd", "x_coord",
            "coord_x", "point_x"),
    "wkt": ("wkt_geom", "geometry", "geom", "the_geom", "геометрия"),
    "srid": ("epsg", "crs"),
    "unesco_id": ("unesco", "id_no", "whc_id", "whc_no", "unesco_no", "юнеско"),
    "wikidata_id": ("wikidata", "qid", "wikidata_qid", "wd_id"),
    "unesco_inscribed": ("date_inscribed", "inscribed", "inscription_date", "year_inscribed",
                         "inscription_year", "дата_включения"),
    "unesco_criteria": ("criteria", "criteria_txt", "критерии", "өлшемдер"),
    "date_from": ("year", "date", "year_from", "from_year", "start_year", "date_start", "год",
                  "дата", "жыл", "жылы", "год_постройки"),
    "date_to": ("year_to", "to_year", "end_year", "date_end"),
    "dating_note_kk": ("dating", "датировка", "мерзімі"),
    "category": ("категория", "санат", "санаты"),
    "typology": ("type", "site_type", "тип", "типология", "түрі"),
    "significance": ("значение", "значимость", "маңызы", "level"),
    "period": ("период", "кезең", "кезеңі", "epoch", "эпоха", "дәуір"),
    "condition": ("состояние", "жай_күйі", "state_of_conservation"),
    "alt_names": ("other_names", "alternative_names", "aliases", "другие_названия",
                  "басқа_атаулары"),
    "registry_number": ("reg_no", "registry_no", "учетный_номер", "тізілім_нөмірі"),
    "act_number": ("номер_акта", "decree_number"),
    "act_date": ("дата_акта", "decree_date"),
    "act_authority": ("authority", "issued_by", "орган"),
}  # fmt: skip
NAMED = {synonym: target for target, names in SYNONYMS.items() for synonym in names}
# Words for a name or a description in some language; the language comes from a suffix
# (name_kz, название_рус) or, failing that, from the values' script.
NAME_WORDS = {
    "name": "en",
    "title": "en",
    "site_name": "en",
    "site": "en",
    "название": "ru",
    "наименование": "ru",
    "объект": "ru",
    "атауы": "kk",
    "аты": "kk",
    "нысан": "kk",
}
DESCRIPTION_WORDS = {"description": "en", "short_description": "en", "desc": "en",
                     "описание": "ru", "сипаттама": "kk", "сипаттамасы": "kk"}  # fmt: skip
LANGUAGES = {
    "kk": "kk",
    "kz": "kk",
    "kaz": "kk",
    "каз": "kk",
    "қаз": "kk",
    "ru": "ru",
    "rus": "ru",
    "рус": "ru",
    "орыс": "ru",
    "en": "en",
    "eng": "en",
    "англ": "en",
}
CHOICES = {
    name: {str(code).casefold() for code, _label in HeritageSite._meta.get_field(name).choices}
    for name in ("category", "significance", "period", "condition", "sensitivity")
}
CHOICES["act_scheme"] = set(Designation.Scheme.values)

KAZAKH = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z]")
WIKIDATA = re.compile(r"^Q[1-9]\d*$")


def _language_of(values: list[str]) -> str | None:
    """kk if a third of the Cyrillic texts have Kazakh-only letters, else ru; en for Latin."""
    cyrillic = [v for v in values if CYRILLIC.search(v)]
    if cyrillic:
        kazakh = sum(1 for v in cyrillic if KAZAKH & set(v))
        return "kk" if 3 * kazakh >= len(cyrillic) else "ru"
    if any(LATIN.search(v) for v in values):
        return "en"
    return None


def _by_name(column: str) -> str | None:
    name = normalise(column)
    if name in TARGETS:
        return name
    if name in ALIASES:
        return ALIASES[name]
    if name in NAMED:
        return NAMED[name]
    base, _sep, suffix = name.rpartition("_")
    if suffix in LANGUAGES:
        if base in NAME_WORDS:
            return f"name_{LANGUAGES[suffix]}"
        if base in DESCRIPTION_WORDS:
            return f"description_{LANGUAGES[suffix]}"
    return None


def _numbers(values: list[str]) -> list[float] | None:
    try:
        return [float(v.replace(",", ".")) for v in values]
    except ValueError:
        return None


def _by_values(values: list[str]) -> list[str]:
    """Targets the values fit, best first ([] when they say nothing)."""
    if not values:
        return []
    if all(wkt_regex.match(v) for v in values):
        return ["wkt"]
    if all(WIKIDATA.match(v) for v in values):
        return ["wikidata_id"]
    for target, codes in CHOICES.items():
        if all(v.casefold() in codes for v in values):
            return [target]
    numbers = _numbers(values)
    if numbers is not None:
        if all(n.is_integer() and abs(n) >= 100 and -10_000 <= n <= 2100 for n in numbers):
            return ["date_from", "date_to"]
        if not all(n.is_integer() for n in numbers) and all(abs(n) <= 180 for n in numbers):
            return ["lon"] if any(abs(n) > 90 for n in numbers) else ["lat", "lon"]
        return []
    if language := _language_of(values):
        long = max(len(v) for v in values) > 120 or sum(map(len, values)) / len(values) > 60
        return [f"{'description' if long else 'name'}_{language}"]
    return []


WHY_NAME = gettext_lazy("from the name")
WHY_VALUES = gettext_lazy("from the values")
WHY_BOTH = gettext_lazy("from the name and the values")


class _Suggestions:
    """What has been suggested so far: {column: (target, why)}, and who took each target."""

    def __init__(self, columns: Sequence[str], sample_rows: Sequence):
        self.columns = list(columns)
        self.samples = {c: _sample(c, i, sample_rows) for i, c in enumerate(self.columns)}
        self.found: dict[str, tuple[str | None, str]] = {}
        self.taken: dict[str, str] = {}

    def open(self) -> list[str]:
        return [c for c in self.columns if c not in self.found]

    def give(self, column: str, target: str, why) -> None:
        self.found[column], self.taken[target] = (target, str(why)), column

    def by_name(self) -> None:
        """A name that says which field first: it beats any guess from values."""
        for column in self.columns:
            target = _by_name(column)
            if not target:
                continue
            if target in self.taken:
                why = _("%(target)s: already from “%(column)s”")
                self.found[column] = (None, why % {"target": target, "column": self.taken[target]})
            elif wrong := _not_codes(target, self.samples[column]):
                why = _("named like %(target)s, but “%(value)s” is not one of its codes")
                self.found[column] = (None, why % {"target": target, "value": wrong})
            else:
                self.give(column, target, WHY_NAME)

    def by_name_and_values(self) -> None:
        """A word for a name or a description: its language from the values' script."""
        for column in self.open():
            name = normalise(column)
            if word := NAME_WORDS.get(name) or DESCRIPTION_WORDS.get(name):
                kind = "name" if name in NAME_WORDS else "description"
                target = f"{kind}_{_language_of(self.samples[column]) or word}"
                if target not in self.taken:
                    self.give(column, target, WHY_BOTH)

    def coordinates(self) -> None:
        """Two unnamed columns of decimal degrees: the larger values are the longitude, as
        everywhere in Kazakhstan (40.5-55.5 N, 46.5-87.5 E); over 90 can only be a longitude."""
        fits = {c: _by_values(self.samples[c]) for c in self.open()}
        pair = [c for c, targets in fits.items() if {"lat", "lon"} & set(targets)][:2]
        if len(pair) < 2 or {"lon", "lat"} & set(self.taken):
            return
        mean = {c: sum(_numbers(self.samples[c])) / len(self.samples[c]) for c in pair}
        lon, lat = sorted(pair, key=mean.get, reverse=True)
        if fits[lat] != ["lon"]:  # both over 90: not a pair
            self.give(lon, "lon", WHY_VALUES)
            self.give(lat, "lat", WHY_VALUES)

    def by_values(self) -> None:
        for column in self.open():
            free = [t for t in _by_values(self.samples[column]) if t not in self.taken]
            if free:
                self.give(column, free[0], WHY_VALUES)
            else:
                self.found[column] = (None, "")


def suggest(columns: Sequence[str], sample_rows: Sequence) -> dict[str, tuple[str | None, str]]:
    """{column: (a target or None, why)} from the columns' names, then their values.
    `sample_rows`: the first rows, each a list in the columns' order or a dict by column."""
    suggestions = _Suggestions(columns, sample_rows)
    suggestions.by_name()
    suggestions.by_name_and_values()
    suggestions.coordinates()
    suggestions.by_values()
    return {c: suggestions.found[c] for c in suggestions.columns}


def _sample(column: str, index: int, rows: Sequence) -> list[str]:
    values = [row.get(column) if isinstance(row, dict) else row[index] for row in rows]
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def _not_codes(target: str, values: list[str]) -> str | None:
    """A value of a choice column that is not one of its codes (e.g. UNESCO's "Cultural")."""
    codes = CHOICES.get(target)
    return next((v for v in values if v.casefold() not in codes), None) if codes else None
