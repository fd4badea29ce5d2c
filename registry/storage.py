import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """Local storage under PRIVATE_MEDIA_ROOT, read at each use (a model field keeps its
    storage object for the life of the process, so tests and deployments move the setting)."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage():
    """Files that must not be public (photo originals, legal documents): see settings."""
    return storages["private"]
