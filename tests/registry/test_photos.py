"""Photo uploads: what is accepted, what is refused, and that public copies carry pixels only.

Every file is made here with Pillow (or by hand, for the PNG bombs); none is committed.
"""

import functools
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageCms, TiffImagePlugin
from PIL.PngImagePlugin import PngInfo

from registry.models import SitePhoto
from registry.services.photos import MAX_UPLOAD_BYTES, photo_add, photo_reorder
from tests.factories import HeritageSiteFactory

GPS_IFD, ORIENTATION, MAKE = 0x8825, 0x0112, 0x010F
SECRET = "MURA-SECRET"  # every piece of planted metadata contains it
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="43,14.228N" '
    b'exif:GPSLongitude="76,57.114E" xmp:Label="MURA-SECRET-XMP"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
# What Pillow reports for a bare JPEG it wrote itself: the JFIF header and nothing else.
BARE_JPEG_INFO = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}
ACCEPTED = "Accepted: JPEG, PNG or WebP"


@pytest.fixture(autouse=True)
def _in_english():
    """Refusals are in the officer's language (registry/services/photos.py): read in English."""
    with translation.override("en"):
        yield


def _rational(value: float) -> TiffImagePlugin.IFDRational:
    return TiffImagePlugin.IFDRational(round(value * 10000), 10000)


def _phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # held sideways: rotate 90° clockwise to view
    exif[MAKE] = f"{SECRET}-PHONE"
    exif[GPS_IFD] = {
        1: "N",
        2: (_rational(43), _rational(14), _rational(16.8)),
        3: "E",
        4: (_rational(76), _rational(57), _rational(6.84)),
    }
    return exif


def _two_halves(mode: str = "RGB") -> Image.Image:
    """200 × 100: red left half, blue right half, so a rotation shows where the red went."""
    image = Image.new(mode, (200, 100), "blue")
    image.paste("red", (0, 0, 100, 100))
    return image


def _encode(image: Image.Image, image_format: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **params)
    return buffer.getvalue()


@functools.cache  # the same bytes for every call: an sRGB profile carries the second it was made
def _phone_jpeg() -> bytes:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return _encode(
        _two_halves(),
        "JPEG",
        exif=_phone_exif().tobytes(),
        xmp=XMP,
        comment=f"{SECRET}-COMMENT",
        icc_profile=srgb,
    )


def _png_with_text() -> bytes:
    text = PngInfo()
    text.add_text("Comment", f"{SECRET}-TEXT")
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    text.add_text("Location", f"{SECRET}-ZTXT 43.2380 76.9519", zip=True)
    image = _two_halves("RGBA")
    image.paste((0, 0, 0, 0), (0, 0, 20, 20))  # a transparent corner
    return _encode(image, "PNG", pnginfo=text, exif=_phone_exif().tobytes())


def _png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of `width` × `height` black pixels, a few kilobytes on disk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _noise_jpeg() -> bytes:
    return _encode(Image.effect_noise((400, 300), 60).convert("RGB"), "JPEG", quality=90)


def _read(field_file) -> bytes:
    with field_file.storage.open(field_file.name, "rb") as stored:
        return stored.read()


