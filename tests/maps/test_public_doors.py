"""Every public page reads through the projection: drafts and exact points never show."""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from tests.factories import HeritageSiteFactory

PUBLIC_DOORS = [  # every public view joins this list
    lambda site: reverse("maps:home"),
]


@pytest.fixture
def sensitive_site(db):
    return HeritageSiteFactory(published=True, sensitivity="S2", location=Point(76.9519, 43.2380))


@pytest.mark.parametrize("url_for", PUBLIC_DOORS)
def test_public_doors_show_a_sensitive_site_but_never_its_exact_point(
    client, sensitive_site, url_for
):
    page = client.get(url_for(sensitive_site)).content.decode()

    assert sensitive_site.registry_number in page
    assert "76.9519" not in page
    assert "43.238" not in page


@pytest.mark.parametrize("url_for", PUBLIC_DOORS)
def test_public_doors_never_show_drafts(client, db, url_for):
    draft = HeritageSiteFactory(name_kk="Жоба нысаны")

    assert draft.registry_number not in client.get(url_for(draft)).content.decode()


def test_the_front_page_lists_sites_in_one_query(client, sensitive_site, django_assert_num_queries):
    HeritageSiteFactory(published=True)

    with django_assert_num_queries(1):
        client.get(reverse("maps:home"))
