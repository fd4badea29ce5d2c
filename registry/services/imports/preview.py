"""The import page's first step: a file's own columns and first rows with a suggested field for
each, and the upload kept for the second step (the officer's mapping).

The upload is kept in private storage (PRIVATE_MEDIA_ROOT, or its bucket): never served, and
shared by every worker and machine, as a temporary directory of one worker would not be. Its
name is random and starts with the time it was kept. The page carries a token made with
Django's signing (SECRET_KEY, a salt of its own) naming the kept file and the user who
uploaded it; only that user may use it, for MURA_IMPORT_KEEP_SECONDS (2 hours). A kept file is
removed after a real import that wrote, and any kept longer than that is removed by the next
upload (its name tells its age: no listing of modification times, which costs a request per
file on object storage).
"""

import secrets
import time
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.utils.translation import gettext as _

from registry import exchange
from registry.services.imports import acts
from registry.services.imports.archive import import_format, upload_saved
from registry.services.imports.mapping import suggest
from registry.services.imports.readers import read_head
from registry.services.imports.report import max_upload_bytes, setting
from registry.storage import private_storage

KEPT_FOLDER = "imports/kept"
SALT = "registry.imports.kept"
PREVIEW_ROWS = 5  # shown on the page
SAMPLE_ROWS = 20  # read for suggestions from values


def keep_seconds() -> int:
    return setting("MURA_IMPORT_KEEP_SECONDS", 2 * 3600)


@dataclass
class Preview:
    columns: list[str]  # the file's own names, in its order
    rows: list[list[str]]  # the first rows, as text
    suggestions: dict[str, tuple[str | None, str]]  # column -> (target or None, why)
    known: bool  # every column is one of Mura's names: no mapping needed


def _text(value: object) -> str:
    return "" if value is None else str(value)


def file_preview(*, upload: BinaryIO, filename: str) -> Preview:
    """ImportRefused if the file cannot be read (the same checks as an import)."""
    fmt = import_format(filename=filename)
    with upload_saved(upload, fmt, cap=max_upload_bytes()) as (path, directory):
        columns, rows = read_head(path, fmt, directory, SAMPLE_ROWS)
    rows = [[_text(v) for v in row] for row in rows]
    known = exchange.known_names() | set(acts.TARGETS)
    return Preview(
        columns=columns,
        rows=rows[:PREVIEW_ROWS],
        suggestions=suggest(columns, rows),
        known=all(c.strip().lower() in known for c in columns),
    )


class KeptUploadInvalid(Exception):
    """A token that is forged, expired, or another user's."""


@dataclass(frozen=True)
class Kept:
    name: str  # in private storage
    filename: str  # as uploaded: chooses the format, names the source in the history

    def open(self) -> BinaryIO:
        return private_storage().open(self.name, "rb")


def upload_keep(*, upload: BinaryIO, filename: str, user: AbstractBaseUser) -> str:
    """Keep `upload` for the next step; the token that names it for `user`."""
    kept_expired_remove()
    suffix = PurePosixPath(filename.lower()).suffix
    name = f"{KEPT_FOLDER}/{int(time.time())}-{secrets.token_urlsafe(18)}{suffix}"
    name = private_storage().save(name, upload)
    return signing.dumps({"u": user.pk, "n": name, "f": filename[-200:]}, salt=SALT)


def upload_kept(token: str, *, user: AbstractBaseUser) -> Kept:
    """The kept upload a token names, if it is this user's and not expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=keep_seconds())
    except signing.SignatureExpired:
        raise KeptUploadInvalid(_("the upload has expired: upload the file again.")) from None
    except signing.BadSignature:
        raise KeptUploadInvalid(_("not a valid upload token: upload the file again.")) from None
    if data.get("u") != user.pk:
        raise KeptUploadInvalid(_("this upload is not yours: upload the file yourself."))
    kept = Kept(name=data["n"], filename=data["f"])
    if not private_storage().exists(kept.name):
        raise KeptUploadInvalid(_("the upload is no longer kept: upload the file again."))
    return kept


def upload_discard(kept: Kept) -> None:
    private_storage().delete(kept.name)


def kept_expired_remove() -> None:
    """Delete kept uploads older than MURA_IMPORT_KEEP_SECONDS (their names start with the
    time they were kept)."""
    storage, oldest = private_storage(), time.time() - keep_seconds()
    try:
        _folders, files = storage.listdir(KEPT_FOLDER)
    except FileNotFoundError:
        return
    for name in files:
        kept_at = name.split("-", 1)[0]
        if kept_at.isdigit() and int(kept_at) < oldest:
            storage.delete(f"{KEPT_FOLDER}/{name}")
