"""Helpers of the contributing and moderation tests (contrib16): a phone photo carrying GPS,
officers of one region, and the send/decide requests as a browser makes them."""

import functools
import io

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms, TiffImagePlugin

from registry.models import AdminArea, RegionAssignment
from tests.factories import UserFactory

GPS_IFD, MAKE = 0x8825, 0x010F
SECRET = "MURA-SECRET"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="43,14.284N" '
    b'exif:GPSLongitude="76,57.116E"/></rdf:RDF></x:xmpmeta>'
)
# What no stored or public copy may contain.
METADATA_MARKERS = (b"Exif", b"GPS", b"http://ns.adobe.com", b"ICC_PROFILE", SECRET.encode())


def _rational(value: float) -> TiffImagePlugin.IFDRational:
    return TiffImagePlugin.IFDRational(round(value * 10000), 10000)


@functools.cache  # the same bytes every call (an sRGB profile carries the second it was made)
def phone_jpeg() -> bytes:
    """A JPEG as a phone makes it: EXIF with a GPS position (43.2380 N, 76.9519 E), XMP, a
    comment and an ICC profile."""
    exif = Image.Exif()
    exif[MAKE] = f"{SECRET}-PHONE"
    exif[GPS_IFD] = {
        1: "N", 2: (_rational(43), _rational(14), _rational(16.8)),
        3: "E", 4: (_rational(76), _rational(57), _rational(6.84)),
    }  # fmt: skip
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image = Image.new("RGB", (240, 160), "#a07050")
    image.save(
        buffer, format="JPEG", exif=exif.tobytes(), xmp=XMP, comment=f"{SECRET}-COMMENT",
        icc_profile=srgb,
    )  # fmt: skip
    return buffer.getvalue()


def phone_upload(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, phone_jpeg(), content_type="image/jpeg")


def has_metadata(data: bytes) -> list[bytes]:
    return [marker for marker in METADATA_MARKERS if marker in data]


def region(code: str) -> AdminArea:
    return AdminArea.objects.get(level=AdminArea.Level.REGION, code=code)


def officer_of(code: str, *, role: str = "officer", username: str = ""):
    """A member of staff of one region only."""
    user = UserFactory(username=username or f"{role}-{code.lower()}")
    user.groups.add(Group.objects.get(name=role))
    RegionAssignment.objects.get_or_create(user=user, region=region(code))
    return user


EN = {"accept-language": "en"}


def send_photo(client, site, headers=None, **fields):
    data = {"photo": phone_upload(), "licence": "CC-BY-SA-4.0", "credit": "A. Nurova"}
    url = reverse("contribute-photo", args=[site.registry_number])
    return client.post(url, data | fields, headers=headers)


def send_observation(client, site, headers=None, **fields):
    data = {"visited_on": "2026-05-01", "condition_seen": "poor", "threats_seen": ["looting"]}
    url = reverse("contribute-observation", args=[site.registry_number])
    return client.post(url, data | fields, headers=headers)


def send_report(client, lat, lon, headers=None, **fields):
    data = {"report_kind": "looting", "lat": lat, "lon": lon, "text": "Fresh pits by the road"}
    return client.post(reverse("contribute-report"), data | fields, headers=headers)


def decide(client, item, decision: str, reason: str = ""):
    url = reverse("moderation-decide", args=[item.pk])
    return client.post(url, {"decision": decision, "reason": reason})
