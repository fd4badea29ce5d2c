"""Contributing (issue 16): who may send, to which sites, what is kept of it, and the limits."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from contributions.models import Contribution
from tests.contributions.conftest import contributor_make
from tests.contributions.contrib_helpers import (
    EN,
    has_metadata,
    region,
    send_observation,
    send_photo,
    send_report,
)
from tests.factories import HeritageSiteFactory

ALMATY_CITY = (43.2381, 76.9453)  # lat, lon: in the city of Almaty (KZ75)


@pytest.fixture
def site(db):
    return HeritageSiteFactory(published=True, sensitivity="S0", name_en="Yasawi mausoleum")


@pytest.fixture
def sender(client, contributor):
    client.force_login(contributor.user)
    return contributor


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, site):
    response = client.get(reverse("contribute-photo", args=[site.registry_number]))

    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_an_account_without_a_contributor_is_refused(client, site, officer):
    client.force_login(officer)

    response = client.get(reverse("contribute-site", args=[site.registry_number]))

    assert response.status_code == 403


def test_a_suspended_contributor_cannot_send(client, site, sender):
    sender.suspended_at = timezone.now()
    sender.save()

    response = send_observation(client, site)

    assert response.status_code == 403
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("name", ["contribute-site", "contribute-photo", "contribute-correction"])
def test_a_draft_or_unknown_site_is_not_found(client, sender, db, name):
    draft = HeritageSiteFactory(sensitivity="S0")

    assert client.get(reverse(name, args=[draft.draft_reference])).status_code == 404
    assert client.get(reverse(name, args=["KZ-999999"])).status_code == 404


def test_an_observation_waits_for_the_sites_region(client, site, sender):
    response = send_observation(client, site, note="The dome has a new crack")

    item = Contribution.objects.get()
    assert response.status_code == 302
    assert (item.kind, item.state, item.region_id) == ("observation", "submitted", site.region_id)
    assert item.threats_seen == ["looting"]
    assert item.contributor == sender
    assert item.pseudonym
    assert item.location is None


def test_an_observation_of_a_future_visit_is_refused_on_its_field(client, site, sender):
    response = send_observation(client, site, visited_on="2999-01-01")

    assert response.status_code == 400
    assert "visited_on" in response.context["form"].errors


def test_a_correction_names_a_text_of_the_record(client, site, sender):
    url = reverse("contribute-correction", args=[site.registry_number])

    bad = client.post(url, {"field": "location", "text": "Elsewhere"})
    good = client.post(url, {"field": "name_en", "text": "Mausoleum of Khoja Ahmed Yasawi"})

    assert bad.status_code == 400
    assert "field" in bad.context["form"].errors
    assert good.status_code == 302
    assert Contribution.objects.get().field == "name_en"


def test_a_report_goes_to_the_region_its_point_is_in(client, sender, db):
    response = send_report(client, *ALMATY_CITY)

    item = Contribution.objects.get()
    assert response.status_code == 302
    assert item.region == region("KZ75")
    assert item.site is None
    assert (item.location.y, item.location.x) == ALMATY_CITY


def test_a_report_outside_kazakhstan_is_refused_naming_the_location(client, sender, db):
    response = send_report(client, 48.8566, 2.3522, headers=EN)  # Paris

    assert response.status_code == 400
    assert "not in Kazakhstan" in str(response.context["form"].errors["lat"])
    assert not Contribution.objects.exists()


def test_a_report_without_coordinates_names_the_missing_field(client, sender, db):
    response = client.post(reverse("contribute-report"), {"report_kind": "other", "text": "x"})

    assert response.status_code == 400
    assert {"lat", "lon"} <= set(response.context["form"].errors)


def test_a_report_may_name_a_published_site_but_not_an_unknown_one(client, site, sender):
    unknown = send_report(client, *ALMATY_CITY, site="KZ-999999")
    named = send_report(client, *ALMATY_CITY, site=site.registry_number)

    assert unknown.status_code == 400
    assert "site" in unknown.context["form"].errors
    assert named.status_code == 302
    assert Contribution.objects.get().site_id == site.pk


def test_the_report_form_has_a_map_and_coordinate_inputs(client, sender, db):
    page = client.get(reverse("contribute-report") + "?site=KZ-000001").content.decode()

    assert 'id="report-map"' in page
    assert 'name="lat"' in page
    assert 'name="lon"' in page
    assert 'value="KZ-000001"' in page


def test_a_photo_is_stored_without_any_metadata(client, site, sender):
    response = send_photo(client, site, caption="South portal")

    item = Contribution.objects.get()
    with item.photo.open("rb") as stored:
        data = stored.read()
    assert response.status_code == 302
    assert (item.licence, item.credit, item.caption) == (
        "CC-BY-SA-4.0",
        "A. Nurova",
        "South portal",
    )
    assert has_metadata(data) == []
    assert "IMG_0001" not in item.photo.name
    assert item.accepted_photo is None


def test_a_file_that_is_not_a_photo_is_refused_on_its_field(client, site, sender):
    text = SimpleUploadedFile("notes.jpg", b"not a picture", content_type="image/jpeg")

    response = send_photo(client, site, headers=EN, photo=text)

    assert response.status_code == 400
    assert "JPEG, PNG or WebP" in str(response.context["form"].errors["photo"])
    assert not Contribution.objects.exists()


def test_a_photo_over_the_size_limit_is_refused_on_its_field(client, site, sender, settings):
    settings.MURA_CONTRIB_MAX_PHOTO_MB = 0

    response = send_photo(client, site)

    assert response.status_code == 400
    assert "photo" in response.context["form"].errors


def test_a_photo_needs_an_open_licence_and_a_credit(client, site, sender):
    response = send_photo(client, site, licence="all-rights-reserved", credit="")

    assert response.status_code == 400
    assert {"licence", "credit"} <= set(response.context["form"].errors)


def test_the_daily_limit_per_contributor_holds(client, site, sender, settings):
    settings.MURA_CONTRIB_LIMIT_PER_DAY = 2

    statuses = [send_observation(client, site).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert Contribution.objects.count() == 2


def test_the_limit_per_address_holds_across_accounts(client, site, settings, db):
    settings.MURA_CONTRIB_RATE_ADDRESS = "2/day"
    statuses = []
    for name in ("Asel", "Bolat", "Dana"):
        client.force_login(contributor_make(name).user)
        statuses.append(send_observation(client, site).status_code)

    assert statuses == [302, 302, 429]
    assert Contribution.objects.count() == 2


def test_a_refusal_over_a_limit_says_why_in_the_visitors_language(client, site, sender, settings):
    settings.MURA_CONTRIB_LIMIT_PER_DAY = 0

    response = client.post(
        reverse("contribute-observation", args=[site.registry_number]),
        {"visited_on": "2026-05-01"},
        headers={"accept-language": "ru"},
    )

    assert response.status_code == 429
    assert "24 часа" in response.content.decode()
    assert response["Retry-After"]


def test_my_contributions_list_their_state_and_the_reason(client, site, sender):
    send_observation(client, site)
    Contribution.objects.update(state="rejected", decision_reason="Duplicate of an earlier visit")

    page = client.get(reverse("contribute-mine"), headers=EN)

    text = page.content.decode()
    assert "Rejected" in text
    assert "Duplicate of an earlier visit" in text
    assert "Yasawi mausoleum" in text


def test_the_site_page_offers_contributing(client, site, contributor):
    url = reverse("maps:site-detail", args=[site.registry_number])
    anonymous = client.get(url).content.decode()
    client.force_login(contributor.user)
    signed_in = client.get(url).content.decode()

    contribute = reverse("contribute-site", args=[site.registry_number])
    assert f"?next={contribute}" in anonymous
    assert f'href="{contribute}"' in signed_in
