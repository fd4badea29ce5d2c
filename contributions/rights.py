"""The contributor's rights over their personal data (issue 16, docs/personal-data.md): access
(everything Mura holds about them, as a ZIP built on disk) and erasure (their account deleted at
once, in one transaction). The view (contributions/views_rights.py), the admin action
(contributions/admin.py) and retention (contributions/retention.py) all erase through
`account_erase`, so what "erased" means is written once.

What erasure keeps, and why: an ACCEPTED observation, correction or report became part of the
record when an officer accepted it (the officer took its content into the register: a text
applied, an inspection started, a site looked for), so it stays, detached (no contributor, no
pseudonym). Its text is kept because it is the record's now; any verbatim occurrence of the
contributor's email or display name in it (or in the officer's decision reason) is replaced by
"[…]". What was never accepted (awaiting moderation, rejected) is deleted with its files.
An accepted public photo is removed or kept under its licence, credited to an "anonymous
contributor", as the contributor chooses.
"""

import io
import json
import logging
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import GEOSGeometry
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, QuerySet, TextField
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_tasks_db.models import DBTaskResult

from contributions.models import Contribution, Contributor, EmailLook
from registry.models import SitePhoto

logger = logging.getLogger(__name__)

ERASED = "[…]"  # what replaces a name or address found in text that is kept
DATA_FILE = "mura-data.json"


class PublicPhotos:
    """What happens to a contributor's accepted public photos when they delete their account."""

    REMOVE = "remove"
    KEEP_ANONYMOUS = "keep"


def contributor_pseudonym(contributor_id: int) -> str:
    """A keyed hash (SECRET_KEY) of the contributor: the same for all their items, meaningless
    without the key and the account, so the trail a year on says "one person" and no more,
    while Mura can still find a living contributor's items for their access request."""
    return salted_hmac(
        "mura.contributions.pseudonym", str(contributor_id), algorithm="sha256"
    ).hexdigest()[:32]


def contributions_of(contributor: Contributor) -> QuerySet[Contribution]:
    """Everything a contributor sent that is still held: linked, or pseudonymised (retention)."""
    return Contribution.objects.filter(
        Q(contributor=contributor) | Q(pseudonym=contributor_pseudonym(contributor.pk))
    )


def email_looks_of(contributor: Contributor) -> QuerySet[EmailLook]:
    return EmailLook.objects.filter(
        Q(contributor=contributor) | Q(contribution__in=contributions_of(contributor))
    ).select_related("officer")


def _officer(user) -> str | None:
    """An officer as a contributor may see them: their display name, else their username."""
    return None if user is None else (user.get_full_name() or user.get_username())


# -- access ---------------------------------------------------------------------------------

README = """Mura: your personal data / Сіздің дербес деректеріңіз / Ваши персональные данные

[kk] Бұл архивте Мұра сіз туралы сақтайтын барлық деректер бар.
  mura-data.json: тіркелгіңіз (email, көрсетілетін атыңыз, тіркелген күніңіз, құпиялылық
    хабарламасының қай нұсқаларына қашан келісім бергеніңіз), жіберген әрбір үлесіңіз (барлық
    өрістері, күйі, модератордың себебі) және қызметкерлердің сіздің email мекенжайыңызды қашан
    және кім қарағаны.
  photos/: жіберген фотосуреттеріңіз, метадеректерсіз сақталған күйінде.

[ru] В этом архиве все данные о вас, которые хранит Мура.
  mura-data.json: ваша учётная запись (email, отображаемое имя, дата регистрации, с какими
    версиями уведомления о конфиденциальности и когда вы согласились), каждый ваш вклад (все
    поля, состояние, причина решения модератора) и кто из сотрудников и когда смотрел ваш email.
  photos/: присланные вами фотографии в том виде, в каком они хранятся, без метаданных.

[en] This archive holds everything Mura keeps about you.
  mura-data.json: your account (email, display name, when you joined, which versions of the
    privacy notice you agreed to and when), every contribution you sent (all its fields, its
    state, the moderator's reason) and which officer looked at your email address, and when.
  photos/: the photos you sent, as they are stored: without any metadata.
"""


