"""Photos through the officer's page, and the public copies' door."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from registry.models import SitePhoto
from registry.services.workflow import site_publish, site_submit
from tests.conftest import close_response
from tests.factories import HeritageSiteFactory
from tests.officer.test_officer_flow import client_for


def _jpeg(name, colour="teal"):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _post(client, site, files, **fields):
    data = {"photos": files, "licence": "CC-BY-4.0", "author": "A. Margulan"} | fields
    return client.post(reverse("registry:site-photos", args=[site.reference]), data)


def test_several_photos_are_uploaded_at_once_in_order(people):
    site = HeritageSiteFactory()
    client = client_for(people["officer_in"])

    response = _post(client, site, [_jpeg("a.jpg"), _jpeg("b.jpg", "olive")], is_primary="on")

    assert response.status_code == 302
    photos = list(site.photos.all())
    assert [p.position for p in photos] == [0, 1]
    assert [p.is_primary for p in photos] == [True, False]
    assert photos[0].author == "A. Margulan"


def test_one_bad_file_in_an_upload_stores_nothing_and_names_the_file(people, settings):
    site = HeritageSiteFactory()
    client = client_for(people["officer_in"])
    html = SimpleUploadedFile("photo.jpg", b"<html><script>x</script></html>", "image/jpeg")

    response = _post(client, site, [_jpeg("good.jpg"), html])

    assert response.status_code == 200
    assert "photo.jpg" in response.content.decode()
    assert not SitePhoto.objects.exists()
    assert not any(settings.PRIVATE_MEDIA_ROOT.rglob("*.*"))


def test_photos_are_reordered(people):
    site = HeritageSiteFactory()
    client = client_for(people["officer_in"])
    _post(client, site, [_jpeg("a.jpg"), _jpeg("b.jpg")])
    first, second = site.photos.all()

    client.post(reverse("registry:site-photos-order", args=[site.reference]),
                {f"position-{first.pk}": "2", f"position-{second.pk}": "1"})  # fmt: skip

    assert list(site.photos.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_public_copies_are_served_only_for_public_photos_of_published_sites(client, people):
    officer = client_for(people["officer_in"])
    site = HeritageSiteFactory()
    _post(officer, site, [_jpeg("public.jpg")], is_public="on")
    _post(officer, site, [_jpeg("private.jpg")])
    shown, hidden = site.photos.all()

    def status(photo):
        response = client.get(photo.web.url)
        close_response(response)
        return response.status_code

    assert status(shown) == 404  # the site is still a draft
    site_publish(site=site_submit(site=site, by=people["officer_in"]), reviewer=people["admin"])
    assert status(shown) == 200
    assert status(hidden) == 404
    assert client.get(shown.web.url.replace("public", "originals")).status_code == 404
