"""The passport's layout: A4, reportlab's platypus, DejaVu Sans embedded (Kazakh and Russian
letters), in the active language. Reads only a `Passport` (content.py)."""

import io
from functools import cache
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from registry.passport.content import Passport
from registry.passport.map import location_map

PHOTO_MAX_PX = 1200  # the longest side of an embedded photo: sharp in print, small in the file
PHOTO_QUALITY = 80
MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
GRID = colors.HexColor("#c8c8c8")
AT_RISK = colors.HexColor("#b3261e")


@cache
def fonts_register() -> None:
    """DejaVu Sans as "Passport" and "Passport-Bold" (settings.MURA_PASSPORT_FONT_DIR)."""
    folder = settings.MURA_PASSPORT_FONT_DIR
    pdfmetrics.registerFont(TTFont("Passport", str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("Passport-Bold", str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily("Passport", normal="Passport", bold="Passport-Bold")


@cache
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName="Passport", fontSize=9, leading=11.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9.5),
        "label": ParagraphStyle("label", base, fontName="Passport-Bold", fontSize=8.5),
        "kicker": ParagraphStyle("kicker", base, fontSize=10, textColor=colors.HexColor("#555")),
        "title": ParagraphStyle("title", base, fontName="Passport-Bold", fontSize=18, leading=22),
        "h2": ParagraphStyle(
            "h2",
            base,
            fontName="Passport-Bold",
            fontSize=11.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=4,
        ),  # fmt: skip
        "number": ParagraphStyle("number", base, fontName="Passport-Bold", fontSize=12),
        "right": ParagraphStyle("right", base, fontSize=7, leading=9, alignment=TA_RIGHT),
        "risk": ParagraphStyle("risk", base, fontName="Passport-Bold", textColor=colors.white),
    }


def _p(text, style: str = "body") -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), _styles()[style])


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def hectares(value: float) -> str:
    return _("%(area)s ha") % {"area": number_format(value, 2, force_grouping=True)}


def _qr(url: str, size: float) -> Drawing:
    """The QR code as vector squares (crisp at any print resolution)."""
    qr = segno.make(url, error="m")
    matrix = qr.matrix
    module = size / (len(matrix) + 4)
    drawing = Drawing(size, size)
    for row, line in enumerate(matrix):
        y = size - (row + 3) * module
        for col, dark in enumerate(line):
            if dark:
                x = (col + 2) * module
                drawing.add(Rect(x, y, module, module, fillColor=colors.black, strokeColor=None))
    return drawing


def _photo(name: str, width: float, height: float) -> Image | None:
    """A downscaled JPEG copy of a stored photo, fitted in `width` × `height`."""
    try:
        with default_storage.open(name) as stored, PILImage.open(stored) as image:
            image.draft("RGB", (PHOTO_MAX_PX, PHOTO_MAX_PX))
            image = image.convert("RGB")
            image.thumbnail((PHOTO_MAX_PX, PHOTO_MAX_PX))
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=PHOTO_QUALITY, optimize=True)
            px_w, px_h = image.size
    except OSError:  # a missing or unreadable copy leaves a gap, not a failed passport
        return None
    buffer.seek(0)
    scale = min(width / px_w, height / px_h)
    return Image(buffer, px_w * scale, px_h * scale)


def _table(rows, widths, *, header: bool = False) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(style))
    return table


