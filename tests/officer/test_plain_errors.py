"""Issue 14, item 10: a refused site form says what to fix, in the officer's language, beside
the field to fix: never a constraint's name nor GeoDjango's "No geometry value provided."."""

import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from registry.models import ChangeRequest, Designation, HeritageSite, PublicSite
from tests.officer.conftest import site_form_data

DATING = {
    "en": "“From year” must not be later than “To year”.",
    "kk": "«Жылдан бастап» мәні «Жылға дейін» мәнінен кейін болмауы керек.",
    "ru": "Значение «С года» не может быть позже значения «До года».",
}
NO_LOCATION = {
    "en": "Put the site on the map, or type its longitude and latitude.",
    "kk": "Нысанды картаға белгілеңіз немесе оның бойлығы мен ендігін жазыңыз.",
    "ru": "Отметьте объект на карте или введите его долготу и широту.",
}
VALIDITY = {
    "en": "“Valid from” must not be later than “Valid to”.",
    "kk": "«Қолданылу басы» «Қолданылу соңынан» кейін болмауы керек.",
    "ru": "Дата «Действует с» не может быть позже даты «Действует по».",
}
RAW = ("Constraint", "site_dating_in_order", "designation_validity_in_order", "No geometry value")


def _client(user, language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def _errors_of(page: str, field_id: str) -> list[str]:
    """The messages of the error list Django renders for the field `field_id`."""
    found = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', page, re.S)
    return (
        [html.unescape(m) for m in re.findall(r"<li>(.*?)</li>", found.group(1))] if found else []
    )


def _beside(page: str, field_id: str, message: str) -> bool:
    """`message` is in the field's own error list, within the same few hundred characters as
    the field's input (before or after it), not at the top of the form."""
    at_input = page.index(f'id="{field_id}"')
    at_error = page.index(f'id="{field_id}_error"')
    return message in _errors_of(page, field_id) and abs(at_error - at_input) < 600


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_inverted_period_and_no_location_are_told_beside_their_fields(people, language):
    client = _client(people["officer_in"], language)

    response = client.post(
        reverse("registry:site-new"),
        site_form_data(date_from="1405", date_to="1389", location=""),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert _beside(page, "id_date_to", DATING[language])
    assert _errors_of(page, "id_location") == [NO_LOCATION[language]]
    assert page.index('id="id_location_error"') < page.index('id="id_location-map"')
    assert not any(raw in html.unescape(page) for raw in RAW)
    assert "errorlist nonfield" not in page  # nothing left at the top of the form
    assert not HeritageSite.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_inverted_validity_of_an_act_is_told_beside_its_field(people, language):
    client = _client(people["officer_in"], language)
    acts = {
        "acts-TOTAL_FORMS": "1", "acts-INITIAL_FORMS": "0", "acts-0-scheme": "local_list",
        "acts-0-valid_from": "2020-05-01", "acts-0-valid_to": "2019-01-01",
    }  # fmt: skip

    response = client.post(reverse("registry:site-new"), site_form_data(**acts))

    assert response.status_code == 200
    page = response.content.decode()
    assert _beside(page, "id_acts-0-valid_to", VALIDITY[language])
    assert not any(raw in html.unescape(page) for raw in RAW)
    assert not Designation.objects.exists()


@pytest.mark.django_db
def test_translated_dating_note_and_act_texts_are_saved_per_language(people):
    client = _client(people["officer_in"], "en")
    data = site_form_data(
        dating_note_kk="XIV ғ. соңы", dating_note_ru="конец XIV в.", dating_note_en="late 14th c.",
        **{
            "acts-TOTAL_FORMS": "1", "acts-INITIAL_FORMS": "0", "acts-0-scheme": "unesco",
            "acts-0-authority_kk": "ЮНЕСКО Бүкіләлемдік мұра комитеті",
            "acts-0-authority_ru": "Комитет всемирного наследия ЮНЕСКО",
            "acts-0-authority_en": "UNESCO World Heritage Committee",
            "acts-0-criteria_en": "(i)(iii)(iv)",
        },
    )  # fmt: skip

    response = client.post(reverse("registry:site-new"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    site = HeritageSite.objects.get()
    assert (site.dating_note_kk, site.dating_note_ru, site.dating_note_en) == (
        "XIV ғ. соңы", "конец XIV в.", "late 14th c.",
    )  # fmt: skip
    act = site.designations.get()
    assert act.authority_ru == "Комитет всемирного наследия ЮНЕСКО"
    assert act.criteria_en == "(i)(iii)(iv)"
    page = _client(people["officer_in"], "ru").get(
        reverse("registry:site-detail", args=[site.reference])
    )
    assert "конец XIV в." in page.content.decode()
    assert "Комитет всемирного наследия ЮНЕСКО" in page.content.decode()


@pytest.mark.django_db
def test_a_change_request_carries_a_translated_dating_note_to_the_public_record(people):
    officer, reviewer = _client(people["officer_in"], "en"), _client(people["reviewer_in"], "en")
    created = officer.post(reverse("registry:site-new"), site_form_data())
    site = HeritageSite.objects.get(reference=created["Location"].split("/")[-2])
    officer.post(reverse("registry:site-submit", args=[site.reference]))
    reviewer.post(reverse("registry:review-site", args=[site.reference]), {"decision": "approve"})
    site.refresh_from_db()

    officer.post(
        reverse("registry:site-edit", args=[site.reference]),
        site_form_data(
            dating_note_ru="конец XIV в.", version=str(site.version), reason="Russian note"
        ),
    )
    change = ChangeRequest.objects.get(site=site)
    diff = reviewer.get(reverse("registry:review-change", args=[change.pk])).content.decode()

    assert change.proposed == {"dating_note_ru": "конец XIV в."}
    assert "конец XIV в." in diff
    assert PublicSite.objects.get(pk=site.pk).dating_note_ru in ("", None)

    reviewer.post(reverse("registry:review-change", args=[change.pk]), {"decision": "approve"})

    public = PublicSite.objects.get(pk=site.pk)
    assert public.dating_note_ru == "конец XIV в."
    page = _client(people["researcher"], "ru").get(f"/sites/{site.registry_number}/")
    assert "конец XIV в." in page.content.decode()
