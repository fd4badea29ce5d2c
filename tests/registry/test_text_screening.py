"""Location hints in sensitive sites' public texts, against the real places file: a point about
3 km north of the village of Шойтөбе (Turkistan region), where Теке lies 14 km west and Тараз
some 270 km east."""

import io

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from registry.models import ChangeRequest, HeritageSite, Place, SiteStatusChange
from registry.services.changes import change_request_approve, change_request_open
from registry.services.photos import photo_add
from registry.services.places import places_load
from registry.services.text_screening import PHRASE, PLACE, places_near, site_location_hints
from registry.services.workflow import hints_acknowledged_label, site_publish, site_submit
from tests.factories import HeritageSiteFactory, UserFactory

NORTH_OF_SHOITOBE = Point(68.2521, 43.2389, srid=4326)  # Шойтөбе is at 68.2521, 43.2119


@pytest.fixture
def shoitobe(db):
    return Place.objects.get(name="Шойтөбе")


def _site(sensitivity="S2", **texts):
    fields = {"name_kk": "Қорым", "name_ru": "Могильник", "name_en": "Burial ground"} | texts
    return HeritageSiteFactory(sensitivity=sensitivity, location=NORTH_OF_SHOITOBE, **fields)


def _found(site, kind=None):
    return [
        (finding.field, finding.matched)
        for finding in site_location_hints(site=site)
        if kind is None or finding.kind == kind
    ]


def test_the_places_file_is_loaded_with_names_kinds_and_regions(db):
    almaty = Place.objects.get(name_en="Almaty")

    assert Place.objects.count() == 3823
    assert (almaty.kind, almaty.name_kk, almaty.name_ru) == ("city", "Алматы", "Алматы")
    assert almaty.population > 2_000_000
    assert almaty.region.code == "KZ75"


def test_loading_the_places_again_changes_nothing(db):
    before = sorted(Place.objects.values_list("pk", "name", "point"))

    assert places_load() == 3823

    assert sorted(Place.objects.values_list("pk", "name", "point")) == before


def test_places_near_are_measured_from_the_point_in_km(shoitobe):
    near = {place.name: km for place, km in places_near(point=NORTH_OF_SHOITOBE, radius_km=25)}

    assert 2.8 < near["Шойтөбе"] < 3.2
    assert "Тараз" not in near


@pytest.mark.parametrize(
    ("field", "text", "matched"),
    [
        ("description_kk", "Шойтөбе ауылының маңында.", "Шойтөбе"),
        ("description_kk", "Ескерткіш Шойтөбеден солтүстікке қарай.", "Шойтөбеден"),
        ("description_kk", "Шойтөбе-ден алыс емес.", "Шойтөбе-ден"),
        ("description_ru", "Недалеко от села шойтобе.", "шойтобе"),
        ("description_ru", "К северу от Шойтобе.", "Шойтобе"),
        ("description_en", "Near Shoitobe village.", "Shoitobe"),
        ("description_en", "North of Shoytobe.", "Shoytobe"),
        ("name_en", "Shoitobe kurgans", "Shoitobe"),
        ("dating_note_en", "dated by finds from Shoitobe", "Shoitobe"),
    ],
)
def test_a_nearby_place_name_is_found_in_either_script_and_inflected(
    shoitobe, field, text, matched
):
    site = _site(**{field: text})

    findings = [f for f in site_location_hints(site=site) if f.kind == PLACE]

    assert [(f.field, f.matched, f.place) for f in findings] == [(field, matched, "Шойтөбе")]
    assert 2.8 < findings[0].distance_km < 3.2
    assert findings[0].text[findings[0].start : findings[0].end] == matched


def test_other_names_are_screened_one_by_one(shoitobe):
    site = _site(alt_names=["Үлкен қорым", "Шойтөбе қорымы"])

    assert _found(site) == [("alt_names", "Шойтөбе")]


def test_a_place_name_inside_another_word_is_not_a_match(shoitobe):
    site = _site(description_en="Ashoitobe and shoitobeanother are not village names.")

    assert _found(site, PLACE) == []


def test_a_place_beyond_the_radius_is_not_flagged(db):
    site = _site(sensitivity="S3", description_ru="Курганы такого типа известны и около Тараза.")

    assert _found(site) == []


def test_the_radius_grows_with_the_sensitivity_class(db):
    text = "Similar mounds are known at Teke."  # Теке: 14 km west of the site

    assert _found(_site(sensitivity="S1", description_en=text)) == []
    assert _found(_site(sensitivity="S2", description_en=text)) == [("description_en", "Teke")]


def test_open_sites_are_not_screened(shoitobe):
    site = _site(sensitivity="S0", description_en="3 km north of Shoitobe.")

    assert site_location_hints(site=site) == []


