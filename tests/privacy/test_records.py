"""Reading every public field: registry numbers reveal no unpublished work and no geography,
drafts are nowhere, links between sites narrow no site, withheld sites have no position."""

import re

import pytest

from tests.privacy.attacker import query
from tests.privacy.snapshot import take, urls

NATIONAL_NUMBER = re.compile(r"^KZ-(\d{7})$")


def test_public_registry_numbers_are_national_and_given_in_publication_order(public, world):
    """Numbers come at first publication, so the drafts, submissions and returned work made
    between the publications leave no gap, and a number names no region."""
    numbers = [world[word].refresh().registry_number for word in world.published_order]
    listed = {f["id"] for f in public.json("/api/v1/sites/?limit=1000")["features"]}

    assert set(numbers) <= listed
    malformed = [n for n in numbers if not NATIONAL_NUMBER.match(n or "")]
    assert not malformed, f"not KZ- and 7 digits (a region code tells where): {malformed}"
    # A site published and later withdrawn keeps its number (it was public): the gap it
    # leaves says only that a once-public site was withdrawn. Every other number is listed.
    withdrawn = [s.refresh().registry_number for s in world.unpublished()]
    withdrawn = [n for n in withdrawn if n]
    sequence = sorted(int(NATIONAL_NUMBER.match(n).group(1)) for n in [*numbers, *withdrawn])
    assert sequence == list(range(sequence[0], sequence[0] + len(sequence))), sequence
    assert [int(NATIONAL_NUMBER.match(n).group(1)) for n in numbers] == sorted(
        int(NATIONAL_NUMBER.match(n).group(1)) for n in numbers
    ), "numbers follow the order of first publication"


def test_unpublished_work_has_no_registry_number(world, db):
    for seeded in world.unpublished():
        site = seeded.refresh()
        if seeded.spec.status == "withdrawn":
            assert site.registry_number  # once published, it keeps its number for good
        else:
            assert not site.registry_number, f"{seeded.word} ({site.status})"


def _unpublished_refs(world) -> dict[str, set[str]]:
    return {s.word: s.identifiers for s in world.unpublished()}


@pytest.mark.parametrize(
    "url",
    [
        "/sites/{}/",
        "/api/v1/sites/{}/",
        "/maps/sites/{}.json",
        "/ogc/collections/sites/items/{}",
        "/api/v1/designations/?site={}",
    ],
)
def test_every_reference_of_unpublished_work_is_unknown_to_the_public(public, world, url):
    for word, refs in _unpublished_refs(world).items():
        assert refs, word
        for ref in refs:
            code, content, _ = public.request("get", url.format(ref))
            if url.startswith("/api/v1/designations/"):
                assert code in (200, 400), (word, ref)
                assert ref.encode() not in content, (word, ref)
            else:
                assert code == 404, f"{url.format(ref)} ({word}): {code}"


BASELINE = {}


def _answers(public, world) -> dict:
    """Every public answer about the world, as seeded (taken once per module)."""
    if id(world) not in BASELINE:
        BASELINE[id(world)] = take(public, world, urls(world))
    return BASELINE[id(world)]


def test_no_public_answer_names_unpublished_work(public, world):
    answers = _answers(public, world)
    refs = {ref for refs in _unpublished_refs(world).values() for ref in refs}
    words = {s.word for s in world.unpublished()}

    found = []
    for url, (_, content) in answers.items():
        text = str(content)
        found += [(url, r) for r in refs | words if r in text and r not in url]
    assert not found, found[:10]


def _page(public, seeded) -> str:
    return public.get(f"/sites/{seeded.refresh().registry_number}/").decode()


def _detail(public, seeded) -> str:
    return public.get(f"/api/v1/sites/{seeded.refresh().registry_number}/").decode()


def _links(public, a, b) -> list[str]:
    """Where a public record of `a` names `b` (its number or its name)."""
    b_site = b.refresh()
    marks = {b_site.registry_number, b_site.name_en, b_site.name_kk, b_site.name_ru}
    where = []
    for label, text in (("page", _page(public, a)), ("API", _detail(public, a))):
        where += [f"{a.word}'s {label} names {b.word} ({m})" for m in marks if m in text]
    return where


@pytest.mark.parametrize(
    ("parent", "child"),
    [
        ("Gildmoor", "Hazelcrag"),  # S0 parent, S2 child: the parent's exact point
        ("Ironwold", "Jasperlee"),  # S2 parent, S0 child: the child's exact point
        ("Gildmoor", "Oakenshade"),  # S0 parent, S3 child: a withheld site located
    ],
)
def test_a_link_that_would_narrow_a_site_is_not_public(public, world, parent, child):
    links = _links(public, world[child], world[parent]) + _links(
        public, world[parent], world[child]
    )
    assert not links, links


def test_a_link_between_open_sites_stays_public(public, world):
    parent = world["Marrowdeep"].refresh()
    page = _page(public, world["Nettlebrook"])

    assert f'href="/sites/{parent.registry_number}/"' in page
    assert parent.name in page


def test_withheld_sites_have_no_position_anywhere(public, world):
    withheld = [s for s in world.published() if s.sensitivity == "S3"]
    numbers = {s.refresh().registry_number for s in withheld}
    assert len(numbers) == 2

    answers = _answers(public, world)
    spatial = [
        url
        for url, (_, content) in answers.items()
        if any(k in url for k in ("bbox=", "geometry=", "near=", ".pbf", "screening", "search"))
        and any(n in str(content) for n in numbers)
    ]
    assert not spatial, f"a withheld site answered a spatial question: {spatial[:10]}"
    for seeded in withheld:
        number = seeded.refresh().registry_number
        feature = public.json(f"/api/v1/sites/{number}/")
        assert feature["geometry"] is None
        assert feature["properties"]["district"] is None
        assert feature["properties"]["region"] == seeded.site.region.code  # its region only
        listed = public.json(query("/api/v1/sites/", q=seeded.word))["features"]
        assert [f["geometry"] for f in listed] == [None]
        suggestion = public.json(query("/maps/suggest/", q=seeded.word))["results"][0]
        assert (suggestion["lon"], suggestion["lat"]) == (None, None)
        exported = public.get(query("/api/v1/exports/sites.csv", q=seeded.word)).decode()
        assert exported.splitlines()[1].endswith(",,"), exported  # no lon, no lat
        page = _page(public, seeded)
        assert 'id="site-map"' not in page


def test_a_withheld_site_is_found_under_its_region_only(public, world):
    from registry.models import AdminArea

    seeded = world["Frostvale"]
    own = seeded.refresh().region.code
    for region in AdminArea.objects.filter(level=1, geom__dwithin=(seeded.exact, 1.0)):
        count = public.json(query("/api/v1/sites/count/", region=region.code, q=seeded.word))
        assert count["count"] == (1 if region.code == own else 0), region.code
    for district in AdminArea.objects.filter(level=2, geom__dwithin=(seeded.exact, 0.3)):
        count = public.json(query("/api/v1/sites/count/", district=district.code, q=seeded.word))
        assert count["count"] == 0, district.code
