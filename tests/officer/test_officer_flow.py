"""The officer's and reviewer's work through the real views and forms."""

import json

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registry.models import ChangeRequest, HeritageSite, ProtectionZone
from registry.selectors import site_list_public
from tests.officer.conftest import IN_ALMATY, site_form_data

BOWTIE = {"type": "MultiPolygon", "coordinates": [[[[68.27, 43.29], [68.28, 43.30], [68.28, 43.29],
                                                   [68.27, 43.30], [68.27, 43.29]]]]}  # fmt: skip
ZONE = {"type": "Polygon", "coordinates": [[[68.26, 43.29], [68.28, 43.29], [68.28, 43.30],
                                           [68.26, 43.30], [68.26, 43.29]]]}  # fmt: skip


def client_for(user):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English
    client.force_login(user)
    return client


def _create(client, **overrides):
    response = client.post(reverse("registry:site-new"), site_form_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return HeritageSite.objects.get(reference=response["Location"].split("/")[-2])


def test_an_officer_registers_a_site_with_an_act_and_a_zone_drawn_on_the_map(people):
    officer = client_for(people["officer_in"])
    act = {"acts-TOTAL_FORMS": "1", "acts-0-scheme": "unesco", "acts-0-criteria": "(i)(iii)(iv)",
           "acts-0-zone_kind": "core", "acts-0-zone": json.dumps(ZONE)}  # fmt: skip

    site = _create(officer, **act)

    assert site.status == "draft"
    assert (site.registry_number, site.region.iso_3166_2) == (None, "KZ-61")
    assert site.draft_reference.startswith("D-")
    assert site.created_by == people["officer_in"]
    zone = ProtectionZone.objects.get(designation__site=site)
    assert zone.kind == "core"
    assert zone.area_ha > 100


def test_a_location_outside_the_officers_regions_is_refused_and_nothing_is_written(people):
    officer = client_for(people["officer_in"])

    response = officer.post(reverse("registry:site-new"), site_form_data(location=IN_ALMATY.json))

    assert response.status_code == 200
    assert "outside your regions" in response.content.decode()
    assert not HeritageSite.objects.exists()


def test_a_rejected_form_keeps_what_was_drawn(people):
    officer = client_for(people["officer_in"])

    response = officer.post(
        reverse("registry:site-new"), site_form_data(boundary=json.dumps(BOWTIE))
    )

    page = response.content.decode()
    assert "Self-intersection" in page
    assert "68.27105556" in page  # the drawn point is still on the map
    assert not HeritageSite.objects.exists()


def test_the_second_of_two_concurrent_edits_is_refused_naming_the_first(people):
    first, second = client_for(people["officer_in"]), client_for(people["officer_in_2"])
    site = _create(first)
    edit = reverse("registry:site-edit", args=[site.reference])
    first.get(edit), second.get(edit)  # both open the form at version 1

    saved = first.post(edit, site_form_data(name_en="Yasawi (first)", version="1", reason="a"))
    refused = second.post(edit, site_form_data(name_en="Yasawi (second)", version="1", reason="b"))

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert "was changed by aigerim" in refused.content.decode()
    # When, in the registry's time zone (Asia/Almaty, +05), not UTC.
    when = timezone.localtime(site.history.first().history_date)
    assert f"at {when:%Y-%m-%d %H:%M} +05" in refused.content.decode()
    assert "Yasawi (second)" in refused.content.decode()  # the refused input is not lost
    assert "Reload the current version" in refused.content.decode()
    site.refresh_from_db()
    assert site.name_en == "Yasawi (first)"


def test_submit_review_and_publish_with_four_eyes(people):
    officer, reviewer = client_for(people["officer_in"]), client_for(people["reviewer_in"])
    site = _create(officer)
    officer.post(reverse("registry:site-submit", args=[site.reference]), {"note": "done"})

    queue = reviewer.get(reverse("registry:review-queue")).content.decode()
    review = reviewer.get(reverse("registry:review-site", args=[site.reference]))
    approved = reviewer.post(
        reverse("registry:review-site", args=[site.reference]),
        {"decision": "approve", "note": "ok"},
    )

    assert site.draft_reference in queue
    assert 'data-field="name_kk"' in review.content.decode()
    assert approved.status_code == 302
    site.refresh_from_db()
    assert site.registry_number.startswith("KZ-")
    assert site_list_public().filter(registry_number=site.registry_number).exists()


def test_nobody_approves_their_own_submission_even_with_both_roles(people):
    both = people["officer_in"]
    both.groups.add(people["reviewer_in"].groups.get())
    client = client_for(both)
    site = _create(client)
    client.post(reverse("registry:site-submit", args=[site.reference]))

    response = client.post(
        reverse("registry:review-site", args=[site.reference]), {"decision": "approve"}
    )

    assert response.status_code == 200
    site.refresh_from_db()
    assert site.status == "in_review"


def test_a_returned_submission_goes_back_to_draft_with_the_comment(people):
    officer, reviewer = client_for(people["officer_in"]), client_for(people["reviewer_in"])
    site = _create(officer)
    officer.post(reverse("registry:site-submit", args=[site.reference]))

    reviewer.post(
        reverse("registry:review-site", args=[site.reference]),
        {"decision": "return", "note": "Check the dating."},
    )

    site.refresh_from_db()
    assert site.status == "draft"
    assert site.status_changes.last().note == "Check the dating."


def _published(people):
    officer, reviewer = client_for(people["officer_in"]), client_for(people["reviewer_in"])
    site = _create(officer)
    officer.post(reverse("registry:site-submit", args=[site.reference]))
    reviewer.post(reverse("registry:review-site", args=[site.reference]), {"decision": "approve"})
    site.refresh_from_db()
    return site, officer, reviewer


def test_editing_a_published_site_waits_for_review_while_the_public_sees_the_old_record(people):
    site, officer, reviewer = _published(people)
    edit = reverse("registry:site-edit", args=[site.reference])

    officer.post(
        edit,
        site_form_data(
            name_en="Yasawi, renamed", version=str(site.version), reason="official English name"
        ),
    )
    public = site_list_public().get(registry_number=site.registry_number)
    change = ChangeRequest.objects.get(site=site)
    diff = reviewer.get(reverse("registry:review-change", args=[change.pk])).content.decode()

    assert public.name_en == "Mausoleum of Khoja Ahmed Yasawi"
    assert "Yasawi, renamed" in diff

    reviewer.post(reverse("registry:review-change", args=[change.pk]), {"decision": "approve"})

    public = site_list_public().get(registry_number=site.registry_number)
    assert public.name_en == "Yasawi, renamed"
    latest = HeritageSite.objects.get(pk=site.pk).history.first()
    assert "official English name" in latest.history_change_reason


def test_withdraw_and_restore(people):
    site, officer, reviewer = _published(people)
    number = site.registry_number

    reviewer.post(reverse("registry:site-withdraw", args=[number]), {"note": "duplicate entry"})
    assert not site_list_public().filter(registry_number=number).exists()
    reviewer.post(reverse("registry:site-restore", args=[number]), {"note": "not a duplicate"})

    site.refresh_from_db()
    assert site.status == "draft"


def test_history_says_who_changed_what_when_and_why(people):
    officer = client_for(people["officer_in"])
    site = _create(officer)
    officer.post(
        reverse("registry:site-edit", args=[site.reference]),
        site_form_data(condition="poor", version="1", reason="inspection 2026"),
    )

    page = officer.get(reverse("registry:site-history", args=[site.reference]))

    html = page.content.decode()
    assert "inspection 2026" in html
    assert "aigerim" in html
    assert "Good" in html
    assert "Poor" in html


def test_logins_lock_out_after_repeated_failures(db, people):
    client = Client()
    login = reverse("login")
    for _ in range(5):
        client.post(login, {"username": "aigerim", "password": "wrong"})

    response = client.post(login, {"username": "aigerim", "password": "pw-aigerim"})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_officer_logs_in_and_changes_their_password(db, people):
    client = Client()
    client.post(reverse("login"), {"username": "aigerim", "password": "pw-aigerim"})

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-aigerim",
            "new_password1": "Steppe-Wind-2026",
            "new_password2": "Steppe-Wind-2026",
        },
    )

    assert response.status_code == 302
    people["officer_in"].refresh_from_db()
    assert people["officer_in"].check_password("Steppe-Wind-2026")


def test_staff_reach_a_site_by_its_draft_reference_before_and_after_publication(people):
    site, officer, _ = _published(people)

    by_number = officer.get(reverse("registry:site-detail", args=[site.registry_number]))
    by_draft_reference = officer.get(reverse("registry:site-detail", args=[site.draft_reference]))

    assert by_number.status_code == by_draft_reference.status_code == 200
    assert by_draft_reference.context["site"] == site
    page = by_number.content.decode()
    assert site.registry_number in page
    assert site.draft_reference in page
