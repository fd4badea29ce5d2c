"""Location hints in the public texts of sensitive sites (DESIGN §4, "free text is screened, by
a person"): names of places near the exact location, and distance/direction phrases.

This finds and reports; it never changes a text. An officer submitting and a reviewer
publishing an S1–S3 site see the findings and confirm they have checked them
(`services/workflow.py`). S0 sites are public at their exact point, so they are not screened.

Place names come from `Place` (OpenStreetMap, ODbL) within a radius of the exact location that
grows with the class (`MURA_TEXT_SCREENING_RADIUS_KM`, default S1 10 km, S2 25 km, S3 50 km):
a name narrows a site to "near X", a few to a few tens of km, which matters little against an
S1 cell (1 km) but a lot against an S2 cell (~10 km) or an S3 region (hundreds of km).
Names are compared on a common Cyrillic/Latin skeleton (`transliteration.fold`), on word
boundaries, and a name of four letters or more also matches with an inflection after it
(Kazakh case endings "Ақсуда", "Ақсудан", Russian "Майском" for "Майское"); shorter names
("Ай", "Шу", "Май" are also words) only as whole words or with a hyphenated ending ("Шу-да").
A distance ("3 km", "5 шақырым", "в нескольких километрах") is a finding when a direction
stands next to it in the same sentence ("3 km north", "5 km NE", "к юго-западу",
"солтүстік-батысында") or it is measured from something ("from", "от", "жерде", "ауылынан 3
км"). A direction alone ("the north wall") or a size ("20 m high") is not.
"""

import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point, Polygon
from django.utils.translation import gettext as _

from registry.models import HeritageSite, Place
from registry.transliteration import fold

LANGUAGES = ("kk", "ru", "en")
PLACE, PHRASE = "place", "phrase"
CONTEXT = 60  # characters shown either side of a match

NUMBER = r"\d+(?:[.,]\d+)?(?:\s*[-–—]\s*\d+(?:[.,]\d+)?)?"
UNIT_WORD = r"(?:kilomet(?:er|re)s?|met(?:er|re)s?|miles?|километр\w*|метр\w*|верст\w*|шақырым\w*)"
UNIT_SHORT = r"(?:km|m|mi|км|м|шақ)"
DISTANCE = re.compile(
    rf"(?:{NUMBER}\s*(?:{UNIT_WORD}|{UNIT_SHORT}\b\.?)|\b{UNIT_WORD})", re.IGNORECASE
)
DIRECTION = re.compile(
    r"\b(?:(?:north|south)[- ]?(?:east|west)|north|south|east|west)(?:ern|erly|wards?)?\b"
    r"|\b(?:up|down)stream\b"
    r"|\b(?:(?:северо|юго)[-‑]?(?:восто|запад)\w*|север\w*|юж\w*|юг\w*|восто\w*|запад\w*)"
    r"|\b(?:выше|ниже) по течению\b"
    r"|\b(?:(?:солтүст|оңтүст)\w*(?:[-‑ ](?:шығыс|батыс)\w*)?|шығыс\w*|батыс\w*)",
    re.IGNORECASE,
)
# Compass abbreviations, upper case only: "5 km NE", "3 км СВ".
ABBREVIATION = re.compile(
    r"\b(?:NNE|NNW|SSE|SSW|ENE|ESE|WNW|WSW|NE|NW|SE|SW|N|S|E|W|СВ|СЗ|ЮВ|ЮЗ|С|Ю|В|З)\b"
)
# Words that may stand between a direction or a "from" and its distance: "солтүстікке қарай
# шамамен 40 км", "к северу, примерно в 5 км", "north, about 5 km".
APPROXIMATELY = r"(?:\s|,|\b(?:қарай|бағыт\w*|шамамен|шамасы\w*|в|около|примерно|at|about|some)\b)*"
MEASURED_FROM = re.compile(
    r"\s*(?:from|of|away|off|outside|от|жер(?:де|дегі|інде)|қашықтықта\w*)\b", re.IGNORECASE
)
# Kazakh puts "from" on the noun: "ауылынан 3 км", "Ақсудан 5 шақырым".
ABLATIVE_BEFORE = re.compile(rf"\b\w+(?:дан|ден|тан|тен|нан|нен)\s{APPROXIMATELY}\Z", re.IGNORECASE)
GAP_BREAK = re.compile(r"[.!?;,\n]")
DIRECTION_GAP = 15  # characters at most from a distance to its direction ("5 km to the north")
GAP_BEFORE_DISTANCE = re.compile(APPROXIMATELY, re.IGNORECASE)

