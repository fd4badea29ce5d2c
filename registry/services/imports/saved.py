"""Saved mappings: one per source (UNESCO's list, a survey's sheets), shared by the agency's
officers (registry.models.ImportMapping says why), found by name regardless of case."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from registry.models import ImportMapping
from registry.services.imports.mapping import Mapping, MappingError, mapping_check


def import_mapping_get(name: str) -> Mapping:
    """The saved mapping, checked again (an administrator may have edited it); MappingError
    naming it if there is none."""
    saved = ImportMapping.objects.filter(name__iexact=name.strip()).first()
    if saved is None:
        raise MappingError(_("no saved mapping is named “%(name)s”.") % {"name": name})
    mapping = {str(column): target or None for column, target in saved.mapping.items()}
    mapping_check(mapping)
    return mapping


def import_mapping_save(
    *, name: str, mapping: Mapping, by: AbstractBaseUser | None
) -> ImportMapping:
    """Save `mapping` as source `name`, replacing the one of that name (any case). Two officers
    saving one new name at once: the second insert meets the unique name, and replaces."""
    mapping_check(mapping)
    try:
        return _save(name.strip(), mapping, by)
    except IntegrityError:
        return _save(name.strip(), mapping, by)  # the other one's row now exists: locked, replaced


@transaction.atomic
def _save(name: str, mapping: Mapping, by: AbstractBaseUser | None) -> ImportMapping:
    saved = ImportMapping.objects.select_for_update().filter(name__iexact=name).first()
    if saved is None:
        saved = ImportMapping(created_by=by)
    saved.name, saved.mapping, saved.updated_by = name, dict(mapping), by
    saved.full_clean(validate_constraints=False)  # the database's unique index decides
    saved.save()
    return saved
