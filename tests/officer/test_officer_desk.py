"""The officer's and reviewer's desk: previews of non-public photos for staff, the upload's
JSON answers (progress bar), the review page's photos, region and note, and a pending change
request told before typing (issue 14, item 11)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from registry.services.changes import change_request_open
from registry.services.workflow import site_publish, site_submit
from tests.conftest import close_response
from tests.factories import HeritageSiteFactory
from tests.officer.test_officer_flow import client_for


def _jpeg(name, colour="teal"):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _upload(client, site, *, public=False, **headers):
    data = {"photos": [_jpeg("p.jpg")], "licence": "CC-BY-4.0", "author": "A. Margulan"}
    if public:
        data["is_public"] = "on"
    return client.post(reverse("registry:site-photos", args=[site.reference]), data, **headers)


def _preview(client, photo, size="thumbnail"):
    response = client.get(reverse("registry:photo-preview", args=[photo.pk, size]))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    close_response(response)
    return response, body


def test_staff_of_the_region_see_a_non_public_photo_the_public_cannot(people, client):
    site = HeritageSiteFactory()
    _upload(client_for(people["officer_in"]), site)
    (photo,) = site.photos.all()

    page = client_for(people["officer_in"]).get(
        reverse("registry:site-photos", args=[site.reference])
    )
    response, body = _preview(client_for(people["officer_in"]), photo)
    web, _ = _preview(client_for(people["reviewer_in"]), photo, "web")

    assert reverse("registry:photo-preview", args=[photo.pk, "thumbnail"]) in page.content.decode()
    assert photo.thumbnail.url not in page.content.decode()  # the public door would say 404
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert Image.open(io.BytesIO(body)).size[0] <= 400
    assert web.status_code == 200


def test_a_preview_is_refused_outside_the_region_to_the_public_and_for_other_sizes(people, client):
    site = HeritageSiteFactory()
    _upload(client_for(people["officer_in"]), site)
    (photo,) = site.photos.all()

    outsider, _ = _preview(client_for(people["officer_out"]), photo)
    anonymous, _ = _preview(client, photo)
    other_size = client_for(people["officer_in"]).get(
        reverse("registry:photo-preview", args=[photo.pk, "original2"])
    )

    assert outsider.status_code in (403, 404)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    assert other_size.status_code == 404


def test_the_upload_answers_json_to_the_progress_bar(people):
    site = HeritageSiteFactory()
    client = client_for(people["officer_in"])
    xhr = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}

    stored = _upload(client, site, **xhr)
    refused = client.post(
        reverse("registry:site-photos", args=[site.reference]),
        {
            "photos": [SimpleUploadedFile("bad.jpg", b"<html>", "image/jpeg")],
            "licence": "CC-BY-4.0",
        },
        **xhr,
    )

    assert stored.status_code == 200
    assert stored.json() == {"redirect": reverse("registry:site-photos", args=[site.reference])}
    assert refused.status_code == 400
    assert "bad.jpg" in " ".join(refused.json()["errors"]["photos"])
    assert site.photos.count() == 1


def test_the_public_choice_explains_itself(people):
    site = HeritageSiteFactory()
    page = client_for(people["officer_in"]).get(
        reverse("registry:site-photos", args=[site.reference]), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "no location or camera data" in page.content.decode()


def test_the_review_page_shows_photos_region_and_the_submitters_note(people):
    site = HeritageSiteFactory()
    _upload(client_for(people["officer_in"]), site)
    (photo,) = site.photos.all()
    site_submit(site=site, by=people["officer_in"], note="Boundary checked on site in May.")

    page = client_for(people["reviewer_in"]).get(
        reverse("registry:review-site", args=[site.reference]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = page.content.decode()

    assert page.status_code == 200
    assert "Boundary checked on site in May." in text
    assert site.region.name_en in text
    assert reverse("registry:photo-preview", args=[photo.pk, "thumbnail"]) in text
    assert "staff only" in text


def test_an_editor_is_told_of_a_pending_change_request_before_typing(people):
    site = HeritageSiteFactory()
    site = site_publish(
        site=site_submit(site=site, by=people["officer_in"]), reviewer=people["admin"]
    )
    url = reverse("registry:site-edit", args=[site.reference])
    before = client_for(people["officer_in_2"]).get(url, HTTP_ACCEPT_LANGUAGE="en")
    change_request_open(
        site=site, fields={"condition": "poor"}, by=people["officer_in"],
        expected_version=site.version, reason="Roof damaged by rain.",
    )  # fmt: skip

    after = client_for(people["officer_in_2"]).get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert 'id="pending-change"' not in before.content.decode()
    notice = after.content.decode().split('id="pending-change"')[1].split("</p>")[0]
    assert "aigerim proposed a change to this site" in notice
    assert "waits for a reviewer" in notice
