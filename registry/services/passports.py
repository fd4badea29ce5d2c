"""Batches of monument passports: asked for by staff, made by the task worker.

Which sites a batch holds is decided here, once, for the task and the count alike: the
public edition from the public door (a generalised site is found under every region its
public cell touches, as everywhere public), the staff edition from the full records the
requester may see."""

import tempfile
from functools import partial
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from registry.models import AdminArea, PassportBatch
from registry.passport.build import passports_zip
from registry.passport.content import public_sites
from registry.roles import is_administrator, is_officer, is_reviewer
from registry.selectors import site_list_for_staff

Edition = PassportBatch.Edition


def passport_batch_sites(batch: PassportBatch) -> QuerySet:
    if batch.edition == Edition.STAFF:
        sites = site_list_for_staff(user=batch.requested_by)
        if batch.region_id:
            sites = sites.filter(region_id=batch.region_id)
        order = "reference"
    else:
        sites = public_sites()
        if batch.region_id:
            sites = sites.filter(region_ids__contains=[batch.region_id])
        order = "registry_number"
    if batch.category:
        sites = sites.filter(category=batch.category)
    return sites.order_by(order)


@transaction.atomic
def passport_batch_request(
    *,
    user: AbstractBaseUser,
    language: str,
    edition: str = Edition.PUBLIC,
    region: AdminArea | None = None,
    category: str = "",
) -> PassportBatch:
    """Record the request and queue its making once the request is committed."""
    if not (is_administrator(user) or is_officer(user) or is_reviewer(user)):
        raise PermissionDenied
    batch = PassportBatch(
        region=region, category=category, language=language, edition=edition, requested_by=user
    )
    batch.total = passport_batch_sites(batch).count()
    batch.full_clean()
    batch.save()
    from registry.tasks import passport_batch_make  # the task module imports this one

    transaction.on_commit(partial(passport_batch_make.enqueue, batch.pk))
    return batch


def _progress(batch_id: int, done: int) -> None:
    PassportBatch.objects.filter(pk=batch_id).update(done=done)


def passport_batch_run(batch_id: int) -> PassportBatch:
    """Make the batch's ZIP in a temporary file on disk, then store it (privately)."""
    batch = PassportBatch.objects.select_related("requested_by").get(pk=batch_id)
    sites = passport_batch_sites(batch)
    total = sites.count()
    PassportBatch.objects.filter(pk=batch_id).update(
        state=PassportBatch.State.RUNNING, total=total, done=0
    )
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "passports.zip"
            passports_zip(
                sites.iterator(chunk_size=100),
                language=batch.language,
                path=path,
                progress=partial(_progress, batch_id),
            )
            batch.refresh_from_db()
            with path.open("rb") as archive:
                batch.file.save(f"passports-{batch.pk}-{batch.language}.zip", File(archive))
    except Exception as error:
        PassportBatch.objects.filter(pk=batch_id).update(
            state=PassportBatch.State.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        raise
    PassportBatch.objects.filter(pk=batch_id).update(
        state=PassportBatch.State.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch
