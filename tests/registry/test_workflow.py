"""Four eyes, optimistic locking and history on the services the officer UI will call."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.exceptions import PermissionDenied
from django.utils import translation

from registry.models import Designation, ProtectionZone
from registry.selectors import site_list_public
from registry.services.sites import EditConflict, site_update
from registry.services.workflow import (
    TransitionNotAllowed,
    site_publish,
    site_return,
    site_submit,
    site_withdraw,
)
from tests.factories import HeritageSiteFactory


@pytest.mark.django_db
def test_nobody_approves_their_own_submission(officer):
    site = site_submit(site=HeritageSiteFactory(), by=officer)

    with pytest.raises(PermissionDenied):
        site_publish(site=site, reviewer=officer)
    assert site_list_public().count() == 0


@pytest.mark.django_db
def test_publish_records_who_and_when(officer, reviewer):
    site = site_submit(site=HeritageSiteFactory(), by=officer)

    site = site_publish(site=site, reviewer=reviewer, note="checked")

    assert site.published_at is not None
    change = site.status_changes.last()
    assert (change.by, change.from_status, change.to_status) == (reviewer, "in_review", "published")


@pytest.mark.django_db
def test_a_draft_cannot_be_published_without_review(reviewer):
    with pytest.raises(TransitionNotAllowed):
        site_publish(site=HeritageSiteFactory(), reviewer=reviewer)


@pytest.mark.django_db
def test_returned_and_withdrawn_sites_leave_the_public_register(officer, reviewer):
    returned = site_return(site=site_submit(site=HeritageSiteFactory(), by=officer),
                           reviewer=reviewer, note="check the dating")  # fmt: skip
    withdrawn = site_withdraw(site=HeritageSiteFactory(published=True), by=reviewer, note="dup")

    assert returned.status == "draft"
    assert not site_list_public().filter(pk__in=[returned.pk, withdrawn.pk]).exists()


@pytest.mark.django_db
def test_a_stale_edit_is_refused_saying_who_changed_the_site(officer, reviewer):
    site = HeritageSiteFactory()
    read_by_both = site.version
    site_update(site=site, expected_version=read_by_both, fields={"name_en": "First"},
                by=reviewer, reason="typo")  # fmt: skip

    with translation.override("en"), pytest.raises(EditConflict, match="changed by reviewer"):
        site_update(site=site, expected_version=read_by_both, fields={"name_en": "Second"},
                    by=officer, reason="mine")  # fmt: skip

    site.refresh_from_db()
    assert site.name_en == "First"


@pytest.mark.django_db
def test_every_change_is_kept_with_who_and_why(officer):
    site = HeritageSiteFactory()
    site = site_update(site=site, expected_version=site.version, fields={"condition": "poor"},
                       by=officer, reason="inspection 2026")  # fmt: skip

    latest, created = site.history.all()[:2]

    assert (latest.history_user, latest.history_change_reason) == (officer, "inspection 2026")
    assert latest.diff_against(created).changed_fields == ["condition"]


@pytest.mark.django_db
def test_a_zone_area_is_measured_in_hectares_on_the_spheroid():
    site = HeritageSiteFactory()
    act = Designation.objects.create(site=site, scheme="republican_list")
    # 0.01° x 0.01° at 43.3° N: 1113 m x 810 m, about 90 ha (not 0.0001 "square degrees").
    square = MultiPolygon(Polygon.from_bbox((68.27, 43.29, 68.28, 43.30)), srid=4326)

    zone = ProtectionZone.objects.create(designation=act, kind="protection", geom=square)
    zone.refresh_from_db()

    assert zone.area_ha == pytest.approx(90.2, rel=0.01)