def _media_files(settings) -> list[Path]:
    """Every stored file, public (MEDIA_ROOT) or private (originals)."""
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return [path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def site(db):
    return HeritageSiteFactory()


@pytest.fixture
def add(site, officer):
    """`add(data, name=..., content_type=..., **photo_add kwargs)`, as an officer's upload."""

    def _add(data, name="IMG_0001.jpg", content_type="image/jpeg", **kwargs):
        upload = SimpleUploadedFile(name, data, content_type=content_type)
        return photo_add(**{"site": site, "upload": upload, "added_by": officer, **kwargs})

    return _add


@pytest.fixture
def phone_photo(add):
    return add(_phone_jpeg())


# The planted metadata is really there, so the tests below prove something.


def test_the_phone_jpeg_carries_gps_xmp_comment_and_a_profile():
    with Image.open(io.BytesIO(_phone_jpeg())) as image:
        assert image.getexif().get_ifd(GPS_IFD)[1] == "N"
        assert image.getexif()[ORIENTATION] == 6
        assert b"http://ns.adobe.com/xap" in image.info["xmp"]
        assert image.info["comment"] == f"{SECRET}-COMMENT".encode()
        assert image.info["icc_profile"]


def test_the_png_carries_text_chunks_and_exif():
    with Image.open(io.BytesIO(_png_with_text())) as image:
        assert SECRET in image.info["Comment"]
        assert SECRET in image.info["Location"]
        assert "XML:com.adobe.xmp" in image.info
        assert image.getexif().get_ifd(GPS_IFD)


# Public copies


@pytest.mark.parametrize("field", ["thumbnail", "web"])
def test_public_copies_of_a_phone_jpeg_contain_no_metadata_bytes(phone_photo, field):
    stored = _read(getattr(phone_photo, field))

    for marker in (b"Exif", b"http://ns.adobe.com/xap", b"ICC_PROFILE", b"GPS", SECRET.encode()):
        assert marker not in stored


@pytest.mark.parametrize("field", ["thumbnail", "web"])
def test_public_copies_of_a_phone_jpeg_reopen_without_metadata(phone_photo, field):
    with Image.open(io.BytesIO(_read(getattr(phone_photo, field)))) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert not image.getexif().get_ifd(GPS_IFD)
        assert set(image.info) <= BARE_JPEG_INFO


@pytest.mark.parametrize("field", ["thumbnail", "web"])
def test_public_copies_are_turned_upright(phone_photo, field):
    with Image.open(io.BytesIO(_read(getattr(phone_photo, field)))) as image:
        assert image.size == (100, 200)
        red, _, blue = image.convert("RGB").getpixel((50, 10))

    assert red > 200  # the red left half is now on top
    assert blue < 60


@pytest.mark.parametrize("field", ["thumbnail", "web"])
def test_public_copies_of_a_png_contain_none_of_its_text(add, field):
    photo = add(_png_with_text(), name="scan.png", content_type="image/png")

    stored = _read(getattr(photo, field))
    for marker in (SECRET.encode(), b"http://ns.adobe.com/xap", b"Exif", b"43.2380"):
        assert marker not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert set(image.info) <= BARE_JPEG_INFO
        assert not image.getexif()


def test_transparency_is_flattened_onto_white(add):
    invisible_red = _encode(Image.new("RGBA", (50, 50), (255, 0, 0, 0)), "PNG")

    photo = add(invisible_red, name="logo.png", content_type="image/png")

    with Image.open(io.BytesIO(_read(photo.web))) as image:
        assert image.mode == "RGB"
        assert min(image.getpixel((25, 25))) > 250


def test_public_copies_fit_their_boxes(add):
    photo = add(_encode(Image.new("RGB", (4000, 3000), "green"), "JPEG"))

    with Image.open(io.BytesIO(_read(photo.web))) as web:
        assert web.size == (1600, 1200)
    with Image.open(io.BytesIO(_read(photo.thumbnail))) as thumbnail:
        assert thumbnail.size == (320, 240)


def test_a_webp_is_accepted(add):
    webp = _encode(_two_halves(), "WEBP", exif=_phone_exif().tobytes())

    photo = add(webp, name="IMG_0002.webp", content_type="image/webp")

    assert photo.original.name.endswith(".webp")
    with Image.open(io.BytesIO(_read(photo.web))) as web:
        assert web.format == "JPEG"
        assert web.size == (100, 200)
        assert not web.getexif()


def test_a_multi_picture_jpeg_from_a_phone_is_accepted(add):
    mpo = _encode(_two_halves(), "MPO", save_all=True, append_images=[Image.new("L", (20, 10))])
    with Image.open(io.BytesIO(mpo)) as image:
        assert image.format == "MPO"

    photo = add(mpo)

    assert photo.original.name.endswith(".jpg")
    assert _read(photo.original) == mpo


def test_a_sixteen_bit_greyscale_png_is_scaled_not_clipped_to_white(add):
    grey = _encode(Image.new("I;16", (50, 50), 32768), "PNG")

    photo = add(grey, name="scan.png", content_type="image/png")

    with Image.open(io.BytesIO(_read(photo.web))) as web:
        assert 120 < web.convert("L").getpixel((25, 25)) < 136


# The original and the file names


def test_the_original_is_stored_byte_for_byte(phone_photo):
    assert _read(phone_photo.original) == _phone_jpeg()


def test_the_original_is_kept_outside_the_public_media_root(phone_photo, settings):
    original = Path(phone_photo.original.path)

    assert original.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert not original.is_relative_to(settings.MEDIA_ROOT)
    assert Path(phone_photo.web.path).is_relative_to(settings.MEDIA_ROOT)


def test_stored_file_names_are_random_and_unrelated(add):
    photo = add(_phone_jpeg(), name="Yasawi mausoleum 43.2927 68.2736.jpg")

    names = [photo.original.name, photo.thumbnail.name, photo.web.name]
    assert re.fullmatch(r"photos/originals/[0-9a-f]{32}\.jpg", names[0])
    for public in names[1:]:
        assert re.fullmatch(r"photos/public/[0-9a-f]{32}\.jpg", public)
    assert not any("Yasawi" in name or "43.2927" in name for name in names)
    assert len({Path(name).stem for name in names}) == 3  # a public name reveals no original


def test_a_django_file_is_accepted_as_well_as_an_upload(site, officer):
    upload = File(io.BytesIO(_phone_jpeg()), name="from-a-script.jpg")

    photo = photo_add(site=site, upload=upload, added_by=officer)

    assert _read(photo.original) == _phone_jpeg()


def test_a_file_of_exactly_the_size_limit_is_accepted(add):
    jpeg = _noise_jpeg()
    padded = jpeg + b"\x00" * (MAX_UPLOAD_BYTES - len(jpeg))  # decoders ignore trailing bytes

    photo = add(padded)

    assert photo.original.size == MAX_UPLOAD_BYTES


# Refusals: a clear message, and nothing written


REFUSED = [
    pytest.param(
        "bomb.png", "image/png", lambda: _png_bomb(20_000, 20_000), "dimensions too large",
        id="png-bomb-past-pillows-hard-limit",
    ),
    pytest.param(
        "bomb.png", "image/png", lambda: _png_bomb(10_000, 10_000), "dimensions too large",
        id="png-bomb-past-pillows-warning",
    ),
    pytest.param(
        "big.png", "image/png", lambda: _png_bomb(8_000, 8_000), "64 megapixels",
        id="png-over-our-pixel-cap",
    ),
    pytest.param(
        "photo.jpg", "image/jpeg", lambda: b"PK\x03\x04 not a photo at all" * 40,
        "not a JPEG, PNG or WebP image", id="non-image-named-jpg",
    ),
    pytest.param(
        "photo.jpg", "image/jpeg", lambda: b"<!doctype html><script>alert(1)</script>",
        "not a JPEG, PNG or WebP image", id="html-named-jpg",
    ),
    pytest.param(
        "anim.gif", "image/gif", lambda: _encode(Image.new("RGB", (10, 10)), "GIF"),
        "not a JPEG, PNG or WebP image", id="gif",
    ),
    pytest.param(
        "photo.jpg", "image/jpeg", lambda: _noise_jpeg()[: len(_noise_jpeg()) // 2],
        "damaged or incomplete", id="truncated-jpeg",
    ),
    pytest.param(
        "photo.png", "image/png", lambda: _png_with_text()[:-30], "damaged or incomplete",
        id="truncated-png",
    ),
    pytest.param(
        "photo.jpg", "image/jpeg", lambda: _noise_jpeg() + b"\x00" * MAX_UPLOAD_BYTES,
        "too large", id="over-25-mb",
    ),
    pytest.param("photo.jpg", "image/jpeg", lambda: b"", "empty", id="empty"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content_type", "make", "problem"), REFUSED)
def test_refused_uploads_say_why_and_leave_nothing(
    add, settings, name, content_type, make, problem
):
    with pytest.raises(ValidationError) as refusal:
        add(make(), name=name, content_type=content_type)

    (message,) = refusal.value.message_dict["upload"]
    assert problem in message
    assert ACCEPTED in message
    assert not SitePhoto.objects.exists()
    assert _media_files(settings) == []


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_bomb_is_refused_even_where_pillows_warning_is_ignored(add, settings):
    with pytest.raises(ValidationError, match="dimensions too large"):
        add(_png_bomb(10_000, 10_000), name="bomb.png", content_type="image/png")

    assert _media_files(settings) == []


def test_a_failure_after_the_files_are_written_removes_them(add, settings):
    with pytest.raises(ValidationError) as refusal:
        add(_phone_jpeg(), caption_en="x" * 301)

    assert "caption_en" in refusal.value.message_dict
    assert not SitePhoto.objects.exists()
    assert _media_files(settings) == []


# Details, primary photo and order


def test_captions_and_credits_are_kept(add, officer):
    photo = add(
        _phone_jpeg(),
        caption_kk="Кесене",
        caption_ru="Мавзолей",
        caption_en="Mausoleum",
        author="A. Author",
        licence=SitePhoto.Licence.CC0,
        is_public=True,
    )

    photo.refresh_from_db()
    assert (photo.caption_kk, photo.caption_ru, photo.caption_en) == (
        "Кесене",
        "Мавзолей",
        "Mausoleum",
    )
    assert (photo.author, photo.licence, photo.is_public) == ("A. Author", "CC0-1.0", True)
    assert photo.uploaded_by == officer
    assert photo.history.get().history_user == officer


def test_a_new_primary_photo_replaces_the_previous_one(add, officer):
    other_site_primary = photo_add(
        site=HeritageSiteFactory(),
        upload=SimpleUploadedFile("a.jpg", _phone_jpeg()),
        added_by=officer,
        is_primary=True,
    )
    first = add(_phone_jpeg(), is_primary=True)

    second = add(_phone_jpeg(), is_primary=True)

    first.refresh_from_db()
    other_site_primary.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    assert other_site_primary.is_primary


def test_adding_a_photo_that_is_not_primary_keeps_the_primary(add):
    primary = add(_phone_jpeg(), is_primary=True)

    add(_phone_jpeg())

    primary.refresh_from_db()
    assert primary.is_primary


def test_photos_are_added_after_the_existing_ones(add):
    positions = [add(_phone_jpeg()).position for _ in range(3)]

    assert positions == [0, 1, 2]


def test_reorder_sets_positions_in_list_order(add, site, officer):
    a, b, c = (add(_phone_jpeg()) for _ in range(3))

    photo_reorder(site=site, photo_ids=[c.pk, a.pk, b.pk], by=officer)

    assert list(site.photos.values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]
    assert add(_phone_jpeg()).position == 3
    assert c.history.first().history_user == officer


@pytest.mark.parametrize(
    ("order", "problem"),
    [
        pytest.param(lambda ids, foreign: ids[:2], "missing", id="missing"),
        pytest.param(lambda ids, foreign: [*ids, foreign], "not photos of this site", id="foreign"),
        pytest.param(lambda ids, foreign: [*ids, ids[0]], "repeated", id="repeated"),
    ],
)
def test_reorder_refuses_anything_but_the_sites_photos_once_each(
    add, site, officer, order, problem
):
    ids = [add(_phone_jpeg()).pk for _ in range(3)]
    foreign = photo_add(
        site=HeritageSiteFactory(),
        upload=SimpleUploadedFile("a.jpg", _phone_jpeg()),
        added_by=officer,
    )

    with pytest.raises(ValidationError) as refusal:
        photo_reorder(site=site, photo_ids=order(list(reversed(ids)), foreign.pk), by=officer)

    assert problem in refusal.value.message_dict["photo_ids"][0]
    assert list(site.photos.values_list("pk", flat=True)) == ids


def test_a_refusal_is_in_the_officers_language(add):
    with translation.override("kk"), pytest.raises(ValidationError) as refusal:
        add(b"", name="empty.jpg", content_type="image/jpeg")

    (message,) = refusal.value.message_dict["upload"]
    assert "Файл бос." in message
    assert "Accepted" not in message
