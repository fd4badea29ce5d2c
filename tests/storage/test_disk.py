"""On local disk (the default), files leave with their rows too, as on S3 (test_s3.py)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from registry.models import SitePhoto
from registry.services.photos import photo_add
from tests.factories import HeritageSiteFactory, UserFactory


def _files(settings) -> list[str]:
    roots = (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for root in roots for path in root.rglob("*.*"))


def test_deleting_a_photo_removes_its_files_from_disk(
    settings, admin_client, django_capture_on_commit_callbacks
):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, format="JPEG")
    upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
    photo = photo_add(site=HeritageSiteFactory(), upload=upload, added_by=UserFactory())
    assert len(_files(settings)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:registry_sitephoto_delete", args=[photo.pk]), {"post": "yes"}
        )

    assert not SitePhoto.objects.exists()
    assert _files(settings) == []