@pytest.mark.parametrize(
    ("field", "text", "matched"),
    [
        ("description_en", "It lies 3 km north of the road.", "3 km north of"),
        ("description_en", "Kurgans 5 km NE of the well.", "5 km NE of"),
        ("description_en", "Some 4 kilometres away from the river.", "4 kilometres away"),
        ("description_en", "2.5 km to the south-west", "2.5 km to the south-west"),
        ("description_ru", "Расположен в 5 км к северу от реки.", "5 км к северу от"),
        ("description_ru", "Находится в 2 км юго-западнее дороги.", "2 км юго-западнее"),
        ("description_ru", "В нескольких километрах к востоку.", "километрах к востоку"),
        ("description_ru", "Примерно в 15 км от трассы.", "15 км от"),
        ("description_kk", "Ауылынан 3 км солтүстікке қарай.", "Ауылынан 3 км солтүстікке"),
        ("description_kk", "Батысында 2 шақырым жерде.", "Батысында 2 шақырым жерде"),
        ("description_kk", "Солтүстік-батысында 2 шақырым.", "Солтүстік-батысында 2 шақырым"),
        ("description_kk", "Өзеннен шамамен 15 км жердегі қорым.", "Өзеннен шамамен 15 км жердегі"),
        ("dating_note_en", "found 1.5 km from the spring", "1.5 km from"),
    ],
)  # fmt: skip
def test_distance_and_direction_phrases_are_found_in_every_language(db, field, text, matched):
    site = _site(**{field: text})

    assert _found(site, PHRASE) == [(field, matched)]


@pytest.mark.parametrize(
    "text",
    [
        "The north wall is 20 m high.",
        "A mound 30 m across with a ditch on the east side.",
        "Северная стена высотой 20 м.",
        "Курган диаметром 20 м, западная часть разрушена.",
        "Кесененің солтүстік қабырғасы 12 м.",
        "Built in 1389–1405 in the northern style.",
    ],
)
def test_a_direction_or_a_size_alone_is_not_a_location_hint(db, text):
    site = _site(description_en=text)

    assert _found(site) == []


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


def test_photo_captions_are_screened(shoitobe):
    site = _site()
    upload = SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg")
    photo_add(
        site=site, upload=upload, added_by=UserFactory(), caption_ru="Вид с дороги на Шойтобе"
    )

    assert _found(site) == [("caption_ru", "Шойтобе")]


def test_screening_never_changes_the_text(shoitobe):
    site = _site(description_en="3 km north of Shoitobe.")

    site_location_hints(site=site)

    site.refresh_from_db()
    assert site.description_en == "3 km north of Shoitobe."


# The workflow: submitting and publishing need the hints checked.


def test_a_submission_with_unchecked_hints_is_refused_and_nothing_changes(shoitobe):
    site = _site(description_en="3 km north of Shoitobe.")
    officer = UserFactory(username="officer-a")

    with translation.override("kk"), pytest.raises(ValidationError) as refused:
        site_submit(site=site, by=officer)

    message = refused.value.message_dict["hints_acknowledged"][0]
    with translation.override("kk"):
        assert f"«{hints_acknowledged_label()}»" in message  # the interface's language
    site.refresh_from_db()
    assert (site.status, site.version) == ("draft", 1)
    assert not SiteStatusChange.objects.filter(site=site).exists()


def test_a_checked_submission_passes_and_its_note_says_who_checked_how_many(shoitobe):
    site = _site(description_en="3 km north of Shoitobe.")
    officer = UserFactory(username="officer-a")

    site_submit(site=site, by=officer, note="ready", hints_acknowledged=True)

    change = SiteStatusChange.objects.get(site=site)
    assert change.to_status == "in_review"
    assert change.note == (
        "ready\nLocation hints checked by officer-a: 2"
        " (place names: 1, distance/direction phrases: 1)."
    )


def test_a_site_without_hints_needs_no_confirmation(db):
    site = _site(description_en="A mausoleum of fired brick.")

    site_submit(site=site, by=UserFactory(username="officer-a"), note="ready")

    assert SiteStatusChange.objects.get(site=site).note == "ready"


def test_publishing_needs_the_reviewer_to_check_the_hints_too(shoitobe):
    site = _site(description_kk="Шойтөбеден 3 шақырым жерде.")
    site = site_submit(site=site, by=UserFactory(username="officer-a"), hints_acknowledged=True)
    reviewer = UserFactory(username="reviewer-b")

    with pytest.raises(ValidationError):
        site_publish(site=site, reviewer=reviewer)
    assert HeritageSite.objects.get(pk=site.pk).status == "in_review"

    site_publish(site=site, reviewer=reviewer, hints_acknowledged=True)
    assert HeritageSite.objects.get(pk=site.pk).status == "published"
    note = SiteStatusChange.objects.get(site=site, to_status="published").note
    assert note.startswith("Location hints checked by reviewer-b: 2 ")


def test_a_change_request_that_adds_a_hint_needs_it_checked(shoitobe):
    site = HeritageSiteFactory(published=True, sensitivity="S2", location=NORTH_OF_SHOITOBE)
    change = change_request_open(
        site=site, fields={"description_ru": "В 3 км к северу от Шойтобе."},
        expected_version=site.version, by=UserFactory(username="officer-a"), reason="more text",
    )  # fmt: skip
    reviewer = UserFactory(username="reviewer-b")

    with pytest.raises(ValidationError):
        change_request_approve(request=change, reviewer=reviewer)
    site.refresh_from_db()
    assert not site.description_ru
    assert ChangeRequest.objects.get(pk=change.pk).state == "open"

    change_request_approve(request=change, reviewer=reviewer, hints_acknowledged=True)
    change.refresh_from_db()
    assert change.state == "approved"
    assert "Location hints checked by reviewer-b: 2 " in change.decision_note
