"""Media on S3-compatible object storage, against a real local S3 server (moto, over HTTP).

The settings come from the same `s3_storages()` that heritage/settings.py uses when
MURA_S3_BUCKET is set; credentials come from the environment, as in a deployment.
"""

import io
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from heritage.settings import s3_storages
from registry.models import Designation, SitePhoto
from registry.roles import OFFICER
from registry.services.workflow import site_publish, site_submit
from tests.conftest import close_response
from tests.factories import HeritageSiteFactory, UserFactory
from tests.officer.conftest import make_user, site_form_data
from tests.officer.test_officer_flow import client_for
from tests.registry.test_photos import SECRET, _phone_jpeg

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3 HTTP server on a free loopback port, for the whole session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class Buckets:
    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        suffix = uuid.uuid4().hex[:12]
        self.public, self.private = f"mura-media-{suffix}", f"mura-private-{suffix}"
        for bucket in (self.public, self.private):
            self.client.create_bucket(Bucket=bucket)

    def keys(self, bucket: str) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """Fresh public and private buckets, and STORAGES pointed at them."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "mura-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "mura-test-secret")
    buckets = Buckets(s3_endpoint)
    settings.STORAGES = settings.STORAGES | s3_storages(
        bucket=buckets.public,
        private_bucket=buckets.private,
        endpoint_url=s3_endpoint,
        region="us-east-1",
    )
    yield buckets
    # Close the HTTP connections of this test's clients: left to the garbage collector, their
    # sockets raise ResourceWarning in whichever test happens to be running then.
    buckets.client.close()
    for alias in ("default", "private"):
        connection = getattr(storages[alias]._connections, "connection", None)
        if connection is not None:
            connection.meta.client.close()


@pytest.fixture
def officer(db):
    return make_user("aigerim", OFFICER, "KZ-61")  # Turkistan region, where the factory's sites are


def _upload(officer, site, *files, **fields):
    data = {"photos": list(files), "licence": "CC-BY-4.0"} | fields
    return client_for(officer).post(reverse("registry:site-photos", args=[site.reference]), data)


def _phone_upload(data: bytes = b"") -> SimpleUploadedFile:
    """A phone photo: sideways, GPS and a maker note in EXIF, XMP, a comment, a profile."""
    return SimpleUploadedFile("phone.jpg", data or _phone_jpeg(), content_type="image/jpeg")


def _get(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    close_response(response)
    return response.status_code, body


def test_the_original_lands_in_the_private_bucket_byte_for_byte(s3, officer):
    site, sent = HeritageSiteFactory(), _phone_jpeg()

    response = _upload(officer, site, _phone_upload(sent))

    assert response.status_code == 302
    photo = SitePhoto.objects.get(site=site)
    assert s3.keys(s3.private) == [f"private/{photo.original.name}"]
    assert s3.read(s3.private, f"private/{photo.original.name}") == sent
    assert not any("originals" in key for key in s3.keys(s3.public))


def test_public_copies_land_in_the_public_location_without_metadata(s3, officer):
    site = HeritageSiteFactory()

    _upload(officer, site, _phone_upload())

    photo = SitePhoto.objects.get(site=site)
    keys = [f"media/{photo.thumbnail.name}", f"media/{photo.web.name}"]
    assert s3.keys(s3.public) == sorted(keys)
    for key in keys:
        data = s3.read(s3.public, key)
        assert SECRET.encode() not in data
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert not image.getexif()  # no EXIF at all, so no GPS
            assert not {"xmp", "icc_profile", "comment"} & set(image.info)
            assert image.size[1] > image.size[0]  # turned upright from the phone's sideways


def test_the_public_url_serves_a_copy_only_once_the_site_is_published(s3, officer, client):
    site = HeritageSiteFactory()
    _upload(officer, site, _phone_upload(), is_public="on")
    photo = SitePhoto.objects.get(site=site)

    assert photo.web.url == f"/media/{photo.web.name}"  # the app's checked door, not the bucket
    assert _get(client, photo.web.url)[0] == 404  # a draft

    site_publish(site=site_submit(site=site, by=officer), reviewer=UserFactory(username="rev"))
    status, body = _get(client, photo.web.url)
    assert status == 200
    assert body == s3.read(s3.public, f"media/{photo.web.name}")


def test_a_photo_not_marked_public_is_refused_even_on_a_published_site(s3, officer, client):
    site = HeritageSiteFactory(published=True)
    _upload(officer, site, _phone_upload())  # is_public left off
    photo = SitePhoto.objects.get(site=site)

    assert _get(client, photo.thumbnail.url)[0] == 404


def test_the_original_is_refused_to_the_public_and_served_to_the_officer(s3, officer, client):
    site, sent = HeritageSiteFactory(published=True), _phone_jpeg()
    _upload(officer, site, _phone_upload(sent), is_public="on")
    photo = SitePhoto.objects.get(site=site)
    download = reverse("registry:photo-original", args=[photo.pk])

    assert _get(client, download)[0] == 302  # to the login page
    assert _get(client, f"/media/{photo.original.name}")[0] == 404
    assert _get(client, photo.web.url.replace("public", "originals"))[0] == 404
    assert photo.original.url.startswith("/private-media-not-served/")  # no signed bucket URL
    assert _get(client_for(officer), download) == (200, sent)


def test_nothing_in_either_bucket_is_readable_without_credentials(s3, officer):
    site = HeritageSiteFactory(published=True)
    _upload(officer, site, _phone_upload(), is_public="on")

    objects = [(bucket, key) for bucket in (s3.private, s3.public) for key in s3.keys(bucket)]
    assert len(objects) == 3
    for bucket, key in objects:
        grants = s3.client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
        assert {grant["Grantee"].get("URI") for grant in grants} == {None}  # owner only
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{s3.endpoint}/{bucket}/{key}", timeout=10)
        refused.value.close()
        assert refused.value.code == 403
    for bucket in (s3.private, s3.public):
        grants = s3.client.get_bucket_acl(Bucket=bucket)["Grants"]
        assert not {ALL_USERS, AUTHENTICATED_USERS} & {g["Grantee"].get("URI") for g in grants}


def test_deleting_a_photo_removes_its_three_objects(
    s3, officer, admin_client, django_capture_on_commit_callbacks
):
    site = HeritageSiteFactory()
    _upload(officer, site, _phone_upload(), _phone_upload())
    gone, kept = SitePhoto.objects.filter(site=site)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:registry_sitephoto_delete", args=[gone.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert s3.keys(s3.private) == [f"private/{kept.original.name}"]
    assert s3.keys(s3.public) == sorted([f"media/{kept.thumbnail.name}", f"media/{kept.web.name}"])


def test_a_refused_file_in_an_upload_leaves_no_object_behind(s3, officer):
    site = HeritageSiteFactory()
    html = SimpleUploadedFile("photo.jpg", b"<html><script>x</script></html>", "image/jpeg")

    response = _upload(officer, site, _phone_upload(), html)

    assert response.status_code == 200
    assert "photo.jpg" in response.content.decode()
    assert not SitePhoto.objects.exists()
    assert s3.keys(s3.private) == s3.keys(s3.public) == []


def _act_form(site, **act):
    """The officer's edit form for a draft, with one legal act."""
    data = site_form_data(version=str(site.version), reason="the act", **{"acts-TOTAL_FORMS": "1"})
    return data | {"acts-0-scheme": "republican_list", "acts-0-act_number": "No 12"} | act


