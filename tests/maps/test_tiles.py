"""Vector tiles: counts at low zoom, single sites at high zoom, public points only."""

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maps.tiles import BUFFER, EXTENT
from registry.models import AdminArea, SiteCellCount
from registry.models.aggregates import SITES_MIN_ZOOM
from registry.selectors import public_map_version
from registry.services.aggregates import map_counts_rebuild
from registry.services.sites import site_update
from registry.services.workflow import site_withdraw
from tests.factories import HeritageSiteFactory, UserFactory
from tests.maps.conftest import decode, tile_of, tile_url, to_lonlat, vertices

ALMATY = (76.9519, 43.2380)
TURKISTAN = (68.2711, 43.2977)


def _features(client, url, layer):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    return decode(response.content).get(layer, {"features": []})["features"]


def _count(client, url) -> int:
    return sum(f["properties"]["count"] for f in _features(client, url, "cells"))


def test_a_street_tile_carries_an_open_site_as_a_point_at_its_place(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S0", location=Point(*TURKISTAN))
    z, x, y = tile_of(*TURKISTAN, 15)

    (feature,) = _features(client, tile_url(*TURKISTAN, 15), "sites")

    assert feature["properties"]["ref"] == site.registry_number
    assert feature["properties"]["kind"] == "site"
    assert feature["geometry"]["type"] == "Point"
    lon, lat = to_lonlat(z, x, y, *feature["geometry"]["coordinates"])
    assert lon == pytest.approx(TURKISTAN[0], abs=1e-4)
    assert lat == pytest.approx(TURKISTAN[1], abs=1e-4)


def _cell_corners_or_clip_edges(z, x, y, geometry, size):
    """Each vertex of a drawn shape: a corner of the site's grid cell, or where the tile
    clipped the shape (its buffer's edge). Nothing else, so nothing of the exact point."""
    kinds = set()
    for px, py in vertices(geometry):
        if px in (-BUFFER, EXTENT + BUFFER) or py in (-BUFFER, EXTENT + BUFFER):
            kinds.add("clip")
            continue
        lon, lat = to_lonlat(z, x, y, px, py)
        assert lon / size == pytest.approx(round(lon / size), abs=0.01)
        assert lat / size == pytest.approx(round(lat / size), abs=0.01)
        kinds.add("corner")
    return kinds


@pytest.mark.parametrize(("sensitivity", "size"), [("S1", 0.01), ("S2", 0.1)])
def test_generalised_sites_are_drawn_as_their_grid_cell_never_as_a_pin(
    client, db, sensitivity, size
):
    HeritageSiteFactory(published=True, sensitivity=sensitivity, location=Point(*ALMATY))
    corner = (ALMATY[0] // size * size + 1e-5, ALMATY[1] // size * size + 1e-5)  # south-west
    z, x, y = tile_of(*corner, 14)

    (feature,) = _features(client, tile_url(*corner, 14), "sites")

    assert feature["properties"]["kind"] == "cell"
    assert feature["geometry"]["type"] == "Polygon"
    assert "corner" in _cell_corners_or_clip_edges(z, x, y, feature["geometry"], size)


def test_no_tile_holds_a_sensitive_sites_exact_coordinates(client, db):
    HeritageSiteFactory(published=True, sensitivity="S2", location=Point(*ALMATY))

    for zoom in range(SITES_MIN_ZOOM, 19):
        z, x, y = tile_of(*ALMATY, zoom)
        response = client.get(reverse("maps:tile", args=[z, x, y]))
        (feature,) = decode(response.content)["sites"]["features"]
        _cell_corners_or_clip_edges(z, x, y, feature["geometry"], 0.1)
    for zoom in range(3, SITES_MIN_ZOOM):  # counts sit at cell centres of the tile grid
        z, x, y = tile_of(*ALMATY, zoom)
        (cell,) = decode(client.get(reverse("maps:tile", args=[z, x, y])).content)["cells"][
            "features"
        ]
        px, py = cell["geometry"]["coordinates"]
        assert px % (EXTENT // 8) == EXTENT // 16
        assert py % (EXTENT // 8) == EXTENT // 16


def test_withheld_sites_are_never_drawn_nor_counted(client, db):
    HeritageSiteFactory(published=True, sensitivity="S3", location=Point(*ALMATY))

    for zoom in (3, 6, 9, 12, 15, 18):
        content = client.get(tile_url(*ALMATY, zoom)).content
        assert decode(content) == {}


def test_low_zoom_tiles_count_published_sites_in_cells(client, db):
    for _ in range(3):
        HeritageSiteFactory(published=True, sensitivity="S0", location=Point(*TURKISTAN))
    HeritageSiteFactory(published=True, sensitivity="S2", location=Point(*ALMATY))
    HeritageSiteFactory(sensitivity="S0", location=Point(*TURKISTAN))  # a draft

    assert _count(client, tile_url(*TURKISTAN, 4)) == 4
    assert _count(client, tile_url(*TURKISTAN, 9)) == 3
    assert _features(client, tile_url(*TURKISTAN, 9), "sites") == []


def test_filters_narrow_the_counts_and_the_sites(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S0", category="archaeology")
    HeritageSiteFactory(published=True, sensitivity="S0", category="architecture")
    elsewhere = AdminArea.objects.filter(level=1).exclude(pk=site.region_id).first()

    assert _count(client, tile_url(*TURKISTAN, 5, category="archaeology")) == 1
    assert _count(client, tile_url(*TURKISTAN, 5, significance="republican")) == 0
    assert _count(client, tile_url(*TURKISTAN, 5, region=site.region.code)) == 2
    assert _count(client, tile_url(*TURKISTAN, 5, region=elsewhere.code)) == 0
    sites = _features(client, tile_url(*TURKISTAN, 16, category="architecture"), "sites")
    assert [f["properties"]["category"] for f in sites] == ["architecture"]


def test_a_generalised_site_on_a_border_is_counted_once_and_under_both_regions(client, db):
    # Its 0.1° cell touches Kyzylorda (KZ43) and Turkistan (KZ61); the exact point is in KZ43.
    where = (68.005, 43.955)
    HeritageSiteFactory(published=True, sensitivity="S2", location=Point(*where))

    assert _count(client, tile_url(*where, 5)) == 1
    assert _count(client, tile_url(*where, 5, region="KZ43")) == 1
    assert _count(client, tile_url(*where, 5, region="KZ61")) == 1
    assert _count(client, tile_url(*where, 5, region="KZ75")) == 0
    for region in ("KZ43", "KZ61"):
        assert len(_features(client, tile_url(*where, 13, region=region), "sites")) == 1


def test_a_period_filter_counts_live_and_takes_bce_years(client, db):
    HeritageSiteFactory(published=True, sensitivity="S0", date_from=-500, date_to=-300)
    HeritageSiteFactory(published=True, sensitivity="S0", date_from=1390, date_to=1405)

    assert _count(client, tile_url(*TURKISTAN, 5, year_from=-600, year_to=-400)) == 1
    assert _count(client, tile_url(*TURKISTAN, 5, year_from=1000)) == 1
    assert _count(client, tile_url(*TURKISTAN, 5, year_to=2000)) == 2


def test_publishing_and_withdrawing_change_the_etag_and_the_tile(client, db):
    url = tile_url(*TURKISTAN, 6)
    empty = client.get(url)
    site = HeritageSiteFactory(published=True, sensitivity="S0")

    shown = client.get(url, headers={"If-None-Match": empty["ETag"]})
    site_withdraw(site=site, by=UserFactory(username="withdrawer"), note="duplicate")
    gone = client.get(url, headers={"If-None-Match": shown["ETag"]})

    assert shown.status_code == 200
    assert _count(client, url) == 0
    assert sum(f["properties"]["count"] for f in decode(shown.content)["cells"]["features"]) == 1
    assert gone.status_code == 200
    assert len({empty["ETag"], shown["ETag"], gone["ETag"]}) == 3


def test_saving_a_draft_leaves_every_tile_valid(client, db):
    officer = UserFactory(username="drafter")
    HeritageSiteFactory(published=True, sensitivity="S0")
    draft = HeritageSiteFactory(sensitivity="S0")
    url = tile_url(*TURKISTAN, 6)
    before = client.get(url)

    site_update(site=draft, expected_version=draft.version, fields={"name_en": "Renamed"},
                by=officer, reason="typo")  # fmt: skip
    after = client.get(url, headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 304


def test_an_unchanged_tile_is_not_sent_again(client, db):
    HeritageSiteFactory(published=True, sensitivity="S0")
    url = tile_url(*TURKISTAN, 6)
    first = client.get(url)

    again = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_a_tile_asked_for_with_the_current_version_may_be_cached_for_a_day(client, db):
    version = public_map_version()

    current = client.get(tile_url(*TURKISTAN, 6, v=version))
    stale = client.get(tile_url(*TURKISTAN, 6, v="old"))

    assert current["Cache-Control"] == "public, max-age=86400"
    assert stale["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_a_cached_tile_costs_one_query(client, db, django_assert_num_queries):
    HeritageSiteFactory(published=True, sensitivity="S0")
    url = tile_url(*TURKISTAN, 6)
    first = client.get(url)

    # The map's version, with the rate limit's counter sent with it (heritage/early.py).
    with django_assert_num_queries(1) as queries:
        again = client.get(url)

    assert not any("ST_AsMVT" in q["sql"] for q in queries.captured_queries)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def _tile_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "ST_AsMVT" in q["sql"]]


def test_an_uncached_tile_is_one_statement_with_the_maps_version(client, db):
    HeritageSiteFactory(published=True, sensitivity="S0")
    url = tile_url(*TURKISTAN, 6, v=public_map_version())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert len(queries.captured_queries) == 1  # the tile, and the rate limit's counter with it
    (statement,) = _tile_statements(queries)
    assert "registry_publicmapversion" in statement
    assert "mura_rate_limit" in statement
    assert response["Cache-Control"] == "public, max-age=86400"  # the version it read is current
    assert public_map_version() in response["ETag"]


def _counted(response) -> int:
    return sum(f["properties"]["count"] for f in decode(response.content)["cells"]["features"])


def test_a_tile_cached_before_a_publish_is_made_again_after_it(client, db):
    HeritageSiteFactory(published=True, sensitivity="S0")
    url = tile_url(*TURKISTAN, 6)
    before = client.get(url)

    HeritageSiteFactory(published=True, sensitivity="S0")
    with CaptureQueriesContext(connection) as queries:
        after = client.get(url, headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert (_counted(before), _counted(after)) == (1, 2)
    assert after["ETag"] != before["ETag"]
    assert len(_tile_statements(queries)) == 1


def test_any_publish_changes_the_etag_of_a_tile_it_does_not_touch(client, db):
    url = tile_url(*ALMATY, 12)
    before = client.get(url)

    HeritageSiteFactory(published=True, sensitivity="S0", location=Point(*TURKISTAN))
    after = client.get(url, headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert after.content == before.content  # the same (empty) tile, of another version
    assert after["ETag"] != before["ETag"]


def test_a_client_holding_the_current_tile_gets_304_from_any_process(client, db):
    HeritageSiteFactory(published=True, sensitivity="S0")
    url = tile_url(*TURKISTAN, 6)
    first = client.get(url)
    caches["tiles"].clear()  # as in another process, which never made this tile

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""
    assert len(queries.captured_queries) == 1  # the one statement, the rate limit's counter in it


def test_a_weak_or_listed_etag_still_matches(client, db):
    """nginx weakens the ETag of a response it compresses; a client may send several."""
    url = tile_url(*TURKISTAN, 6)
    etag = client.get(url)["ETag"]

    weak = client.get(url, headers={"If-None-Match": f"W/{etag}"})
    listed = client.get(url, headers={"If-None-Match": f'"other", {etag}'})

    assert weak.status_code == listed.status_code == 304


def test_the_etag_of_another_tile_or_filter_is_not_taken_for_this_one(client, db):
    url = tile_url(*TURKISTAN, 6)
    other_tile = client.get(tile_url(*ALMATY, 6))["ETag"]
    other_filter = client.get(tile_url(*TURKISTAN, 6, category="archaeology"))["ETag"]

    for etag in (other_tile, other_filter):
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


STRANGE_IF_NONE_MATCH = {
    "any": "*",
    "unquoted": "garbage",
    "another-key": '"1.2-x"',
    "nul": '"\u0000-abc"',
    "very-many": ", ".join(['"0-x"'] * 500),
    "cut-short": 'W/"',
    "empty": '""',
}


@pytest.mark.parametrize(
    "header", list(STRANGE_IF_NONE_MATCH.values()), ids=list(STRANGE_IF_NONE_MATCH)
)
def test_a_strange_if_none_match_gets_the_tile(client, db, header):
    response = client.get(tile_url(*TURKISTAN, 6), headers={"If-None-Match": header})

    assert response.status_code == 200


def test_a_forged_etag_naming_this_tile_cannot_reach_the_database(client, db):
    """The version part of an ETag is bound as a parameter only if it looks like a version."""
    url = tile_url(*TURKISTAN, 6)
    key = client.get(url)["ETag"].strip('"').rpartition("-")[2]

    for version in ("1\x00", "1' OR 1=1 --", "9" * 100):
        response = client.get(url, headers={"If-None-Match": f'"{version}-{key}"'})
        assert response.status_code == 200


def test_a_low_zoom_tile_reads_the_counts_not_the_sites(client, db):
    HeritageSiteFactory(published=True, sensitivity="S0")

    with CaptureQueriesContext(connection) as queries:
        client.get(tile_url(*TURKISTAN, 4))

    # The map's version with the tile, and the rate limit's counter (heritage/limits.py).
    (read,) = [q["sql"] for q in queries.captured_queries]
    assert "registry_sitecellcount" in read
    assert "registry_public_site" not in read


def test_counts_stay_equal_to_a_recount_through_edits(db):
    reviewer = UserFactory(username="editor")
    a = HeritageSiteFactory(published=True, sensitivity="S0")
    b = HeritageSiteFactory(published=True, sensitivity="S1", location=Point(*ALMATY))
    HeritageSiteFactory(published=True, sensitivity="S3")
    site_update(
        site=a,
        expected_version=a.version,
        fields={"location": Point(*ALMATY), "category": "sacred"},
        by=reviewer,
        reason="moved",
    )
    site_withdraw(site=b, by=reviewer, note="gone")
    kept = sorted(SiteCellCount.objects.values_list("level", "cx", "cy", "category", "n"))

    map_counts_rebuild()

    assert kept == sorted(SiteCellCount.objects.values_list("level", "cx", "cy", "category", "n"))
    assert sum(n for level, *_, n in kept if level == 3) == 1


@pytest.mark.parametrize("zxy", [(0, 1, 0), (3, 0, 8), (21, 0, 0)])
def test_tiles_outside_the_pyramid_are_not_found(client, db, zxy):
    assert client.get(reverse("maps:tile", args=zxy)).status_code == 404


def test_a_bad_filter_is_refused(client, db):
    response = client.get(tile_url(*TURKISTAN, 5, category="nonsense"))

    assert response.status_code == 400
    assert "category" in response.json()["errors"]
    assert "Accept-Language" in response["Vary"]  # the message is in the visitor's language


def test_sessions_run_without_jit(db):
    """Tiles rely on it (heritage/settings.py): compiling took longer than the tile."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_an_unfiltered_tile_is_the_tile_of_an_empty_filter_form(client, db):
    """The tile view skips the filter form when no filter is asked (most tiles): the answer
    must be the one the form gives for empty filters."""
    HeritageSiteFactory(published=True, sensitivity="S0", location=Point(*ALMATY))
    HeritageSiteFactory(published=True, sensitivity="S1", location=Point(76.9519, 43.2412))
    for z in (4, SITES_MIN_ZOOM + 2):
        plain = client.get(tile_url(*ALMATY, z, v=public_map_version()))
        caches["tiles"].clear()
        through_form = client.get(tile_url(*ALMATY, z, year_from="", year_to=""))

        assert plain.status_code == through_form.status_code == 200
        assert plain.content
        assert plain.content == through_form.content
        assert plain["ETag"] == through_form["ETag"]
