import pytest
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction

from contributions.models import Contribution
from registry.models import AdminArea
from tests.contributions.conftest import contributor_make
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db


def test_a_location_is_kept_only_with_a_report(users):
    site = HeritageSiteFactory(published=True)
    who = contributor_make()
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.create(
            contributor=who, kind="observation", site=site, region=site.region,
            location=Point(68.27, 43.29, srid=4326),
        )  # fmt: skip
    region = AdminArea.objects.get(pk=site.region_id)
    report = Contribution.objects.create(
        contributor=who, kind="report", region=region, report_kind="unrecorded",
        location=Point(68.27, 43.29, srid=4326),
    )  # fmt: skip
    assert report.site is None
    assert report.state == "submitted"


def test_anything_but_a_report_names_its_site(users):
    site = HeritageSiteFactory(published=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.create(
            contributor=contributor_make(), kind="photo", region_id=site.region_id
        )