def test_a_legal_document_replaced_or_deleted_leaves_the_private_bucket(
    s3, officer, django_capture_on_commit_callbacks
):
    site = HeritageSiteFactory()
    edit = reverse("registry:site-edit", args=[site.reference])
    client = client_for(officer)

    def post(**act):
        site.refresh_from_db()  # the form carries the current version
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(edit, _act_form(site, **act))

    post(**{"acts-0-document": SimpleUploadedFile("act.pdf", b"%PDF-1.4 first")})
    act = Designation.objects.get(site=site)
    first_key = f"private/{act.document.name}"
    assert s3.keys(s3.private) == [first_key]

    replaced = {"acts-INITIAL_FORMS": "1", "acts-0-id": str(act.pk)}
    post(**replaced, **{"acts-0-document": SimpleUploadedFile("act.pdf", b"%PDF-1.4 second")})
    act.refresh_from_db()
    assert s3.keys(s3.private) == [f"private/{act.document.name}"] != [first_key]
    download = reverse("registry:act-document", args=[act.pk])
    assert _get(client, download) == (200, b"%PDF-1.4 second")

    post(**replaced, **{"acts-0-DELETE": "on"})
    assert not Designation.objects.filter(site=site).exists()
    assert s3.keys(s3.private) == []


def _storages_in_a_new_process(**variables) -> list[str]:
    """Backend class and place of both storages, from a real settings import."""
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages;"
        "print(*(type(s).__name__ + ':' + str(getattr(s, 'bucket_name', '-')) + '/'"
        " + str(s.location).rsplit('/', 1)[-1] for s in map(storages.__getitem__,"
        " ('default', 'private'))))"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("MURA_S3_")}
    env |= {"DJANGO_SETTINGS_MODULE": "heritage.settings", "DJANGO_SECRET_KEY": "test-only"}
    env |= {"DATABASE_URL": "postgis://nobody@localhost/none", **variables}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=django_settings.BASE_DIR,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.split()


def test_the_bucket_variables_switch_both_storages_to_s3():
    printed = _storages_in_a_new_process(
        MURA_S3_BUCKET="mura-public", MURA_S3_PRIVATE_BUCKET="mura-private"
    )

    assert printed == ["PublicS3Storage:mura-public/media", "PrivateS3Storage:mura-private/private"]


def test_without_a_bucket_media_stay_on_local_disk():
    printed = _storages_in_a_new_process(MURA_MEDIA_ROOT="/srv/m", MURA_PRIVATE_MEDIA_ROOT="/srv/p")

    assert printed == ["FileSystemStorage:-/m", "PrivateFileSystemStorage:-/p"]
