"""What the public sends reveals no location (issue 16, DESIGN §4): contributions to S1, S2 and
S3 sites, accepted or waiting, and reports of unrecorded sites or threats. Every public door is
fetched in every language and searched for each spelling of the sites' exact point and of the
reported points, for the texts contributors sent, and for their names; every stored file, public
or private, is searched for metadata."""

from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from contributions.models import Contribution
from contributions.moderation import contribution_accept
from registry.models import SitePhoto
from tests.contributions.conftest import contributor_make
from tests.contributions.contrib_helpers import (
    has_metadata,
    officer_of,
    send_observation,
    send_photo,
    send_report,
)
from tests.factories import HeritageSiteFactory
from tests.maps.conftest import tile_url

EXACT = (76.95193, 43.23807)  # the sites' exact point (lon, lat), in the city of Almaty
UNRECORDED = (76.91234, 43.21987)  # a reported unrecorded site
NEAR_S2 = (76.97021, 43.26113)  # looting reported at the S2 site
COORDINATES = [
    "76.95193", "43.23807", "76.9519", "43.2380", "43.2381", "76,9519", "43,2380", "43,2381",
    "76.952", "43.238", "76,952", "43,238", "76°57", "43°14",
    "76.91234", "43.21987", "76.9123", "43.2198", "43.2199", "76,9123", "43,2198", "76.912",
    "76°54", "43°13",
    "76.97021", "43.26113", "76.9702", "43.2611", "76,9702", "43,2611", "76.970", "43.261",
]  # fmt: skip
SENT_TEXTS = [
    "Secretova", "NOTE-SECRET", "REPORT-SECRET", "CORRECTION-SECRET", "PENDING-CREDIT",
    "contributor-secret@example.kz",
]  # fmt: skip


@pytest.fixture
def world(client, db):
    """S1, S2 and S3 sites at EXACT: each with an accepted photo taken by a phone with GPS, an
    accepted observation, a waiting photo and a waiting correction; reports of an unrecorded
    site and of looting at the S2 site, one accepted."""
    sites = [
        HeritageSiteFactory(
            published=True, sensitivity=cls, location=Point(*EXACT), name_en=f"Hidden {cls}"
        )
        for cls in ("S1", "S2", "S3")
    ]
    sender = contributor_make("Aigerim Secretova", "contributor-secret@example.kz")
    client.force_login(sender.user)
    for site in sites:
        send_photo(client, site, caption="Seen from the road")
        send_observation(client, site, note="NOTE-SECRET dug pits")
    accepted = list(Contribution.objects.all())
    for site in sites:
        send_photo(client, site, credit="PENDING-CREDIT")
        url = reverse("contribute-correction", args=[site.registry_number])
        client.post(url, {"field": "description_en", "text": "CORRECTION-SECRET 2 km north"})
    send_report(client, *reversed(UNRECORDED), report_kind="unrecorded", text="REPORT-SECRET")
    send_report(
        client, *reversed(NEAR_S2), site=sites[1].registry_number, text="REPORT-SECRET pits"
    )
    client.logout()
    officer = officer_of("KZ75")
    for item in [*accepted, Contribution.objects.filter(kind="report").first()]:
        contribution_accept(contribution=item, by=officer)
    assert Contribution.objects.filter(state="accepted").count() == 7
    return sites


def _doors(sites) -> list[str]:
    doors = [
        reverse("api:site-list"),
        reverse("api:site-list") + "?format=geojson",
        reverse("maps:sitemap"),
        reverse("maps:sitemap-section", args=["sites"]),
        reverse("maps:sites-in-view") + "?bbox=46,40,88,56",
        tile_url(*EXACT, 14),
        tile_url(*EXACT, 8),
        tile_url(*UNRECORDED, 14),
        tile_url(76.955, 43.235, 14),  # the S1 cell's centre
        tile_url(76.95, 43.25, 12),  # the S2 cell's centre
    ]
    for site in sites:
        doors += [
            reverse("maps:site-detail", args=[site.registry_number]),
            reverse("maps:site-panel", args=[site.registry_number]),
            reverse("api:site-detail", args=[site.registry_number]),
        ]
    return doors


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_no_public_door_reveals_a_location_or_what_was_sent(client, world, language):
    for url in _doors(world):
        response = client.get(url, headers={"accept-language": language})
        text = _body(response)

        assert response.status_code == 200, url
        assert [s for s in COORDINATES + SENT_TEXTS if s in text] == [], url


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_exports_reveal_no_location_or_what_was_sent(client, world, fmt):
    response = client.get(reverse("api:site-export", args=[fmt]))
    text = _body(response)

    assert response.status_code == 200
    assert all(site.registry_number in text for site in world)
    assert [s for s in COORDINATES + SENT_TEXTS if s in text] == []


def test_accepted_photos_are_public_with_their_credit_and_waiting_ones_are_not(client, world):
    for site in world:
        page = client.get(reverse("maps:site-detail", args=[site.registry_number]), headers={
            "accept-language": "en"
        }).content.decode()  # fmt: skip

        assert page.count('class="photo-credit"') == 1
        assert "A. Nurova" in page
        assert "PENDING-CREDIT" not in page


def test_no_stored_file_public_or_private_carries_metadata(world, settings):
    files = [
        path
        for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
        for path in Path(root).rglob("*")
        if path.is_file()
    ]

    assert len(files) >= 6 + 3 * 3  # the six sent photos; the public copies and originals
    assert {
        path.name: has_metadata(path.read_bytes())
        for path in files
        if has_metadata(path.read_bytes())
    } == {}


def test_public_photo_files_are_served_without_metadata(client, world):
    for photo in SitePhoto.objects.all():
        for copy in (photo.web, photo.thumbnail):
            response = client.get(copy.url)
            data = b"".join(response.streaming_content) if response.streaming else response.content
            assert response.status_code == 200, copy.url
            assert has_metadata(data) == []
