"""Adding and ordering site photos.

Phone photos carry GPS positions (EXIF, XMP), and PNGs can carry any text. The public copies are
therefore rebuilt from pixels alone, so no photo can undo a site's generalised location
(DESIGN §4). The original is kept byte for byte, privately. An upload is fully read and decoded
before anything is written, and a failure after the first file is written deletes what was written.
"""

import errno
import io
import uuid
import warnings
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from simple_history.utils import bulk_update_with_history

from registry.models import HeritageSite, SitePhoto

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 50_000_000
# Only these decoders are tried, whatever the file is called or claims to be: fewer parsers
# exposed to hostile files. Pillow reports a JPEG with a multi-picture extension (many phones
# add depth maps or previews) as "MPO"; it is still a JPEG, and its first frame is the photo.
DECODERS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
THUMBNAIL_BOX = (320, 320)
WEB_BOX = (1600, 1600)
# A stripped original (photo_stripped): large enough for print, bounded like any decode.
ORIGINAL_BOX = (4096, 4096)
JPEG_QUALITY = 85

# The disk (or the user's quota) is full: the officer is told, and nothing of it is kept.
NO_ROOM = (errno.ENOSPC, errno.EDQUOT)


def no_room_message() -> str:
    return _(
        "The server has no room to store this photo right now, so nothing was saved. "
        "Please tell an administrator."
    )


