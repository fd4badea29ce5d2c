"""Every site filter alone, and combined; distances in metres on the spheroid."""

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.factories import HeritageSiteFactory

ALMATY = Point(76.9450, 43.2380, srid=4326)
TURKISTAN = Point(68.2710, 43.2977, srid=4326)
ASTANA = Point(71.4300, 51.1280, srid=4326)


@pytest.fixture
def three(db):
    return {
        "almaty": HeritageSiteFactory(
            published=True, sensitivity="S0", location=ALMATY, category="archaeology",
            significance="republican", condition="poor", date_from=-800, date_to=-300,
            name_kk="Есік қорғаны", name_en="Issyk kurgan",
        ),
        "turkistan": HeritageSiteFactory(
            published=True, sensitivity="S0", location=TURKISTAN, category="architecture",
            significance="international", condition="good", date_from=1389, date_to=1405,
            name_kk="Қожа Ахмет Ясауи кесенесі", name_en="Mausoleum of Khoja Ahmed Yasawi",
        ),
        "astana": HeritageSiteFactory(
            published=True, sensitivity="S0", location=ASTANA, category="history",
            significance="local", condition="good", date_from=1998, date_to=None,
            name_kk="Бәйтерек", name_en="Baiterek",
        ),
    }  # fmt: skip


def found(client, three, **params) -> set[str]:
    response = client.get(reverse("api:site-list"), params)
    assert response.status_code == 200, response.content
    names = {site.registry_number: key for key, site in three.items()}
    return {names[f["id"]] for f in response.json()["features"]}


def test_bbox_keeps_sites_inside_it(client, three):
    assert found(client, three, bbox="76,43,78,44") == {"almaty"}


def test_a_wkt_polygon_keeps_sites_inside_it(client, three):
    wkt = "POLYGON((67 42,72 42,72 52,67 52,67 42))"

    assert found(client, three, geometry=wkt) == {"turkistan", "astana"}


def test_several_region_codes_are_ored(client, three):
    codes = f"{three['almaty'].region.code},{three['astana'].region.code}"

    assert found(client, three, region=codes) == {"almaty", "astana"}


def test_district_codes_filter_by_the_public_district(client, three):
    code = three["turkistan"].public_district.code

    assert found(client, three, district=code) == {"turkistan"}


def test_distance_is_metres_on_the_spheroid(client, three):
    metres = geodesic_m(ALMATY, TURKISTAN)

    assert found(client, three, near="76.945,43.238", distance=metres - 1000) == {"almaty"}
    assert found(client, three, near="76.945,43.238", distance=metres + 1000) == {
        "almaty", "turkistan"
    }  # fmt: skip


def test_nearest_first_ordering_reports_distances(client, three):
    response = client.get(reverse("api:site-list"), {"near": "71,51", "ordering": "distance"})

    features = response.json()["features"]
    assert [f["id"] for f in features][0] == three["astana"].registry_number
    distance = features[0]["properties"]["distance_m"]
    assert distance == pytest.approx(geodesic_m(Point(71, 51), ASTANA), rel=1e-6)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "archaeology"}, {"almaty"}),
        ({"category": "history,architecture"}, {"turkistan", "astana"}),
        ({"significance": "international"}, {"turkistan"}),
        ({"condition": "good"}, {"turkistan", "astana"}),
        ({"date_from": "-500", "date_to": "-400"}, {"almaty"}),
        ({"date_from": "1400"}, {"turkistan", "astana"}),
        ({"date_to": "0"}, {"almaty"}),
        ({"date_from": "2000", "date_to": "2010"}, set()),
    ],
)
def test_plain_filters(client, three, params, expected):
    assert found(client, three, **params) == expected


def test_typology_filters_by_code(client, db):
    from registry.models import Typology

    mausoleum = Typology.objects.get(code="mausoleum")
    site = HeritageSiteFactory(published=True, typology=mausoleum)
    HeritageSiteFactory(published=True)

    response = client.get(reverse("api:site-list"), {"typology": "mausoleum"})

    assert [f["id"] for f in response.json()["features"]] == [site.registry_number]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ясауи", {"turkistan"}),
        ("Ясави", {"turkistan"}),  # a typo
        ("Yasawi", {"turkistan"}),  # the English name
        ("Qoja Ahmet Iasaui", {"turkistan"}),  # Kazakh typed in Latin script
        ("Baiterek", {"astana"}),
        ("Есік қорган", {"almaty"}),  # ғ typed as г
    ],
)
def test_text_search_is_typo_tolerant_and_crosses_scripts(client, three, text, expected):
    assert found(client, three, q=text) == expected


def test_filters_compose(client, three):
    params = {"bbox": "46,40,88,56", "condition": "good", "date_from": "1990", "q": "Бәйтерек"}

    assert found(client, three, **params) == {"astana"}


def test_post_search_takes_a_geojson_polygon(client, three):
    area = {"type": "Polygon", "coordinates": [[[76, 43], [78, 43], [78, 44], [76, 44], [76, 43]]]}

    response = client.post(
        reverse("api:site-search"), {"area": area, "category": ["archaeology"]}, "application/json"
    )

    assert [f["id"] for f in response.json()["features"]] == [three["almaty"].registry_number]


def test_filters_use_the_public_point_so_a_tiny_bbox_cannot_find_a_sensitive_site(client, db):
    HeritageSiteFactory(published=True, sensitivity="S2", location=Point(76.9519, 43.2380))

    response = client.get(reverse("api:site-list"), {"bbox": "76.9518,43.2379,76.9520,43.2381"})

    assert response.json()["features"] == []


def geodesic_m(a: Point, b: Point) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Distance(%s::geography, %s::geography)", [a.ewkt, b.ewkt])
        return cursor.fetchone()[0]


def test_migrate_tells_the_planner_what_a_trigram_match_costs(db):
    """A restored database gets pg_trgm at its default cost (as cheap as `=`), with which the
    planner scans every site for a rare word; `migrate`, run after every restore and deploy,
    sets it again."""
    cost = "SELECT procost FROM pg_proc WHERE proname = 'word_similarity_commutator_op'"
    with connection.cursor() as cursor:
        cursor.execute("ALTER FUNCTION word_similarity_commutator_op(text, text) COST 1")

        call_command("migrate", verbosity=0)

        cursor.execute(cost)
        assert cursor.fetchone()[0] == 100


def test_a_generalised_site_on_a_border_is_found_under_both_regions_and_districts(client, db):
    # The 0.1° cell 68.0-68.1 E, 43.9-44.0 N touches Kyzylorda (KZ43) and Turkistan (KZ61);
    # the exact point lies in Kyzylorda, the cell's centre in Turkistan.
    site = HeritageSiteFactory(published=True, sensitivity="S2", location=Point(68.005, 43.955))
    public = {"site": site}

    assert found(client, public, region="KZ43") == {"site"}
    assert found(client, public, region="KZ61") == {"site"}
    assert found(client, public, region="KZ75") == set()
    response = client.get(reverse("api:site-list"), {"region": "KZ43"}).json()
    assert response["features"][0]["properties"]["region"] == "KZ61"  # the centre's
    for code in ("KZ434000", site.public_district.code):
        assert found(client, public, district=code) == {"site"}


def test_staff_filter_by_the_exact_region(client, officer, db):
    site = HeritageSiteFactory(published=True, sensitivity="S2", location=Point(68.005, 43.955))
    client.force_login(officer)

    assert found(client, {"site": site}, region="KZ43") == {"site"}
    assert found(client, {"site": site}, region="KZ61") == set()
