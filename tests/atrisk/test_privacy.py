"""The register never lets out what the public projection withholds: for S1-S3 sites on the
register, no exact coordinate in any textual form, and nothing staff-only (inspection notes,
inspectors, reviewers' notes, the reason for listing, non-public photos) on any public door:
pages, the API, charts, the map layer, or a published year's rows."""

import io
import json

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from registry.models import AtRiskSnapshot
from registry.services.photos import photo_add
from registry.services.register_snapshots import at_risk_snapshot_publish
from tests.atrisk.conftest import DECISION, EXACT, INSPECTOR, NOTES, list_at_risk
from tests.factories import HeritageSiteFactory, UserFactory

# 76.95193, 43.23807 as a leak could spell them: decimals (dot and comma, rounded), degrees
# and minutes, and the 0.001° neighbourhood no public cell centre has.
EXACT_FORMS = [
    "76.95193", "43.23807", "76.9519", "43.2380", "43.2381", "76,9519", "43,2380", "43,2381",
    "76.952", "43.238", "76,952", "43,238", "76°57", "43°14",
]  # fmt: skip
STAFF_TEXTS = [NOTES, DECISION, INSPECTOR, "Zhanar", "Inspektorova"]
DOORS = [
    "/at-risk/",
    "/at-risk/?threat=looting",
    "/at-risk/?region=KZ75&category=architecture",
    "/at-risk/2025/",
    "/api/v1/at-risk/",
    "/api/v1/at-risk/?limit=1",
    "/api/v1/at-risk/2025/",
    "/at-risk/charts/regions.svg",
    "/at-risk/charts/conditions.svg",
    "/at-risk/charts/threats.svg",
    "/at-risk/charts/threats.svg?year=2025",
    "/maps/at-risk.geojson",
]


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "#a07050").save(buffer, format="JPEG")
    return SimpleUploadedFile("pit.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def world(db):
    """An S1, an S2 and an S3 site at risk at the same exact point, each with a non-public
    inspection photo, and 2025 published."""
    officer = UserFactory(username="photo-officer")
    photos = []
    for cls in ("S1", "S2", "S3"):
        site = HeritageSiteFactory(
            published=True, sensitivity=cls, location=Point(*EXACT), name_en=f"Hidden {cls}"
        )
        list_at_risk(site)
        photo = photo_add(site=site, upload=_jpeg(), added_by=officer, is_public=False)
        photo.inspection = site.inspections.filter(state="confirmed").first()
        photo.save()
        photos.append(photo)
    at_risk_snapshot_publish(year=2025, by=None)
    names = [p.web.name for p in photos] + [p.thumbnail.name for p in photos]
    names += [p.original.name for p in photos]
    return [n.rsplit("/", 1)[-1] for n in names if n]


def _leaks(text: str, photo_names: list[str]) -> list[str]:
    return [s for s in EXACT_FORMS + STAFF_TEXTS + photo_names if s in text]


@pytest.mark.parametrize("url", DOORS)
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_no_public_door_of_the_register_leaks(client, world, url, language):
    response = client.get(url, headers={"accept-language": language})
    text = response.content.decode()

    assert response.status_code == 200, url
    assert _leaks(text, world) == []


def test_the_doors_do_list_the_sensitive_sites(client, world):
    """The test above is not vacuous: the sites are there, by number."""
    numbers = {f["id"] for f in client.get("/api/v1/at-risk/").json()["features"]}
    assert len(numbers) == 3
    page = client.get("/at-risk/").content.decode()
    assert all(n in page for n in numbers)


def test_a_published_years_rows_carry_nothing_private(world):
    rows = AtRiskSnapshot.objects.get(year=2025).rows
    text = json.dumps(rows, ensure_ascii=False)

    assert len(rows) == 3
    assert _leaks(text, world) == []
    assert {r["sensitivity"]: r["geometry"] is None for r in rows} == {
        "S1": False, "S2": True, "S3": True,
    }  # fmt: skip


def test_s2_and_s3_sites_are_not_on_the_map_layer(client, world):
    features = client.get("/maps/at-risk.geojson").json()["features"]
    assert [f["geometry"]["type"] for f in features] == ["Polygon"]  # the S1 site's cell
