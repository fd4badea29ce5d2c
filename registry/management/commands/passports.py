"""`manage.py passports --region KZ-61 --lang kk --out passports.zip`: public passports of a
region's published sites (or the staff edition with --staff) into one ZIP, in this process."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.models import AdminArea, HeritageSite, PassportBatch
from registry.passport.build import passports_zip
from registry.passport.content import public_sites


class Command(BaseCommand):
    help = "Write monument passports (PDF) of a region's sites into one ZIP."

    def add_arguments(self, parser):
        parser.add_argument(
            "--region", help="region code, KATO or ISO 3166-2 (KZ-61); all if absent"
        )
        parser.add_argument("--category", default="", choices=["", *HeritageSite.Category.values])
        parser.add_argument("--lang", default="kk", choices=[c for c, _ in settings.LANGUAGES])
        parser.add_argument("--staff", action="store_true", help="the staff edition (exact)")
        parser.add_argument("--out", required=True, type=Path)

    def _region(self, value: str | None) -> AdminArea | None:
        if not value:
            return None
        regions = AdminArea.objects.filter(level=AdminArea.Level.REGION)
        for field in ("code", "kato", "iso_3166_2"):
            if region := regions.filter(**{field: value}).first():
                return region
        raise CommandError(f"--region: no region {value!r} (a code, KATO or ISO 3166-2 code)")

    def handle(self, *args, region=None, category="", lang="kk", staff=False, out=None, **opts):
        area = self._region(region)
        if staff:
            sites = HeritageSite.objects.select_related("region", "district", "typology")
            if area:
                sites = sites.filter(region=area)
        else:
            sites = public_sites()
            if area:
                sites = sites.filter(region_ids__contains=[area.pk])
        if category:
            sites = sites.filter(category=category)
        sites = sites.order_by("registry_number" if not staff else "reference")
        total = sites.count()

        def progress(done: int) -> None:
            self.stderr.write(f"{done}/{total}", ending="\r")

        written = passports_zip(sites.iterator(chunk_size=100), language=lang, path=out,
                                progress=progress)  # fmt: skip
        edition = PassportBatch.Edition.STAFF if staff else PassportBatch.Edition.PUBLIC
        self.stdout.write(f"{written} passports ({edition}, {lang}) -> {out}")
