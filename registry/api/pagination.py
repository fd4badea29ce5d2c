"""Pages without a count: a keyset cursor (registry number) for walking the whole registry,
and an offset cursor, capped, for the other orderings. Counting a million rows on every page
is what makes list APIs slow; `/sites/count/` answers that question separately.

Cursors are signed (`django.core.signing`, the SECRET_KEY) and name the ordering they were
issued for: a forged, corrupted or borrowed cursor answers 400 naming `cursor`."""

from django.core import signing
from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.utils.urls import replace_query_param

from registry import features
from registry.access import Door
from registry.search import DESCRIPTIONS, NAMES, SiteQuery, number_key, relevance_parts

MAX_OFFSET = 100_000
SALT = "mura.api.cursor"
NOT_OURS = "is not a cursor this API issued (changed or damaged); start again without it."


def _encode(state: dict) -> str:
    return signing.dumps(state, salt=SALT)


def _decode(token: str, ordering: str) -> dict:
    try:
        state = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        raise serializers.ValidationError({"cursor": NOT_OURS}) from None
    if (
        not isinstance(state, dict)
        or not (
            isinstance(state.get("after"), str)
            or (isinstance(state.get("offset"), int) and 0 <= state["offset"] <= MAX_OFFSET)
        )
        or state.get("part", NAMES) not in (NAMES, DESCRIPTIONS)
    ):
        raise serializers.ValidationError({"cursor": NOT_OURS})
    if state.get("o") != ordering:
        raise serializers.ValidationError(
            {"cursor": "belongs to another ordering; start again without it."}
        )
    return state


def page_of(
    sites: QuerySet,
    *,
    ordering: str,
    limit: int,
    cursor: str | None,
) -> tuple[list, str | None]:
    """One page (`limit` rows, one query) and the cursor of the next page, if any (sites:
    `site_page`)."""
    keyset = ordering in ("registry_number", "-registry_number")
    key = number_key(sites)
    state = _decode(cursor, ordering) if cursor else {}
    offset = 0
    if keyset and "after" in state:
        lookup = f"{key}__gt" if ordering == "registry_number" else f"{key}__lt"
        sites = sites.filter(**{lookup: state["after"]})
    elif "offset" in state:
        offset = state["offset"]
    rows = list(sites[offset : offset + limit + 1])
    more, rows = len(rows) > limit, rows[:limit]
    if not more:
        return rows, None
    if keyset:
        last = rows[-1]
        number = last[key] if isinstance(last, dict) else getattr(last, key)
        return rows, _encode({"o": ordering, "after": number})
    if offset + limit > MAX_OFFSET:
        return rows, None
    return rows, _encode({"o": ordering, "offset": offset + limit})


def site_page(
    door: Door, query: SiteQuery, *, limit: int, cursor: str | None, distance: bool = True
) -> tuple[list[str], str | None]:
    """`page_of` for sites, as GeoJSON feature texts built by PostgreSQL (registry/features.py),
    with `distance_m` (the API) or without (OGC API)."""
    keyset = query.ordering in ("registry_number", "-registry_number")
    state = _decode(cursor, query.ordering) if cursor else {}
    if relevance_parts(query):
        return _parted_page(door, query, state, limit=limit, distance=distance)
    after = state["after"] if keyset and "after" in state else None
    offset = state.get("offset", 0) if after is None else 0
    page = features.page(door, query, limit=limit, offset=offset, after=after, distance=distance)
    if page.next_key is None:
        return page.features, None
    if keyset:
        return page.features, _encode({"o": query.ordering, "after": page.next_key})
    if offset + limit > MAX_OFFSET:
        return page.features, None
    return page.features, _encode({"o": query.ordering, "offset": offset + limit})


def _parted_page(
    door: Door, query: SiteQuery, state: dict, *, limit: int, distance: bool
) -> tuple[list[str], str | None]:
    """A relevance-ordered page: the name matches from the cursor's offset (one KNN scan), and
    once they run out, the sites only a description matches, by registry number. The cursor
    names the part and the offset within it."""
    part, offset = state.get("part", NAMES), state.get("offset", 0)
    found: list[str] = []
    while True:
        # Asking for 0 rows still reads one: whether the part has more.
        page = features.page(
            door, query, limit=limit - len(found), offset=offset, distance=distance, part=part
        )
        found += page.features
        offset += len(page.features)
        if page.next_key is not None:
            if offset > MAX_OFFSET:
                return found, None
            return found, _encode({"o": query.ordering, "part": part, "offset": offset})
        if part == DESCRIPTIONS:
            return found, None
        part, offset = DESCRIPTIONS, 0


def next_link(request, token: str | None) -> str | None:
    if token is None or request.method != "GET":
        return None
    return replace_query_param(request.build_absolute_uri(), "cursor", token)