def _plain(value):
    """A field's value as JSON can hold it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, GEOSGeometry):
        return {"type": value.geom_type, "coordinates": value.coords, "srid": value.srid}
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def _photo_path(item: Contribution) -> str:
    return f"photos/{item.pk}-{item.photo.name.rsplit('/', 1)[-1]}"


def _contribution_json(item: Contribution) -> dict:
    """Every concrete field (a new one is exported without editing this), then readable extras."""
    data = {}
    for field in Contribution._meta.concrete_fields:
        data[field.attname] = _plain(getattr(item, field.attname))
    data |= {
        "kind_display": item.get_kind_display(),
        "state_display": item.get_state_display(),
        "site_registry_number": item.site.registry_number if item.site else None,
        "site_name": item.site.name if item.site else None,
        "region_name": item.region.name,
        "decided_by_display": _officer(item.decided_by),
        "photo_file_in_archive": _photo_path(item) if item.photo else None,
        "public_photo_id": item.accepted_photo_id,
    }
    return data


def _account_json(contributor: Contributor) -> dict:
    user = contributor.user
    return {
        "email": user.email,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "display_name": contributor.display_name,
        "username": user.get_username(),
        "joined_at": _plain(contributor.joined_at),
        "last_login": _plain(user.last_login),
        "suspended_at": _plain(contributor.suspended_at),
        "suspension_reason": contributor.suspension_reason,
        "consents": [
            {"notice_version": c.notice_version, "given_at": _plain(c.given_at)}
            for c in contributor.consents.order_by("given_at")
        ],
    }


def _write_json(out: IO[str], contributor: Contributor, items: QuerySet[Contribution]) -> int:
    """One contribution at a time from a server-side cursor: a big account is never in memory."""
    head = {"generated_at": _plain(timezone.now()), "account": _account_json(contributor)}
    out.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "contributions": [\n')
    count = 0
    for item in items.iterator(chunk_size=settings.MURA_EXPORT_BATCH_ROWS):
        out.write(
            (",\n" if count else "") + json.dumps(_contribution_json(item), ensure_ascii=False)
        )
        count += 1
    looks = [
        {"officer": _officer(look.officer), "looked_at": _plain(look.looked_at),
         "reason": look.reason, "contribution_id": look.contribution_id}
        for look in email_looks_of(contributor).order_by("looked_at")
    ]  # fmt: skip
    out.write('\n ],\n "email_looks": ' + json.dumps(looks, ensure_ascii=False) + "\n}\n")
    return count


def export_build(*, contributor: Contributor) -> IO[bytes]:
    """A ZIP of the contributor's data, in an anonymous temporary file (deleted when closed),
    positioned at its start. Files are copied from storage in blocks, never read whole."""
    items = contributions_of(contributor).select_related("site", "region", "decided_by")
    # Not a `with`: the response streams it, then closes (and so deletes) it.
    archive = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
    files = 0
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", README)
        with zf.open(DATA_FILE, "w") as raw, _text(raw) as out:
            count = _write_json(out, contributor, items)
        for item in items.select_related(None).exclude(photo="").only("pk", "photo").iterator():
            files += _photo_copy(zf, item)
    archive.seek(0)
    logger.info(
        "Data export made for contributor %s: %d items, %d files", contributor.pk, count, files
    )
    return archive


def _photo_copy(zf: zipfile.ZipFile, item: Contribution) -> int:
    """Stored already stripped of metadata (on receipt): copied as is, in blocks. A file lost
    from storage is left out (and logged by id) rather than failing the whole export."""
    try:
        source = item.photo.open("rb")
    except FileNotFoundError:
        logger.warning("Data export: the file of contribution %s is missing", item.pk)
        return 0
    with source, zf.open(_photo_path(item), "w") as target:
        shutil.copyfileobj(source, target, 1024 * 1024)
    return 1


def _text(raw: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(raw, encoding="utf-8", write_through=True)


# -- erasure --------------------------------------------------------------------------------


@dataclass
class Erasure:
    deleted: int = 0  # contributions never accepted, deleted with their files
    kept: int = 0  # accepted observations, corrections, reports, and kept photos: detached
    photos_removed: int = 0
    photos_kept: int = 0


def names_scrubbed(text: str, needles: Iterable[str]) -> str:
    for needle in needles:
        if needle:
            text = re.sub(rf"(?<!\w){re.escape(needle)}(?!\w)", ERASED, text, flags=re.IGNORECASE)
    return text


def _photo_anonymise(photo: SitePhoto, needles: list[str], *, user_id: int) -> None:
    photo.author = SitePhoto.ANONYMOUS_AUTHOR
    for name in ("caption", "caption_kk", "caption_ru", "caption_en"):
        setattr(photo, name, names_scrubbed(getattr(photo, name) or "", needles))
    if photo.uploaded_by_id == user_id:
        photo.uploaded_by = None
    photo.save()


def _history_anonymise(photo_id: int, needles: list[str]) -> None:
    """simple_history keeps every earlier version of the photo row: its author goes too."""
    for old in SitePhoto.history.filter(id=photo_id):
        old.author = SitePhoto.ANONYMOUS_AUTHOR
        for name in ("caption", "caption_kk", "caption_ru", "caption_en"):
            setattr(old, name, names_scrubbed(getattr(old, name) or "", needles))
        old.save()


def _accepted_photo(item: Contribution, choice: str, needles: list[str], summary, user_id):
    photo = item.accepted_photo
    if choice == PublicPhotos.REMOVE:
        item.delete()  # its private file goes on commit (registry/storage.py)
        if photo is not None:
            photo.delete()  # and the public copies and original
            _history_anonymise(photo.pk, needles)
        summary.photos_removed += 1
        return
    if photo is not None:
        _photo_anonymise(photo, needles, user_id=user_id)
        _history_anonymise(photo.pk, needles)
    _detach(item, needles, credit=SitePhoto.ANONYMOUS_AUTHOR)
    summary.photos_kept += 1


def _detach(item: Contribution, needles: list[str], *, credit: str = "") -> None:
    item.contributor, item.pseudonym = None, ""
    item.credit = credit if item.credit else ""
    item.text = names_scrubbed(item.text, needles)
    item.caption = names_scrubbed(item.caption, needles)
    item.decision_reason = names_scrubbed(item.decision_reason, needles)
    item.save()


def _contributions_erase(contributor, choice: str, needles: list[str], user_id: int) -> Erasure:
    summary = Erasure()
    items = (
        contributions_of(contributor)
        .select_related("accepted_photo")
        .select_for_update(of=("self",))
    )
    for item in items:
        if item.state != Contribution.State.ACCEPTED:
            item.delete()
            summary.deleted += 1
        elif item.kind == Contribution.Kind.PHOTO:
            _accepted_photo(item, choice, needles, summary, user_id)
        else:
            _detach(item, needles)
            summary.kept += 1
    return summary


def _sessions_delete(user_id: int) -> None:
    """Django's database sessions are signed blobs: each is decoded to find the user's."""
    for session in Session.objects.iterator(chunk_size=1000):
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()


def _traces_delete(user, contributor, logins: set[str], needles: list[str]) -> None:
    """What names the person outside the contributions app: login attempts (django-axes, by
    login name), the admin's log (its object_repr is the display name), finished tasks."""
    by_login = Q()
    for login in logins:
        by_login |= Q(username__iexact=login)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(by_login).delete()
    about = [(type(user), user.pk)] + ([(Contributor, contributor.pk)] if contributor else [])
    for model, pk in about:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
        ).update(object_repr=ERASED)
    if not needles:
        return
    mentions = Q()
    for needle in needles:
        for column in ("args_kwargs", "return_value"):
            mentions |= Q(**{f"{column}_text__icontains": needle})
    DBTaskResult.objects.annotate(
        args_kwargs_text=Cast("args_kwargs", TextField()),
        return_value_text=Cast("return_value", TextField()),
    ).filter(mentions).exclude(status="RUNNING").delete()


