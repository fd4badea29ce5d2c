"""Location hints through the officer's and the reviewer's pages: shown highlighted and
escaped, and a submission or an approval refused until someone says they checked them."""

from django.contrib.gis.geos import Point
from django.urls import reverse

from registry.models import HeritageSite, SiteStatusChange
from registry.services.sites import site_create
from registry.services.workflow import site_submit
from tests.officer.test_officer_flow import client_for

NEAR_SHOITOBE = Point(68.2521, 43.2389, srid=4326)  # 3 km north of the village of Шойтөбе
TEXT = "Kurgans <b>3 km north of</b> Shoitobe <script>alert(1)</script>."
LABEL = "I have checked these location hints"


def _draft(people, **fields):
    fields = {
        "name_kk": "Қорым", "name_en": "Burial ground", "category": "archaeology",
        "significance": "local", "sensitivity": "S2", "location": NEAR_SHOITOBE,
        "description_en": TEXT,
    } | fields  # fmt: skip
    return site_create(fields=fields, created_by=people["officer_in"])


def test_the_officer_sees_the_hints_highlighted_with_the_text_escaped(people):
    site = _draft(people)

    page = client_for(people["officer_in"]).get(
        reverse("registry:site-detail", args=[site.reference])
    )

    html = page.content.decode()
    assert "2 location hints in the public texts" in html
    assert "&lt;b&gt;<mark>3 km north of</mark>&lt;/b&gt; Shoitobe" in html
    assert "<mark>Shoitobe</mark> &lt;script&gt;alert(1)&lt;/script&gt;." in html
    assert "<script>alert(1)" not in html
    assert "place “Шойтөбе”, 3.0 km from the exact location" in html
    assert 'name="hints_acknowledged"' in html
    assert LABEL in html


def test_submitting_without_the_confirmation_is_refused_and_says_what_to_tick(people):
    site = _draft(people)
    officer = client_for(people["officer_in"])

    response = officer.post(
        reverse("registry:site-submit", args=[site.reference]), {"note": "ready"}, follow=True
    )

    assert f"tick “{LABEL}”" in response.content.decode()
    site.refresh_from_db()
    assert site.status == "draft"
    assert not SiteStatusChange.objects.filter(site=site).exists()


def test_submitting_with_the_confirmation_records_it_in_the_note(people):
    site = _draft(people)
    officer = client_for(people["officer_in"])

    officer.post(
        reverse("registry:site-submit", args=[site.reference]),
        {"note": "ready", "hints_acknowledged": "on"},
    )

    site.refresh_from_db()
    assert site.status == "in_review"
    note = SiteStatusChange.objects.get(site=site).note
    assert note.startswith("ready\nLocation hints checked by aigerim: 2 ")
    assert site.description_en == TEXT


def test_an_open_site_shows_no_hints_and_submits_without_confirmation(people):
    site = _draft(people, sensitivity="S0")
    officer = client_for(people["officer_in"])

    page = officer.get(reverse("registry:site-detail", args=[site.reference]))
    officer.post(reverse("registry:site-submit", args=[site.reference]), {"note": ""})

    assert "location-hints" not in page.content.decode().split("<body>")[1]
    assert HeritageSite.objects.get(pk=site.pk).status == "in_review"


def test_the_reviewer_sees_the_hints_and_must_confirm_before_approving(people):
    site = site_submit(site=_draft(people), by=people["officer_in"], hints_acknowledged=True)
    reviewer = client_for(people["reviewer_in"])
    url = reverse("registry:review-site", args=[site.reference])

    page = reviewer.get(url)
    refused = reviewer.post(url, {"decision": "approve", "note": ""})

    assert "<mark>Shoitobe</mark>" in page.content.decode()
    assert refused.status_code == 200
    assert f"tick “{LABEL}”" in refused.content.decode()
    assert HeritageSite.objects.get(pk=site.pk).status == "in_review"

    reviewer.post(url, {"decision": "approve", "note": "", "hints_acknowledged": "on"})

    assert HeritageSite.objects.get(pk=site.pk).status == "published"
    note = SiteStatusChange.objects.get(site=site, to_status="published").note
    assert note.startswith("Location hints checked by serik: 2 ")


def test_the_reviewer_may_return_a_submission_without_confirming(people):
    site = site_submit(site=_draft(people), by=people["officer_in"], hints_acknowledged=True)
    reviewer = client_for(people["reviewer_in"])

    reviewer.post(
        reverse("registry:review-site", args=[site.reference]),
        {"decision": "return", "note": "Remove the distance from Shoitobe."},
    )

    assert HeritageSite.objects.get(pk=site.pk).status == "draft"
