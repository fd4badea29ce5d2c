"""The access decision (registry/access.py): which door each kind of user goes through."""

from django.contrib.auth.models import AnonymousUser

from registry import access
from registry.api import access as old_path
from registry.models import PublicSite


def test_the_public_goes_through_the_public_projection(db):
    door = access.door_for(AnonymousUser())

    assert door.sites.model is PublicSite
    assert (door.exact, door.staff, door.geometry) == (False, False, "public_location")


def test_staff_read_full_records_and_may_filter_by_status(officer):
    door = access.door_for(officer)

    assert (door.exact, door.staff, door.geometry) == (True, True, "location")


def test_the_old_import_path_still_gives_the_same_door(db):
    assert (old_path.door_for, old_path.Door) == (access.door_for, access.Door)
