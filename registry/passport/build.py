"""Passports as files: one PDF in the requested language, or a batch of them streamed into a
ZIP on disk, one PDF in memory at a time."""

import io
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from django.utils import translation

from registry.models import HeritageSite, PublicSite
from registry.passport.content import passport_public, passport_staff, public_sites

PROGRESS_EVERY = 10  # sites between progress reports: a write each, not one per site


def site_public(number: str) -> PublicSite | None:
    """The published site with this registry number, through the public door."""
    return public_sites().filter(registry_number=number).first()


def pdf_bytes(site: HeritageSite | PublicSite, *, language: str, compress: bool = True) -> bytes:
    """The passport of `site` in `language`: the staff edition for a full record (the caller
    checked the user may see it), the public edition for a public view's row."""
    # Imported at the first passport, not with the URLs: reportlab and the PDF's modules are
    # 9 MB that a web worker serving other pages (an export, bench/export.py) never needs.
    from registry.passport.pdf import passport_pdf

    with translation.override(language):
        staff = isinstance(site, HeritageSite)
        content = passport_staff(site) if staff else passport_public(site)
        out = io.BytesIO()
        passport_pdf(content, out, compress=compress)
    return out.getvalue()


def file_name(site: HeritageSite | PublicSite, language: str) -> str:
    number = site.registry_number or getattr(site, "draft_reference", "")
    return f"passport-{number}-{language}.pdf"


def passports_zip(
    sites: Iterable[HeritageSite | PublicSite],
    *,
    language: str,
    path: Path,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one PDF per site into a new ZIP at `path`; returns how many. Each PDF is written
    and dropped before the next is made, so memory does not grow with the batch. The PDFs
    are stored, not deflated again: they are compressed already."""
    done = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for site in sites:
            archive.writestr(file_name(site, language), pdf_bytes(site, language=language))
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(done)
    if progress:
        progress(done)
    return done