# Endings that inflect (Russian -ое/-ая/-ий, a final vowel): dropped so "Майское" finds "Майском".
STEM_ENDINGS = ("aia", "oe", "ie", "ii", "ia", "a", "o", "e", "i")
SHORT_NAME = 4  # letters in the skeleton; shorter names match only as whole words
SUFFIX = r"[a-z]{0,7}"


@dataclass(frozen=True)
class Finding:
    field: str  # the model field: "description_ru", "alt_names", "caption_kk"...
    label: str  # for people: "description [ru]", "photo 3: caption [kk]"
    language: str  # kk, ru, en, or "" for a field without a language
    text: str  # the whole text `start` and `end` refer to
    start: int
    end: int
    kind: str  # PLACE or PHRASE
    place: str = ""  # the place's local name, for PLACE
    distance_km: float | None = None  # from the exact location, for PLACE

    @property
    def matched(self) -> str:
        return self.text[self.start : self.end]

    @property
    def before(self) -> str:
        start = max(0, self.start - CONTEXT)
        return ("…" if start else "") + self.text[start : self.start]

    @property
    def after(self) -> str:
        end = self.end + CONTEXT
        return self.text[self.end : end] + ("…" if end < len(self.text) else "")


@dataclass(frozen=True)
class _Text:
    field: str
    label: str
    language: str
    text: str


@dataclass(frozen=True)
class _Name:
    pattern: re.Pattern
    length: int  # of the skeleton of the name: the longest name wins where two match
    place: Place
    distance_km: float


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _public_texts(site: HeritageSite) -> list[_Text]:
    """Every text the public may read about the site, in every language. Photo captions are
    included even for photos not yet public: making a photo public is not reviewed."""
    texts = [
        _Text(f"{base}_{lang}", _label(HeritageSite, f"{base}_{lang}"), lang, value)
        for base in ("name", "description", "dating_note")
        for lang in LANGUAGES
        if (value := getattr(site, f"{base}_{lang}", ""))
    ]
    texts += [
        _Text("alt_names", _label(HeritageSite, "alt_names"), "", value)
        for value in site.alt_names or []
        if value
    ]
    if site.pk:
        for number, photo in enumerate(site.photos.all(), start=1):
            for lang in LANGUAGES:
                if value := getattr(photo, f"caption_{lang}", ""):
                    label = _("photo %(number)s: %(field)s") % {
                        "number": number,
                        "field": _label(type(photo), f"caption_{lang}"),
                    }
                    texts.append(_Text(f"caption_{lang}", label, lang, value))
    return texts


def screening_radius_km(sensitivity: str) -> float:
    return settings.MURA_TEXT_SCREENING_RADIUS_KM[sensitivity]


def places_near(*, point: Point, radius_km: float) -> list[tuple[Place, float]]:
    """Places within `radius_km` of `point` (on the sphere), nearest first, with their distance.
    The bounding box lets the GiST index find the few candidates; degrees are converted at the
    point's latitude, with a margin."""
    dlat = radius_km / 110.0
    dlon = radius_km / (111.0 * max(math.cos(math.radians(point.y)), 0.1))
    box = Polygon.from_bbox((point.x - dlon, point.y - dlat, point.x + dlon, point.y + dlat))
    box.srid = 4326
    candidates = (
        Place.objects.filter(point__bboverlaps=box)
        .annotate(distance=Distance("point", point))
        .order_by("distance")
    )
    return [(place, place.distance.km) for place in candidates if place.distance.km <= radius_km]