def _header(p: Passport) -> Table:
    edition = _("Staff edition: not for publication") if p.staff else _("Public edition")
    left = [
        _p(_("Monument passport") + " · " + edition, "kicker"),
        _p(p.name, "title"),
        _p(_("Registry number %(number)s") % {"number": p.number}, "number"),
    ]
    right = [_qr(p.public_url, 28 * mm), _p(_("Public page"), "right")] if p.public_url else []
    table = Table([[left, right]], colWidths=[WIDTH - 32 * mm, 32 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _identity(p: Passport) -> Table:
    names = "\n".join(f"{lang}: {name}" for lang, name in p.names.items() if name)
    dating = " · ".join(x for x in (p.dating, p.period, p.dating_note) if x)
    place = ", ".join(x for x in (p.region, p.district) if x)
    rows = [
        (_("Names"), names),
        (_("Category"), p.category),
        (_("Typology"), p.typology or "—"),
        (_("Significance"), p.significance),
        (_("Dating"), dating or "—"),
        (_("Region and district"), place),
        (_("Location"), " ".join(x for x in (p.location_note, p.coordinates) if x)),
    ]
    if p.staff:
        rows.append((_("Status"), p.status))
    return _table([[_p(a, "label"), _p(b)] for a, b in rows], [42 * mm, WIDTH - 42 * mm])


def _designations(p: Passport) -> list:
    if not p.designations:
        return [_p(_("No designation recorded."))]
    head = [_p(x, "label") for x in (_("Designation"), _("Legal act"), _("Protection zones"))]
    rows = [head]
    for d in p.designations:
        act = " ".join(x for x in (_("No. %(n)s") % {"n": d.act_number} if d.act_number else "",
                                   _date(d.act_date)) if x)  # fmt: skip
        act_lines = [act, d.authority]
        if d.valid_from or d.valid_to:
            validity = f"{_date(d.valid_from) or '…'} – {_date(d.valid_to) or '…'}"
            act_lines.append(_("Valid: %(period)s") % {"period": validity})
        if d.criteria:
            act_lines.append(_("Criteria: %(criteria)s") % {"criteria": d.criteria})
        zone_lines = []
        for z in d.zones:
            line = z.kind + (f": {hectares(z.area_ha)}" if z.area_ha is not None else "")
            zone_lines.append(line + (f"\n{z.regime}" if z.regime else ""))
        scheme = d.scheme + ("\n" + _("In danger") if d.in_danger else "")
        rows.append([_p(scheme), _p("\n".join(x for x in act_lines if x)),
                     _p("\n".join(zone_lines) or "—")])  # fmt: skip
    return [_table(rows, [45 * mm, 65 * mm, WIDTH - 110 * mm], header=True)]


def _photos(p: Passport) -> list:
    if not p.photos:
        return []
    cell = WIDTH / 3
    cells = []
    for photo in p.photos:
        image = _photo(photo.name, cell - 6, 40 * mm)
        credit = " · ".join(x for x in (photo.author, photo.licence) if x)
        text = _p("\n".join(x for x in (photo.caption, credit) if x), "small")
        cells.append([image, text] if image else [text])
    table = Table([cells], colWidths=[cell] * len(cells), hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [KeepTogether([_p(_("Photographs"), "h2"), table])]


def _condition(p: Passport) -> list:
    out = [_p(_("Condition and inspections"), "h2")]
    if p.at_risk_since:
        banner = _p(_("On the Heritage at Risk register since %(date)s")
                    % {"date": _date(p.at_risk_since)}, "risk")  # fmt: skip
        table = Table([[banner]], colWidths=[WIDTH])
        table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), AT_RISK)]))
        out.append(table)
    current = p.condition or _("not assessed")
    if p.condition_assessed_on:
        current += " (" + _date(p.condition_assessed_on) + ")"
    out.append(_p(_("Current condition: %(condition)s") % {"condition": current}))
    if not p.inspections:
        return [*out, _p(_("No confirmed inspection yet."))]
    head = [_("Date of inspection"), _("Condition"), _("Threats")]
    widths = [30 * mm, 30 * mm, WIDTH - 60 * mm]
    if p.staff:
        head += [_("Inspector"), _("Notes")]
        widths = [24 * mm, 24 * mm, 52 * mm, 30 * mm, WIDTH - 130 * mm]
    rows = [[_p(x, "label") for x in head]]
    for i in p.inspections:
        row = [_date(i.inspected_on), i.condition, "\n".join(i.threats) or "—"]
        if p.staff:
            row += [i.inspector, i.notes]
        rows.append([_p(x, "small") for x in row])
    out.append(Spacer(0, 4))
    out.append(_table(rows, widths, header=True))
    return out


def _footer(p: Passport):
    text = _(
        "Mura, the heritage registry of Kazakhstan · %(number)s · record version "
        "%(version)s · issued %(date)s"
    ) % {  # fmt: skip
        "number": p.number,
        "version": p.version,
        "date": _date(p.issued_on),
    }

    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Passport", 7)
        canvas.drawString(MARGIN, 9 * mm, text)
        canvas.drawRightString(A4[0] - MARGIN, 9 * mm, _("page %(n)s") % {"n": doc.page})
        if p.public_url:
            canvas.drawString(MARGIN, 6 * mm, p.public_url)
        canvas.restoreState()

    return draw


def passport_pdf(p: Passport, out, *, compress: bool = True) -> None:
    """Write the passport's PDF to the binary file `out`."""
    fonts_register()
    story = [
        _header(p),
        Spacer(0, 4 * mm),
        _identity(p),
        KeepTogether([_p(_("Location map"), "h2"), location_map(p.map, WIDTH, 72 * mm)]),
        _p(_("Designations and protection zones"), "h2"),
        *_designations(p),
        *_photos(p),
        *_condition(p),
    ]
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{p.number} {p.name}",
        author="Mura",
        subject=_("Monument passport"),
        creator="Mura",
        pageCompression=1 if compress else 0,
        invariant=1,
    )
    doc.build(story, onFirstPage=_footer(p), onLaterPages=_footer(p))
