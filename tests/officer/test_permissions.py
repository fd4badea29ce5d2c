"""The permission matrix: each role × each action × inside and outside its regions.

Checked on the server: a refused action answers 403 (or 404 where the site is outside the
person's regions, so its existence is not revealed, or a login redirect when anonymous) and
changes nothing.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from registry.services.photos import photo_add
from registry.services.workflow import site_publish, site_submit
from tests.conftest import close_response
from tests.factories import HeritageSiteFactory
from tests.officer.conftest import IN_TURKISTAN

ROLES = ["officer_in", "officer_out", "reviewer_in", "reviewer_out", "researcher", "admin"]
ROLES += ["anonymous"]
# action -> the roles allowed to do it on a site in Turkistan (officer_in / reviewer_in work there)
ALLOWED = {
    "dashboard": {"officer_in", "officer_out", "reviewer_in", "reviewer_out", "admin"},
    "detail": {"officer_in", "reviewer_in", "admin"},
    "new": {"officer_in", "officer_out", "admin"},
    "edit": {"officer_in", "admin"},
    "submit": {"officer_in", "admin"},
    "review": {"reviewer_in", "admin"},
    "approve": {"reviewer_in", "admin"},
    "withdraw": {"reviewer_in", "admin"},
    "history": {"officer_in", "reviewer_in", "admin"},
    "photos": {"officer_in", "reviewer_in", "admin"},
    "upload": {"officer_in", "admin"},
    "original": {"officer_in", "reviewer_in", "admin"},
}


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "teal").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def world(people):
    """A draft, a submission and a published site in Turkistan, all by officer_in."""
    author = people["officer_in"]
    draft = HeritageSiteFactory(location=IN_TURKISTAN.clone())
    draft.created_by = author
    draft.save()
    in_review = site_submit(site=HeritageSiteFactory(location=IN_TURKISTAN.clone()), by=author)
    published = site_publish(
        site=site_submit(site=HeritageSiteFactory(location=IN_TURKISTAN.clone()), by=author),
        reviewer=people["reviewer_in"],
    )
    photo = photo_add(
        site=draft, upload=SimpleUploadedFile("p.jpg", _jpeg()), added_by=author, is_public=True
    )
    return {"draft": draft, "in_review": in_review, "published": published, "photo": photo}


def _request(client, action, world):
    draft, in_review, published = world["draft"], world["in_review"], world["published"]
    url = lambda name, site: reverse(f"registry:{name}", args=[site.reference])  # noqa: E731
    requests = {
        "dashboard": ("get", reverse("registry:dashboard"), None),
        "detail": ("get", url("site-detail", draft), None),
        "new": ("get", reverse("registry:site-new"), None),
        "edit": ("get", url("site-edit", draft), None),
        "submit": ("post", url("site-submit", draft), {"note": "ready"}),
        "review": ("get", url("review-site", in_review), None),
        "approve": ("post", url("review-site", in_review), {"decision": "approve"}),
        "withdraw": ("post", url("site-withdraw", published), {"note": "duplicate"}),
        "history": ("get", url("site-history", draft), None),
        "photos": ("get", url("site-photos", draft), None),
        "upload": ("post", url("site-photos", draft),
                   {"photos": SimpleUploadedFile("q.jpg", _jpeg()), "licence": "CC-BY-4.0"}),
        "original": ("get", reverse("registry:photo-original", args=[world["photo"].pk]), None),
    }  # fmt: skip
    method, path, data = requests[action]
    return getattr(client, method)(path, data) if data else getattr(client, method)(path)


def _state(world):
    sites = [world[key] for key in ("draft", "in_review", "published")]
    for site in sites:
        site.refresh_from_db()
    return [(s.status, s.version) for s in sites] + [world["draft"].photos.count()]


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_what_its_regions_allow(client, people, world, role, action):
    if people[role]:
        client.force_login(people[role])
    before = _state(world)

    response = _request(client, action, world)
    close_response(response)

    if role in ALLOWED[action]:
        assert response.status_code in (200, 302), response.content[:300]
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
    else:
        if role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code in (403, 404)
        assert _state(world) == before
