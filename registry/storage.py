"""Where media files live: local disk by default, S3-compatible object storage when
MURA_S3_BUCKET is set (registry/storage_s3.py, heritage/settings.py, docs/deploy.md).

Either way no file is ever reachable without the app's checks: public photo copies are served
by `registry.views.records.public_photo` (public photo of a published site), originals and
legal documents only through permission-checked views. Nothing here may use `.path` or
`os.path` on a stored name: object storage has no local path.
"""

import os
from functools import partial

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.fields.files import FieldFile, FileField
from django.utils.functional import LazyObject, empty

PRIVATE_URL = "/private-media-not-served/"


class PrivateFileSystemStorage(FileSystemStorage):
    """Local storage under PRIVATE_MEDIA_ROOT, read at each use (a model field keeps its
    storage object for the life of the process, so tests and deployments move the setting)."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


class _PrivateStorage(LazyObject):
    """storages["private"], looked up at first use and again after STORAGES changes (as
    Django does for default_storage): a model field keeps the object it was given for good."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


def _private_storage_reset(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        _private._wrapped = empty


setting_changed.connect(_private_storage_reset)


def private_storage():
    """Files that must not be public (photo originals, legal documents): see settings."""
    return _private


def _file_fields(model) -> list[FileField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, FileField)]


def stored_files_delete(sender, instance, **kwargs) -> None:
    """post_delete receiver (registry/apps.py): a deleted photo or legal act takes its files
    with it, whichever path deleted it (admin, inline, a site's cascade)."""
    files_delete_on_commit(*(getattr(instance, field.name) for field in _file_fields(sender)))


def stored_files_replace(sender, instance, update_fields=None, **kwargs) -> None:
    """pre_save receiver (registry/apps.py): a file replaced or cleared (a legal act's new
    document) deletes the one it replaces, once the save commits."""
    fields = [f for f in _file_fields(sender) if update_fields is None or f.name in update_fields]
    if instance.pk is None or not fields:
        return
    stored = sender._default_manager.filter(pk=instance.pk).values(*(f.name for f in fields))
    for old in stored:
        for field in fields:
            if old[field.name] and old[field.name] != getattr(instance, field.name).name:
                files_delete_on_commit(FieldFile(instance, field, old[field.name]))


def files_delete_on_commit(*files: FieldFile) -> None:
    """Delete stored files once the transaction that removed their row commits (a rollback
    keeps both). Django never deletes files with rows, so without this they would stay
    forever, in a bucket as on disk."""
    for file in files:
        if file.name:
            transaction.on_commit(partial(file.storage.delete, file.name))