def _user_erase(user, addresses: set[str], needles: list[str], *, contributor=None) -> None:
    _sessions_delete(user.pk)
    _traces_delete(user, contributor, {user.get_username(), user.email, *addresses}, needles)
    user.delete()  # Contributor, Consents, EmailAddresses (and their confirmations) cascade


@transaction.atomic
def user_unconfirmed_erase(*, user) -> None:
    """A sign-up never confirmed and with no contributor (retention): the user and its
    sessions and login attempts. Staff are never erased here."""
    if user.is_staff or user.is_superuser or Contributor.objects.filter(user=user).exists():
        raise ValueError(f"user {user.pk} is not a bare unconfirmed sign-up")
    addresses = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    _user_erase(user, addresses, sorted({user.email, *addresses} - {""}, key=len)[::-1])
    logger.info("Unconfirmed sign-up erased: user %s", user.pk)


@transaction.atomic
def account_erase(*, contributor: Contributor, public_photos: str) -> Erasure:
    """Delete the account and everything personal at once (see the module's docstring)."""
    if public_photos not in (PublicPhotos.REMOVE, PublicPhotos.KEEP_ANONYMOUS):
        raise ValueError(f"public_photos: {public_photos!r}")
    contributor = (
        Contributor.objects.select_related("user").select_for_update().get(pk=contributor.pk)
    )
    user = contributor.user
    addresses = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    needles = sorted({user.email, contributor.display_name, *addresses} - {""}, key=len)[::-1]
    summary = _contributions_erase(contributor, public_photos, needles, user.pk)
    for look in EmailLook.objects.filter(contributor=contributor):
        look.contributor, look.reason = None, names_scrubbed(look.reason, needles)
        look.save(update_fields=["contributor", "reason"])
    contributor_id = contributor.pk
    _user_erase(user, addresses, needles, contributor=contributor)
    logger.info(
        "Account erased: contributor %s (%d deleted, %d kept, photos %d removed, %d kept)",
        contributor_id, summary.deleted, summary.kept, summary.photos_removed,
        summary.photos_kept,
    )  # fmt: skip
    return summary
