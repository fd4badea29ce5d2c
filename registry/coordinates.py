"""Coordinates as people type them: decimal degrees or degrees, minutes and seconds, with the
hemisphere in Latin, Russian or Kazakh letters, for the officer's longitude and latitude
fields (registry/forms.py). Each field holds one axis, so the order is never guessed.

    68.2711   68,2711   -0.5   68°16′15.8″ E   68 16 15.8   68°16.263'   E 68°16'15.8"
    43°17′51.7″ с.ш.   43°17′51.7″ N   68°16′15.8″ в.д.   68°16′15.8″ ш.б.

registry/static/registry/coordinates.js reads the same forms to move the map's point as the
officer types; this module decides what is saved."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The first letter of the hemisphere: Latin, Russian (север, юг, восток, запад) and Kazakh
# (солтүстік, оңтүстік, шығыс, батыс); "с.ш." and "в.д." read by their first letter.
HEMISPHERES = {
    "N": ("lat", 1), "С": ("lat", 1),
    "S": ("lat", -1), "Ю": ("lat", -1), "О": ("lat", -1),
    "E": ("lon", 1), "В": ("lon", 1), "Ш": ("lon", 1),
    "W": ("lon", -1), "З": ("lon", -1), "Б": ("lon", -1),
}  # fmt: skip
LIMITS = {"lon": 180, "lat": 90}
_LETTERS = "".join(HEMISPHERES) + "".join(HEMISPHERES).lower()
_PREFIX = re.compile(rf"^([{_LETTERS}])\.?\s*")
_SUFFIX = re.compile(rf"\s*([{_LETTERS}])\.?(?:\s*[{_LETTERS}a-zа-яәғқңөұүһі]\.?)?$")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_UNITS = re.compile(r"[°º˚d′’‘ʹ'm″”“ʺ\"s\s]+", re.IGNORECASE)
MAX_LENGTH = 40


def _hemisphere(text: str) -> tuple[str, tuple[str, int] | None]:
    for pattern in (_PREFIX, _SUFFIX):
        if match := pattern.search(text):
            letter = match.group(1).upper()
            return (text[: match.start()] + text[match.end() :]).strip(), HEMISPHERES[letter]
    return text, None


def _signed(value: float, sign: int, hemisphere: tuple[str, int] | None, axis: str) -> float:
    if hemisphere is None:
        return sign * value
    if hemisphere[0] != axis:
        if axis == "lon":
            raise ValidationError(_("This is a latitude (N or S): put it in the latitude field."))
        raise ValidationError(_("This is a longitude (E or W): put it in the longitude field."))
    if sign < 0:
        raise ValidationError(_("Give either a minus sign or a hemisphere letter, not both."))
    return hemisphere[1] * value


def angle(text: str, axis: str) -> float:
    """Decimal degrees of one axis ("lon" or "lat") from what an officer typed; a
    ValidationError says what is wrong in words."""
    text = " ".join(str(text).split())[: MAX_LENGTH + 1]
    if len(text) > MAX_LENGTH:
        raise ValidationError(_("Type at most %(n)s characters.") % {"n": MAX_LENGTH})
    rest, hemisphere = _hemisphere(text)
    sign = 1
    if rest.startswith(("-", "−")):
        sign, rest = -1, rest[1:].lstrip()
    numbers = _NUMBER.findall(rest)
    if not numbers or _UNITS.sub("", _NUMBER.sub("", rest)) or len(numbers) > 3:
        raise ValidationError(
            _("Type degrees, e.g. 68.2711 or 68°16′15.8″ (degrees, minutes, seconds).")
        )
    if any("," in n or "." in n for n in numbers[:-1]):
        raise ValidationError(
            _("Only the last number may have decimals (68°16.263′ or 68°16′15.8″).")
        )
    degrees, minutes, seconds = ([float(n.replace(",", ".")) for n in numbers] + [0, 0])[:3]
    if minutes >= 60 or seconds >= 60:
        raise ValidationError(_("Minutes and seconds are below 60."))
    value = _signed(degrees + minutes / 60 + seconds / 3600, sign, hemisphere, axis)
    if abs(value) > LIMITS[axis]:
        raise ValidationError(
            _("A longitude lies between -180 and 180.")
            if axis == "lon"
            else _("A latitude lies between -90 and 90.")
        )
    return round(value, 7)