def _name_pattern(name: str) -> tuple[re.Pattern, int] | None:
    skeleton = " ".join(fold(name)[0].split())
    letters = sum(c.isascii() and c.isalpha() for c in skeleton)
    if letters < 2:
        return None
    stem, suffix = skeleton, ""
    if letters >= SHORT_NAME:
        suffix = SUFFIX
        for ending in STEM_ENDINGS:
            if skeleton.endswith(ending) and len(skeleton) - len(ending) >= SHORT_NAME:
                stem = skeleton[: -len(ending)]
                break
    body = r"[\s\-–—]+".join(re.escape(part) for part in re.split(r"[\s\-–—]+", stem))
    pattern = rf"(?<![a-z0-9]){body}{suffix}(?:-[a-z]{{1,6}})?(?![a-z0-9])"
    return re.compile(pattern), len(skeleton)


def _names_near(site: HeritageSite) -> list[_Name]:
    names = []
    for place, km in places_near(
        point=site.location, radius_km=screening_radius_km(site.sensitivity)
    ):
        for spelling in place.names:
            if compiled := _name_pattern(spelling):
                names.append(_Name(compiled[0], compiled[1], place, round(km, 1)))
    return names


def _place_findings(text: _Text, names: list[_Name]) -> list[Finding]:
    """One finding per place of text: where names overlap (Аксу, Аксуат) the longest name wins,
    then the nearest place (two villages called Аксу)."""
    skeleton, origin = fold(text.text)
    best: dict[int, tuple[int, int, _Name]] = {}
    for name in names:
        for match in name.pattern.finditer(skeleton):
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            current = best.get(start)
            if current is None or (name.length, -name.distance_km) > (
                current[2].length,
                -current[2].distance_km,
            ):
                best[start] = (start, end, name)
    return [
        Finding(
            text.field,
            text.label,
            text.language,
            text.text,
            start,
            end,
            PLACE,
            place=name.place.name,
            distance_km=name.distance_km,
        )  # fmt: skip
        for start, end, name in sorted(best.values(), key=lambda hit: hit[0])
    ]


def _linked(text: str, distance: tuple[int, int], direction: tuple[int, int]) -> bool:
    """A direction belongs to a distance right after it ("3 km north", "5 km to the NE", "в 5 км
    к северу") or, in Kazakh order, right before it ("солтүстік-батысында 2 шақырым"); not to a
    size further on in the sentence ("the north wall is 20 m high", "20 м высотой, западная")."""
    (ds, de), (rs, re_) = distance, direction
    if rs >= de:
        gap = text[de:rs]
        return len(gap) <= DIRECTION_GAP and not GAP_BREAK.search(gap)
    if re_ <= ds:
        return bool(GAP_BEFORE_DISTANCE.fullmatch(text[re_:ds]))
    return True


def _phrase_spans(text: str) -> list[tuple[int, int]]:
    directions = [m.span() for m in DIRECTION.finditer(text)]
    directions += [m.span() for m in ABBREVIATION.finditer(text)]
    spans = []
    for match in DISTANCE.finditer(text):
        start, end = match.span()
        for direction in directions:
            if _linked(text, (start, end), direction):
                phrase_end = max(end, direction[1])
                if after := MEASURED_FROM.match(text, phrase_end):  # "3 km north of"
                    phrase_end = after.end()
                spans.append((min(start, direction[0]), phrase_end))
        if after := MEASURED_FROM.match(text, end):
            spans.append((start, after.end()))
        if before := ABLATIVE_BEFORE.search(text[max(0, start - 40) : start]):
            spans.append((start - len(before.group()), end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def site_location_hints(*, site: HeritageSite) -> list[Finding]:
    """What in the site's public texts may say where it is more precisely than its class
    allows. Empty for S0 sites. Reads `site` as given (a proposed change may be unsaved)."""
    if site.sensitivity == HeritageSite.Sensitivity.OPEN or site.location is None:
        return []
    names = _names_near(site)
    findings = []
    for text in _public_texts(site):
        found = _place_findings(text, names)
        found += [
            Finding(text.field, text.label, text.language, text.text, start, end, PHRASE)
            for start, end in _phrase_spans(text.text)
        ]
        findings += sorted(found, key=lambda finding: finding.start)
    return findings


def hints_summary(findings: list[Finding]) -> str:
    """For a status change note (kept in English, like the other notes recorded)."""
    places = sum(finding.kind == PLACE for finding in findings)
    phrases = len(findings) - places
    return f"{len(findings)} (place names: {places}, distance/direction phrases: {phrases})"
