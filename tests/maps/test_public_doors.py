"""Every public page reads through the projection: drafts and exact points never show."""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from tests.atrisk.conftest import list_at_risk
from tests.factories import HeritageSiteFactory
from tests.maps.conftest import tile_url

EXACT = (76.95193, 43.23807)
PUBLIC = (76.95, 43.25)  # the centre of its 0.1° cell

# Doors that show one site (every public view joins one of these lists).
PUBLIC_DOORS = [
    lambda site: reverse("maps:site-detail", args=[site.reference]),
    lambda site: reverse("maps:site-detail", args=[site.reference]) + "?lang=ru",
    lambda site: reverse("maps:site-panel", args=[site.reference]),
    lambda site: reverse("maps:suggest") + "?q=" + site.name_en,
    lambda site: reverse("maps:sites-in-view") + "?bbox=-180,-90,180,90",
    lambda site: reverse("maps:sites-in-view") + "?cell=" + site.reference,
    lambda site: tile_url(*PUBLIC, 14),
    lambda site: reverse("maps:sitemap-section", args=["sites"]),
    lambda site: reverse("maps:at-risk"),
    lambda site: reverse("maps:at-risk") + "?threat=looting",
    lambda site: reverse("api:at-risk-list"),
]
# Doors that show no single site.
OTHER_PUBLIC_DOORS = [
    lambda site: reverse("maps:home"),
    lambda site: reverse("maps:home") + "?category=architecture&year_from=-500",
    lambda site: reverse("maps:areas", args=[1]),
    lambda site: reverse("maps:filters-check") + "?category=architecture&year_from=-500",
    lambda site: reverse("maps:sitemap"),
    lambda site: tile_url(*EXACT, 5),
    # A site's passport shows one site, but its PDF's text is glyph-coded (pdfium reads it in
    # tests/passport/, which also inflates its streams): here, its bytes as they are.
    lambda site: reverse("maps:site-passport", args=[site.reference]) + "?lang=en",
    lambda site: reverse("maps:at-risk-chart", args=["regions"]),
    lambda site: reverse("maps:at-risk-chart", args=["threats"]),
    lambda site: reverse("maps:at-risk-layer"),
]


@pytest.fixture
def sensitive_site(db):
    site = HeritageSiteFactory(
        published=True, sensitivity="S2", location=Point(*EXACT), name_en="Kok Tobe hoard"
    )
    return list_at_risk(site)  # on the Heritage at Risk register too


@pytest.mark.parametrize("url_for", PUBLIC_DOORS)
def test_public_doors_show_a_sensitive_site_but_never_its_exact_point(
    client, sensitive_site, url_for
):
    response = client.get(url_for(sensitive_site))
    page = response.content.decode(errors="replace")

    assert response.status_code == 200
    assert sensitive_site.registry_number in page
    assert "76.9519" not in page
    assert "43.2380" not in page


@pytest.mark.parametrize("url_for", OTHER_PUBLIC_DOORS)
def test_other_public_doors_never_show_the_exact_point(client, sensitive_site, url_for):
    response = client.get(url_for(sensitive_site))
    page = response.content.decode(errors="replace")

    assert response.status_code == 200
    assert "76.9519" not in page
    assert "43.2380" not in page


@pytest.mark.parametrize("url_for", PUBLIC_DOORS + OTHER_PUBLIC_DOORS)
def test_public_doors_never_show_drafts(client, db, url_for):
    draft = HeritageSiteFactory(name_kk="Жоба нысаны", name_en="Draft hoard", sensitivity="S0")

    response = client.get(url_for(draft))
    content = response.content.decode(errors="replace")

    assert response.status_code in (200, 404)
    assert "Draft hoard" not in content.replace("?q=Draft hoard", "")
    assert "Жоба нысаны" not in content
    if response.status_code == 200:  # (a 404 page repeats the address asked for)
        assert draft.draft_reference not in content.replace(f"cell={draft.draft_reference}", "")
