"""Media on S3-compatible object storage (django-storages), when MURA_S3_BUCKET is set.

A module of its own so that deployments on local disk never import boto3 (about 0.2 s more
for every process, `manage.py` commands included).
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

from registry.storage import PRIVATE_URL


def _app_url(base: str, name: str) -> str:
    return urljoin(base, filepath_to_uri(name).lstrip("/"))


class PublicS3Storage(S3Storage):
    """Public photo copies in a bucket that is not public itself.

    `url()` is the app's /media/<name>, as on disk, never a bucket or signed URL: the per-file
    check in `public_photo` stays the only door, and a photo made private stops being served
    at once rather than when a signed URL expires.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        return _app_url(settings.MEDIA_URL, name)


class PrivateS3Storage(S3Storage):
    """Photo originals and legal documents: like the disk's private storage, they have no URL
    (no signed URL is ever minted); they leave only through permission-checked views."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return _app_url(PRIVATE_URL, name)
