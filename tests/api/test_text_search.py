"""Text search (`q`): typo and script tolerant, best match first, names before descriptions,
paged without duplicates or gaps, never a draft (docs/search.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.access import public_door
from registry.features import KNN_ONLY_SQL, statement_for
from registry.models import SearchWord
from registry.query import site_query_parse
from registry.search import NAMES
from registry.services.workflow import site_publish, site_submit
from tests.factories import HeritageSiteFactory, UserFactory


def site(en: str, kk: str = "", ru: str = "", **fields):
    return HeritageSiteFactory(
        published=True, sensitivity="S0", name_en=en, name_kk=kk or en, name_ru=ru or en, **fields
    )


@pytest.fixture
def register(db):
    """Whole-word matches (rank 0, all tied), partial ones, a description-only match, a
    draft and a site nothing about which matches."""
    sites = {f"gate{n}": site(f"Taraz gate {n}", f"Тараз қақпасы {n}") for n in range(7)}
    sites["exact"] = site("Taraz", "Тараз", "Тараз")
    sites["tarasov"] = site("Tarasov house", "Тарасов үйі", "Дом Тарасова")
    sites["described"] = site("Aisha Bibi", description_en="A mausoleum near Taraz.")
    sites["otrar"] = site("Otrar", "Отырар", "Отрар")
    sites["draft"] = HeritageSiteFactory(name_en="Taraz", name_kk="Тараз", name_ru="Тараз")
    return sites


def publish(draft):
    author, reviewer = UserFactory(username="author"), UserFactory(username="reviewer")
    site = site_submit(site=draft, by=author, hints_acknowledged=True)
    return site_publish(site=site, reviewer=reviewer, hints_acknowledged=True)


def search(client, **params) -> dict:
    response = client.get(reverse("api:site-list"), params)
    assert response.status_code == 200, response.content
    return response.json()


def ids(page: dict) -> list[str]:
    return [f["id"] for f in page["features"]]


def numbers(register, *keys) -> set[str]:
    return {register[k].registry_number for k in keys}


GATES = tuple(f"gate{n}" for n in range(7))


@pytest.mark.parametrize("text", ["Taraz", "Тараз", "TARAZ", "Tarz", "Тарас"])
def test_a_typo_or_the_other_script_still_finds_the_place(client, register, text):
    assert numbers(register, "exact", *GATES) <= set(ids(search(client, q=text)))


def test_latin_typed_kazakh_finds_the_cyrillic_name(client, register):
    assert register["gate3"].registry_number in ids(search(client, q="Taraz qaqpasy 3"))


def test_whole_word_matches_come_before_partial_ones_and_then_descriptions(client, register):
    found = ids(search(client, q="Taraz"))

    assert set(found[:8]) == numbers(register, "exact", *GATES)
    assert found[8:] == [register["tarasov"].registry_number, register["described"].registry_number]


def test_the_whole_name_ranks_before_a_longer_one_holding_a_typo(client, register):
    assert ids(search(client, q="Tarasov"))[0] == register["tarasov"].registry_number


def test_pages_of_a_search_hold_every_match_once(client, register):
    expected = numbers(register, "exact", "tarasov", "described", *GATES)
    seen, page = [], search(client, q="Taraz", limit=3)
    while True:
        seen += ids(page)
        if page["next_cursor"] is None:
            break
        page = search(client, q="Taraz", limit=3, cursor=page["next_cursor"])

    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected


def test_a_page_ending_with_the_last_name_match_continues_with_descriptions(client, register):
    first = search(client, q="Taraz", limit=9)  # the 8 whole-word matches and Tarasov
    rest = search(client, q="Taraz", limit=9, cursor=first["next_cursor"])

    assert ids(rest) == [register["described"].registry_number]
    assert rest["next_cursor"] is None


def test_another_order_sorts_every_match_names_and_descriptions_alike(client, register):
    found = ids(search(client, q="Taraz", ordering="registry_number"))

    assert found == sorted(numbers(register, "exact", "tarasov", "described", *GATES))


def test_a_small_area_is_searched_in_the_same_order(client, register):
    found = ids(search(client, q="Taraz", bbox="68.0,43.0,68.5,43.5"))

    assert set(found[:8]) == numbers(register, "exact", *GATES)
    assert found[8:] == [register["tarasov"].registry_number, register["described"].registry_number]


def test_a_draft_is_never_found_by_its_name(client, register):
    for text in ("Taraz", "Тараз", "Tarz"):
        assert register["draft"].draft_reference not in ids(search(client, q=text))
    assert search(client, q="Taraz", limit=100)["numberReturned"] == 10


def test_staff_find_their_drafts_by_name(client, register, users):
    client.force_login(users["admin"])

    assert register["draft"].draft_reference in ids(search(client, q="Taraz", limit=100))


def test_ordering_by_relevance_needs_a_text(client, db):
    response = client.get(reverse("api:site-list"), {"ordering": "relevance"})

    assert response.status_code == 400
    assert "ordering" in response.json()["detail"]


def test_the_count_counts_name_and_description_matches(client, register):
    response = client.get(reverse("api:site-count"), {"q": "Taraz"})

    assert response.json()["count"] == 10


def test_the_ogc_api_ranks_alike_and_does_not_count_a_text_search(client, register):
    response = client.get(reverse("ogc:items", args=["sites"]), {"q": "Taraz", "limit": 9})
    body = response.json()

    assert set(ids(body)[:8]) == numbers(register, "exact", *GATES)
    assert "numberMatched" not in body


def test_the_map_suggests_whole_names_first_whatever_the_script(client, register):
    for text in ("Taraz", "Тараз"):
        response = client.get(reverse("maps:suggest"), {"q": text})
        results = response.json()["results"]
        refs = [r["ref"] for r in results if r["type"] == "site"]

        # The city of Taraz (a place) comes first; the sites fill the other suggestions.
        assert results[0]["type"] == "place", text
        assert len(refs) == 7, text
        assert set(refs) <= numbers(register, "exact", *GATES), text


def test_the_map_suggests_through_a_typo_but_never_a_draft(client, register):
    response = client.get(reverse("maps:suggest"), {"q": "Tarz"})
    refs = [r["ref"] for r in response.json()["results"] if r["type"] == "site"]

    assert set(refs) == numbers(register, "exact", *GATES)


def test_a_typo_is_read_as_the_nearest_published_word(client, register):
    """ "Tarz" is as near "Taras" as "Taraz" by trigrams; one edit from "Taraz"."""
    found = ids(search(client, q="Tarz"))

    assert set(found[:8]) == numbers(register, "exact", *GATES)
    assert found[8] == register["tarasov"].registry_number


def test_words_come_from_published_names_only(db):
    draft = HeritageSiteFactory(name_en="Zhetisu", name_kk="Жетісу", name_ru="Жетысу")
    assert not SearchWord.objects.filter(word="zhetisu").exists()

    publish(draft)

    assert SearchWord.objects.filter(word="zhetisu").exists()


def test_a_draft_name_corrects_no_public_search(client, register):
    """A word only a draft holds is no correction: the public answer is the one without it."""
    before = search(client, q="Otrarr")
    HeritageSiteFactory(name_en="Otrarr", name_kk="Отырарр", name_ru="Отрарр")

    assert search(client, q="Otrarr") == before
    assert ids(before) == [register["otrar"].registry_number]


def test_staff_find_a_draft_by_a_word_no_published_name_holds(client, register, users):
    draft = HeritageSiteFactory(name_en="Zhetisu", name_kk="Жетісу", name_ru="Жетысу")
    client.force_login(users["admin"])

    assert ids(search(client, q="Zhetisu")) == [draft.draft_reference]


def test_the_searched_text_is_bound_not_compiled(db):
    """Two searches of one shape share a statement: only the bound values differ."""
    a = statement_for(public_door(), site_query_parse({"q": "Taraz"}), page=(20, 0, None, True))
    b = statement_for(public_door(), site_query_parse({"q": "Otrar"}), page=(20, 0, None, True))

    assert a[0] == b[0]
    assert "taraz" in a[1]
    assert "otrar" in b[1]


@pytest.mark.parametrize("offset", [0, 5, 100_000])
def test_every_page_of_a_search_is_read_by_the_document_index(db, register, offset):
    """Pages agree on the order among equal ranks only if each is read by the same KNN scan,
    on a small register and at any depth alike (registry/features.py `_knn_rows`)."""
    query = site_query_parse({"q": "Taraz"})
    sql, params, _ = statement_for(public_door(), query, page=(3, offset, None, True), part=NAMES)
    with connection.cursor() as cursor:
        cursor.execute(KNN_ONLY_SQL)
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Scan using site_search_document_gist" in plan
    assert "Order By" in plan
    assert "Sort" not in plan


def test_a_search_page_is_one_round_trip_with_its_rate_limit_hit(client, register):
    """The KNN-only setting, the name matches and the rate-limit hit go in one query text
    (was five round trips: BEGIN, SET, the page, COMMIT and the hit); the answer is the same
    as with the setting sent alone (`test_every_page_of_a_search_is_read_by_the_document_index`)."""
    url = reverse("api:site-list") + "?q=Taraz&limit=3"
    first = client.get(url).json()

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url).json()

    assert len(queries) == 1
    assert KNN_ONLY_SQL in queries[0]["sql"]
    assert "mura_rate_limit" in queries[0]["sql"]
    assert ids(again) == ids(first)
    assert len(ids(first)) == 3
    with connection.cursor() as cursor:  # the setting did not outlive the page
        cursor.execute("SHOW enable_sort")
        assert cursor.fetchone()[0] == "on"
