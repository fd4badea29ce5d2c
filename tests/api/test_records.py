"""A single record (`/api/v1/sites/<number>/`) is built by PostgreSQL (registry/features.py
`record`); the serializers in registry/api/serializers.py document it. Both must give the same
feature, value for value, to every reader."""

import datetime
import json

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from registry.access import door_for
from registry.api.serializers import site_serializers
from registry.models import HeritageSite
from registry.selectors import staff_number_lookup
from tests.factories import HeritageSiteFactory

ALMATY = Point(76.9519, 43.2380, srid=4326)
OUTLINE = MultiPolygon(Polygon.from_bbox((76.9510, 43.2371, 76.9528, 43.2389)), srid=4326)


@pytest.fixture
def sites(db):
    """Every kind of value a record holds: full texts, other names with quotes and Kazakh
    letters, a boundary, ids, a publication time with and without microseconds; each class."""
    made = {}
    for sensitivity in ("S0", "S1", "S2", "S3"):
        made[sensitivity] = HeritageSiteFactory(
            published=True,
            sensitivity=sensitivity,
            location=ALMATY.clone(),
            boundary=OUTLINE.clone(),
            description_kk="Ұлы «кесене»",
            description_ru='Мавзолей "Х"\nвторая строка',
            description_en="",
            alt_names=["Қожа Ахмет", 'The "old" tomb'],
            dating_note_kk="XIV ғ.",
            dating_note_en="14th c.",  # no ru: a ru record falls back to kk
            unesco_id=1103,
            wikidata_id="Q1054401",
            threats="erosion",
            date_from=-500,
            date_to=1405,
        )
    # Exactly on a second (no microseconds) and in the middle of one.
    HeritageSite.objects.filter(pk=made["S0"].pk).update(
        published_at=datetime.datetime(2026, 3, 1, 19, 30, tzinfo=datetime.UTC)
    )
    HeritageSite.objects.filter(pk=made["S1"].pk).update(
        published_at=timezone.now().replace(microsecond=1234)
    )
    made["draft"] = HeritageSiteFactory(sensitivity="S1", location=ALMATY.clone())
    return made


def _serialized(user, number: str) -> dict:
    """The record as the detail serializer renders it for `user` (DRF's own JSON)."""
    door = door_for(user)
    lookup = staff_number_lookup(number) if door.staff else {"registry_number": number}
    site = door.sites.get(lookup) if door.staff else door.sites.get(**lookup)
    return json.loads(JSONRenderer().render(site_serializers(door)[1](site).data))


def _readers(users):
    granted = users["researcher"]
    granted.user_permissions.add(Permission.objects.get(codename="view_exact_location"))
    return {"public": None, "researcher": granted, "officer": users["officer"]}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_reader_gets_what_the_serializer_documents(client, sites, users, language):
    for reader, user in _readers(users).items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for kind, site in sites.items():
            number = site.registry_number or site.draft_reference
            response = client.get(
                reverse("api:site-detail", args=[number]), HTTP_ACCEPT_LANGUAGE=language
            )
            if kind == "draft" and reader != "officer":
                assert response.status_code == 404, (reader, kind)
                continue
            assert response.status_code == 200, (reader, kind, response.content)
            with translation.override(language):
                expected = _serialized(user or AnonymousUser(), number)
            assert response.json() == expected, (reader, kind)


def test_the_public_record_keeps_the_projection(client, sites):
    s2 = client.get(reverse("api:site-detail", args=[sites["S2"].registry_number])).json()
    s3 = client.get(reverse("api:site-detail", args=[sites["S3"].registry_number])).json()

    assert s2["geometry"]["coordinates"] != [76.9519, 43.238]
    assert "boundary" not in s2["properties"]
    assert "threats" not in s2["properties"]
    assert s3["geometry"] is None
    assert s2["properties"]["alt_names"] == ["Қожа Ахмет", 'The "old" tomb']


def test_publication_times_read_as_drf_writes_them(client, sites):
    s0 = client.get(reverse("api:site-detail", args=[sites["S0"].registry_number])).json()
    s1 = client.get(reverse("api:site-detail", args=[sites["S1"].registry_number])).json()

    assert s0["properties"]["published_at"] == "2026-03-02T00:30:00+05:00"  # Asia/Almaty
    assert s1["properties"]["published_at"].endswith(".001234+05:00")


def test_an_unknown_number_is_404_json(client, sites):
    response = client.get(reverse("api:site-detail", args=["KZ-9999999"]))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("language", "note"), [("kk", "XIV ғ."), ("ru", "XIV ғ."), ("en", "14th c.")]
)
def test_the_dating_note_is_the_languages_with_fallback_and_each_language_its_own(
    client, sites, language, note
):
    number = sites["S0"].registry_number
    url = reverse("api:site-detail", args=[number])
    properties = client.get(url, HTTP_ACCEPT_LANGUAGE=language).json()["properties"]

    assert properties["dating_note"] == note
    assert properties["dating_note_kk"] == "XIV ғ."
    assert properties["dating_note_en"] == "14th c."
    assert not properties["dating_note_ru"]