def _refusal(problem: str) -> ValidationError:
    accepted = _(
        "Accepted: JPEG, PNG or WebP photos of at most %(mb)d MB and %(mp)d megapixels."
    ) % {"mb": MAX_UPLOAD_BYTES // 2**20, "mp": MAX_PIXELS // 10**6}
    return ValidationError({"upload": f"{problem} {accepted}"})


def _read(upload: UploadedFile | File) -> bytes:
    """The upload's bytes, refused before reading if too large or empty."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise _refusal(_("The file is too large (%(size)s bytes).") % {"size": f"{upload.size:,}"})
    upload.open()
    # One byte more than allowed, in case the reported size was wrong.
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refusal(_("The file is too large."))
    if not data:
        raise _refusal(_("The file is empty."))
    return data


def _check_header(image: Image.Image) -> None:
    """Format and dimensions, from the header alone: nothing has been decoded yet."""
    if image.format not in EXTENSIONS:
        raise _refusal(_("%(format)s images are not accepted.") % {"format": image.format})
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _refusal(
            _(
                "The image is %(width)d × %(height)d pixels (%(mp).0f megapixels), "
                "which is too large to process."
            )
            % {"width": width, "height": height, "mp": width * height / 1e6}
        )


def _decode(data: bytes, box: tuple[int, int] = WEB_BOX) -> tuple[str, Image.Image]:
    """The detected format and the upright photo, no larger than the web copy needs, as a new
    RGB image of pixels only.

    The cost per photo is bounded (issue 13): a JPEG is decoded at 1/2, 1/4 or 1/8 scale by
    libjpeg itself (Pillow's draft mode), never below the web copy's size, and any image is
    shrunk to the web copy's box before it is turned upright and flattened, so one 49 MP phone
    photo no longer holds several full-size copies in memory (bench/photo_cost.py)."""
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice that; a bomb is a bomb. (The filter
        # is process-wide, but MAX_PIXELS is below Pillow's limit, so a thread resetting it
        # early lets nothing through.)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=DECODERS) as probe:
                _check_header(probe)
                probe.verify()  # checksums (PNG); the image cannot be used after this
            with Image.open(io.BytesIO(data), formats=DECODERS) as image:
                image.draft("RGB", _fitted(image.size, box))  # JPEG only; others ignore it
                image.load()  # a truncated or corrupt stream fails here
                return image.format, _pixels_only(image, box)
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _refusal(_("The image declares dimensions too large to process safely.")) from exc
        except Image.UnidentifiedImageError as exc:
            raise _refusal(_("The file is not a JPEG, PNG or WebP image.")) from exc
        except Exception as exc:  # Pillow signals a damaged file with many exception types
            raise _refusal(_("The image is damaged or incomplete and cannot be read.")) from exc


def _fitted(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """`size` scaled to fit within `box` (never enlarged): what the draft must at least give."""
    scale = min(1.0, box[0] / size[0], box[1] / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _pixels_only(image: Image.Image, box: tuple[int, int] = WEB_BOX) -> Image.Image:
    """Upright, alpha flattened onto white, at most the web copy's size, in a brand new image.

    Nothing of the file but its pixels comes along: Pillow's encoders fall back on the source's
    `info` (a JPEG comment, for one), and a new image has an empty one.
    """
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        # In place, keeping `info` (the EXIF orientation); the box is square, so turning the
        # image upright afterwards gives the same size.
        image.thumbnail(box, Image.Resampling.LANCZOS)
    upright = ImageOps.exif_transpose(image)
    if upright.mode == "I" or upright.mode.startswith("I;16"):
        # 16-bit greyscale PNG: scale to 8 bits, as converting directly clips to white.
        upright = upright.convert("I").point(lambda value: value / 256).convert("L")
    rgba = upright.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _jpeg(pixels: Image.Image, box: tuple[int, int]) -> bytes:
    """Fit within `box` (never enlarged), as a JPEG with no metadata: no exif=, icc_profile=..."""
    resized = pixels.copy()
    resized.thumbnail(box, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    resized.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def public_copies(data: bytes) -> tuple[str, dict[str, bytes]]:
    """The detected format and the two public copies (thumbnail, web), pixels only."""
    image_format, pixels = _decode(data)
    return image_format, {"thumbnail": _jpeg(pixels, THUMBNAIL_BOX), "web": _jpeg(pixels, WEB_BOX)}


def photo_stripped(upload: UploadedFile | File) -> bytes:
    """The upload as a JPEG of its pixels alone, at most ORIGINAL_BOX: what is kept of a file
    whose sender must not be locatable by it, the stored original included (a contribution
    from the public, issue 16). Refused as photo_add refuses, with ValidationError({"upload"})."""
    _, pixels = _decode(_read(upload), box=ORIGINAL_BOX)
    return _jpeg(pixels, ORIGINAL_BOX)


def _store(photo: SitePhoto, files: dict[str, tuple[bytes, str]], by: AbstractBaseUser) -> None:
    """Write the files, validate and save; on any failure delete every file written, including
    one written halfway (a full disk keeps the part that fitted under the name we chose).

    Each file gets its own random name: a shared stem would let anyone who sees a public copy's
    URL guess the private original's path.
    """
    written = []  # (storage, name) of each file we began to write
    try:
        for field_name, (content, extension) in files.items():
            field_file = getattr(photo, field_name)
            name = f"{uuid.uuid4().hex}{extension}"
            written.append((field_file.storage, field_file.field.generate_filename(photo, name)))
            field_file.save(name, ContentFile(content), save=False)
            written[-1] = (field_file.storage, field_file.name)
        photo.full_clean()
        photo._history_user = by
        photo._change_reason = "photo added"
        photo.save()
    except BaseException as failure:
        for storage, name in written:
            storage.delete(name)
        if isinstance(failure, OSError) and failure.errno in NO_ROOM:
            raise ValidationError({"upload": no_room_message()}) from failure
        raise


def _primary_unset(site: HeritageSite, by: AbstractBaseUser) -> None:
    for previous in SitePhoto.objects.filter(site=site, is_primary=True):
        previous.is_primary = False
        previous._history_user = by
        previous._change_reason = "another photo made primary"
        previous.save(update_fields=["is_primary"])


def _next_position(site: HeritageSite) -> int:
    last = SitePhoto.objects.filter(site=site).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def photo_add(
    *,
    site: HeritageSite,
    upload: UploadedFile | File,
    added_by: AbstractBaseUser,
    caption_kk: str = "",
    caption_ru: str = "",
    caption_en: str = "",
    author: str = "",
    taken_on: date | None = None,
    licence: str = SitePhoto.Licence.CC_BY,
    is_public: bool = False,
    is_primary: bool = False,
) -> SitePhoto:
    """Store the original privately and two stripped public copies; last in the site's order.

    Refusals of the file raise ValidationError({"upload": ...}) and leave nothing behind.
    """
    data = _read(upload)
    image_format, copies = public_copies(data)
    files = {  # the client's file name is never used
        "original": (data, EXTENSIONS[image_format]),
        "thumbnail": (copies["thumbnail"], ".jpg"),
        "web": (copies["web"], ".jpg"),
    }
    # Locking the site serialises adds and reorders: positions and the one primary stay consistent.
    site = HeritageSite.objects.select_for_update().get(pk=site.pk)
    if is_primary:
        _primary_unset(site, by=added_by)
    photo = SitePhoto(
        site=site,
        caption_kk=caption_kk,
        caption_ru=caption_ru,
        caption_en=caption_en,
        author=author,
        taken_on=taken_on,
        licence=licence,
        is_public=is_public,
        is_primary=is_primary,
        position=_next_position(site),
        uploaded_by=added_by,
    )
    _store(photo, files, by=added_by)
    return photo


def _order_problems(photo_ids: list[int], existing: set[int]) -> list[str]:
    given = set(photo_ids)
    problems = []
    if missing := existing - given:
        problems.append("missing " + ", ".join(map(str, sorted(missing))))
    if unknown := given - existing:
        problems.append("not photos of this site: " + ", ".join(map(str, sorted(unknown))))
    if len(photo_ids) != len(given):
        problems.append("some ids are repeated")
    return problems


@transaction.atomic
def photo_reorder(*, site: HeritageSite, photo_ids: list[int], by: AbstractBaseUser) -> None:
    """Set the site's photo order to `photo_ids`, which must list each of its photos once."""
    site = HeritageSite.objects.select_for_update().get(pk=site.pk)
    photos = {photo.pk: photo for photo in SitePhoto.objects.filter(site=site)}
    if problems := _order_problems(photo_ids, set(photos)):
        raise ValidationError(
            {
                "photo_ids": _("List each photo of this site exactly once (%(problems)s).")
                % {"problems": "; ".join(problems)}
            }
        )
    changed = []
    for position, pk in enumerate(photo_ids):
        if photos[pk].position != position:
            photos[pk].position = position
            changed.append(photos[pk])
    if changed:
        bulk_update_with_history(
            changed, SitePhoto, ["position"], default_user=by, default_change_reason="reordered"
        )
