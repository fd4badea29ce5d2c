import io
import re
import zlib
from datetime import date

import pypdfium2
import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from registry.models import AtRiskEntry, Designation, Inspection, InspectionThreat, ProtectionZone
from registry.services.photos import photo_add
from tests.factories import HeritageSiteFactory, UserFactory
from tests.officer.conftest import people  # noqa: F401 (the officers of tests/officer)

# Exact positions no public passport of a generalised site may contain, in any form.
EXACT = Point(68.27105556, 43.29769444, srid=4326)
NOTE = "Crack under the north dome, see sketch 7"
INSPECTOR = "Inspector Zhanar Bekova"


def jpeg(colour: str = "teal", size=(2400, 1600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        text = " ".join(page.get_textpage().get_text_range() for page in document)
        return " ".join(text.split())  # lines wrapped by the layout joined again
    finally:
        document.close()


def raw_streams(data: bytes) -> bytes:
    """The PDF's bytes with every Flate stream inflated (reportlab compresses them)."""
    out = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out)


def coordinate_spellings(point: Point) -> list[bytes]:
    """How an exact point could be written: decimal degrees to 3-6 places."""
    out = []
    for value in (point.x, point.y):
        for places in (3, 4, 5, 6):
            out.append(f"{value:.{places}f}".encode())
            out.append(f"{value:.{places}f}".replace(".", ",").encode())
    return out


def square(x: float, y: float, half: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((x - half, y - half, x + half, y + half)), srid=4326)


def dress(site, *, officer=None):
    """A designation with a zone, a public and a non-public photo, a confirmed inspection with
    notes and a threat, a submitted one, and a listed at-risk entry."""
    inspector = officer or UserFactory(username="zhanar", first_name="Inspector Zhanar",
                                       last_name="Bekova")  # fmt: skip
    designation = Designation.objects.create(
        site=site, scheme="republican_list", act_number="38", act_date=date(2020, 1, 14),
        authority_kk="ҚР Үкіметі", authority_ru="Правительство РК", authority_en="Government",
    )  # fmt: skip
    ProtectionZone.objects.create(
        designation=designation, kind="protection", geom=square(EXACT.x, EXACT.y, 0.003),
        regime_en="No building", regime_ru="Запрет строительства", regime_kk="Құрылысқа тыйым",
    )  # fmt: skip
    photo_add(site=site, upload=jpeg("teal"), added_by=inspector, caption_en="South facade",
              caption_kk="Оңтүстік қасбет", caption_ru="Южный фасад", author="A. Photographer",
              is_public=True, is_primary=True)  # fmt: skip
    photo_add(site=site, upload=jpeg("red"), added_by=inspector, caption_en="Private trench",
              caption_kk="Жабық траншея", caption_ru="Закрытый раскоп",
              author="B. Secret")  # fmt: skip
    inspection = Inspection.objects.create(
        site=site, inspected_on=date(2026, 5, 3), inspector=inspector, condition="poor",
        notes=NOTE, state=Inspection.State.CONFIRMED,
    )  # fmt: skip
    InspectionThreat.objects.create(inspection=inspection, threat="erosion", severity="high")
    Inspection.objects.create(
        site=site, inspected_on=date(2026, 9, 1), inspector=inspector, condition="critical",
        notes="unconfirmed", state=Inspection.State.SUBMITTED,
    )  # fmt: skip
    AtRiskEntry.objects.create(
        site=site, state=AtRiskEntry.State.LISTED, reason="erosion", listed_on=date(2026, 6, 1)
    )
    return site


@pytest.fixture
def open_site(db):
    site = HeritageSiteFactory(
        published=True, sensitivity="S0", location=EXACT.clone(),
        name_kk="Қожа Ахмет Ясауи кесенесі", name_ru="Мавзолей Ходжи Ахмеда Ясави",
        name_en="Mausoleum of Khoja Ahmed Yasawi", date_from=1389, date_to=1405,
    )  # fmt: skip
    return dress(site)


@pytest.fixture(params=["S1", "S2", "S3"])
def sensitive_site(request, db):
    site = HeritageSiteFactory(
        published=True, sensitivity=request.param, location=EXACT.clone(),
        name_kk="Сауран қорымы", name_ru="Могильник Сауран", name_en="Sauran cemetery",
        category="archaeology",
    )  # fmt: skip
    return dress(site)
