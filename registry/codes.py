"""Region, district and typology codes -> ids, from a per-process cache: filters name them by
code on nearly every public read, and a query per request for 20 regions, 224 districts and a
few dozen typologies (which change a few times a year) cost more than the filtering.

Staleness is bounded three ways: a change saved in this process (the admin, `load_regions`
run in a shell, tests) empties the cache at once (signals, registry/apps.py); every entry is
read again after `CODES_TTL_S`; and a code not found is looked for again once the entry is
`CODES_MISS_AGE_S` old, so a region added in another process is known within seconds, while a
stream of bad codes costs at most one query per table per `CODES_MISS_AGE_S`. Ids never change
for a code (`regions_load` updates in place), so a stale entry can only lack a new code or
keep a deleted one, which then matches no site.
"""

import threading
import time

from registry.models import AdminArea, Typology

CODES_TTL_S = 300
CODES_MISS_AGE_S = 5
CODE_TABLES = {
    "region": (AdminArea, {"level": AdminArea.Level.REGION}),
    "district": (AdminArea, {"level": AdminArea.Level.DISTRICT}),
    "typology": (Typology, {}),
}
_cache: dict[str, tuple[float, dict[str, int]]] = {}
_lock = threading.Lock()


class UnknownCodes(Exception):
    def __init__(self, codes: list[str]):
        super().__init__(codes)
        self.codes = codes


def _entry(table: str, *, older_than: float) -> tuple[float, dict[str, int]]:
    entry = _cache.get(table)
    now = time.monotonic()
    if entry is None or now - entry[0] > older_than:
        model, where = CODE_TABLES[table]
        mapping = dict(model.objects.filter(**where).values_list("code", "id"))
        entry = _cache[table] = (now, mapping)
    return entry


def code_ids(table: str, codes: tuple[str, ...]) -> tuple[int, ...]:
    """The ids of `codes` in `table` (sorted), or UnknownCodes listing those not found."""
    with _lock:
        _, known = _entry(table, older_than=CODES_TTL_S)
        if any(code not in known for code in codes):
            _, known = _entry(table, older_than=CODES_MISS_AGE_S)
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise UnknownCodes(unknown)
    return tuple(sorted({known[code] for code in codes}))


def codes_forget(**kwargs) -> None:
    """post_save/post_delete receiver (AdminArea, Typology): read the codes again."""
    _cache.clear()
