import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from registry.services.monitoring import confirm_inspection, record_inspection
from tests.factories import HeritageSiteFactory
from tests.officer.conftest import IN_TURKISTAN, people  # noqa: F401 (a fixture)


def jpeg(name="inspection.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), "olive").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def site(people):  # noqa: F811
    """A published local site in Turkistan (officer_in and reviewer_in work there)."""
    return HeritageSiteFactory(published=True, location=IN_TURKISTAN.clone(), condition="good")


def inspect(site, by, *, condition="good", threats=(), days_ago=1, **kwargs):
    return record_inspection(
        site=site,
        by=by,
        inspected_on=timezone.localdate() - timedelta(days=days_ago),
        condition=condition,
        threats=[dict(zip(("threat", "severity", "trend"), t, strict=True)) for t in threats],
        **kwargs,
    )


def inspect_and_confirm(site, people, **kwargs):  # noqa: F811
    inspection = inspect(site, people["officer_in"], **kwargs)
    return confirm_inspection(inspection=inspection, reviewer=people["reviewer_in"])
