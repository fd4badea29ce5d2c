"""An export's file name says what was filtered:
`mura-sites-almaty-region-archaeology-2026-12-05.gpkg`.

Regions and districts by their English names (`almaty-region`, `almaty-city`,
`kokshetau-district`), categories and typologies by their codes, the other codes after their
filter's name (`significance-republican`), years as `from-500bce`, `to-1405`, a text search as
`search-<text>`, a map view or an area by what it is (`in-view`, `in-area`, `near`), then the
day. The name (`filename=`) is ASCII only: Kazakh and Russian transliterated; when that lost
letters, the UTF-8 name (RFC 5987 `filename*=`) keeps the text as typed.
"""

import re
from collections.abc import Callable, Iterable
from urllib.parse import quote

from django.utils import timezone

from registry.models import AdminArea
from registry.transliteration import CYRILLIC_TO_LATIN

UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9]+")
UNSAFE_UNICODE = re.compile(r"[\W_]+")  # letters and digits of any script stay
MAX_PART = 40
MAX_NAME = 160  # before the day and the extension
BARE = ("category", "typology")  # values that say what they are
NAMED = ("significance", "condition", "status")
FLAGS = {"bbox": "in-view", "geometry": "in-area", "near": "near"}


def _ascii(value: str) -> str:
    """ASCII letters, digits and single hyphens, lower case: Kazakh and Russian
    transliterated."""
    latin = "".join(CYRILLIC_TO_LATIN.get(c.lower(), c) for c in value)
    latin = latin.translate(str.maketrans("äğıñöūüşçé", "agynouusce"))
    return UNSAFE_ASCII.sub("-", latin).strip("-")[:MAX_PART].strip("-").lower()


def _unicode(value: str) -> str:
    return UNSAFE_UNICODE.sub("-", value).strip("-")[:MAX_PART].strip("-").lower()


def _values(getlist: Callable[[str], list[str]], *names: str) -> list[str]:
    """Every value given (several per parameter, several per value between commas)."""
    return [v.strip() for name in names for raw in getlist(name) for v in raw.split(",")
            if v.strip()]  # fmt: skip


def _areas(codes: list[str]) -> list[str]:
    """`almaty-region`, `almaty-city`, `kokshetau-district`, in the order given."""
    found = {
        code: (name_en or code, level, unit_type)
        for code, name_en, level, unit_type in AdminArea.objects.filter(code__in=codes).values_list(
            "code", "name_en", "level", "unit_type"
        )
    }
    names = []
    for code in codes:
        name, level, unit_type = found.get(code, (code, None, ""))
        name = re.sub(r"\s*\((city)\)\s*$", "", name)
        kind = (
            "district" if level == AdminArea.Level.DISTRICT
            else "city" if "city" in unit_type
            else "region" if level == AdminArea.Level.REGION
            else ""
        )  # fmt: skip
        names.append(f"{name} {kind}".strip())
    return names


def _year(value: str) -> str:
    return f"{value[1:]}bce" if value.startswith("-") else value


def _code_parts(getlist: Callable[[str], list[str]]) -> list[str]:
    parts = _areas(_values(getlist, "region")) + _areas(_values(getlist, "district"))
    parts += [value for name in BARE for value in _values(getlist, name)]
    parts += [f"{name}-{value}" for name in NAMED for value in _values(getlist, name)]
    for name, alias, word in (("date_from", "year_from", "from"), ("date_to", "year_to", "to")):
        if values := _values(getlist, name, alias):
            parts.append(f"{word}-{_year(values[-1])}")
    return parts


def _parts(getlist: Callable[[str], list[str]]) -> Iterable[tuple[str, bool]]:
    """(part, is text as typed): the text parts may hold any script."""
    yield from ((part, False) for part in _code_parts(getlist))
    if text := " ".join(getlist("q")).strip():
        yield f"search {text}", True
    yield from ((flag, False) for name, flag in FLAGS.items() if _values(getlist, name))


def export_filename(getlist: Callable[[str], list[str]], fmt: str) -> tuple[str, str | None]:
    """(ASCII file name, UTF-8 file name or None when the ASCII one lost nothing)."""
    parts = list(_parts(getlist))
    ascii_parts = [p for p in (_ascii(text) for text, _ in parts) if p]
    unicode_parts = [p for p in (_unicode(t) if typed else _ascii(t) for t, typed in parts) if p]
    day = timezone.localdate().isoformat()

    def name(pieces: list[str]) -> str:
        middle = "-".join(["mura-sites", *pieces])[:MAX_NAME].strip("-")
        return f"{middle}-{day}.{fmt}"

    plain, full = name(ascii_parts), name(unicode_parts)
    return plain, (None if full == plain else full)


def content_disposition(getlist: Callable[[str], list[str]], fmt: str) -> str:
    """`attachment; filename="..."` and, for a name the ASCII one cannot hold,
    `filename*=UTF-8''...` (RFC 6266, RFC 5987)."""
    plain, full = export_filename(getlist, fmt)
    header = f'attachment; filename="{plain}"'
    if full:
        header += f"; filename*=UTF-8''{quote(full, safe='')}"
    return header
