"""Monument passports: seconds per passport (p50/p95, with and without photos), seconds per
1,000 in a batch, peak memory and PDF sizes (a benchmark, not a test).

Usage (any migrated database; it seeds its own sites inside a transaction it rolls back, and
its photos in a temporary MEDIA_ROOT):

    source scripts/lib.sh && ensure_everything
    DJANGO_SETTINGS_MODULE=heritage.settings_test python bench/passport.py [--sites 200] [--runs 30]

Each site is published at S0 with a designation, a protection zone and a confirmed inspection;
half have two public photos (3000 × 2000 px originals, so 1600 px web copies, embedded at
1200 px), half none. One passport = reading its content, drawing the map from the region and
district outlines, places and water, and laying out the PDF, as the public URL does.
Memory: tracemalloc's peak of Python allocations during the batch, and the process's
ru_maxrss (kernel high-water mark, everything since start).
"""

import argparse
import io
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Rollback(Exception):
    pass


def _jpeg(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (3000, 2000), (rng.randrange(256), 140, 180))
    draw = ImageDraw.Draw(image)
    for _ in range(400):  # detail, so the JPEG is photo-sized rather than a flat colour
        x, y = rng.randrange(3000), rng.randrange(2000)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x, y, x + rng.randrange(20, 200), y + rng.randrange(20, 200)), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def seed(count: int):
    from django.contrib.gis.geos import MultiPolygon, Point, Polygon
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registry.models import Designation, Inspection, InspectionThreat, ProtectionZone
    from registry.services.photos import photo_add
    from tests.factories import HeritageSiteFactory, UserFactory

    rng = random.Random(15)
    user = UserFactory(username="bench-passport")
    photos = [_jpeg(i) for i in range(4)]
    sites = []
    for i in range(count):
        x, y = rng.uniform(67.5, 69.5), rng.uniform(42.5, 44.0)  # Turkistan region
        site = HeritageSiteFactory(published=True, sensitivity="S0", location=Point(x, y),
                                   date_from=1300 + i % 500, date_to=1400 + i % 500)  # fmt: skip
        act = Designation.objects.create(site=site, scheme="local_list", act_number=str(i))
        box = Polygon.from_bbox((x - 0.004, y - 0.003, x + 0.004, y + 0.003))
        ProtectionZone.objects.create(designation=act, kind="protection", geom=MultiPolygon(box))
        inspection = Inspection.objects.create(
            site=site, inspected_on=date(2026, 5, 1), inspector=user, condition="poor",
            state=Inspection.State.CONFIRMED,
        )  # fmt: skip
        InspectionThreat.objects.create(inspection=inspection, threat="erosion", severity="high")
        if i % 2 == 0:
            for j in range(2):
                upload = SimpleUploadedFile("p.jpg", photos[(i + j) % 4], "image/jpeg")
                photo_add(site=site, upload=upload, added_by=user, is_public=True,
                          is_primary=j == 0, caption_en="Facade", author="Bench")  # fmt: skip
        sites.append((site.registry_number, i % 2 == 0))
    return sites


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def measure(sites, runs: int) -> None:
    from registry.models import Place
    from registry.passport.build import passports_zip, pdf_bytes, site_public
    from registry.passport.content import public_sites

    pdf_bytes(site_public(sites[0][0]), language="kk")  # fonts loaded, caches warm
    for with_photos in (True, False):
        chosen = [n for n, p in sites if p == with_photos][:runs]
        times, sizes = [], []
        for number in chosen:
            start = time.perf_counter()
            data = pdf_bytes(site_public(number), language="kk")
            times.append(time.perf_counter() - start)
            sizes.append(len(data))
        label = "with 2 photos" if with_photos else "without photos"
        say(f"one passport {label}: p50 {statistics.median(times):.3f} s, "
              f"p95 {_pct(times, 0.95):.3f} s, PDF {statistics.median(sizes) / 1024:.0f} KB "
              f"(median of {len(times)})")  # fmt: skip

    numbers = [n for n, _ in sites]
    batch = public_sites().filter(registry_number__in=numbers).order_by("registry_number")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "batch.zip"
        start = time.perf_counter()
        done = passports_zip(batch.iterator(chunk_size=100), language="ru", path=path)
        elapsed = time.perf_counter() - start
        size = path.stat().st_size
        # tracemalloc slows allocation-heavy code severalfold: a separate, smaller batch.
        tracemalloc.start()
        traced = passports_zip(batch[:20].iterator(chunk_size=100), language="ru", path=path)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"batch of {done} (half with photos): {elapsed:.1f} s, "
          f"{elapsed / done * 1000:.0f} s per 1,000, ZIP {size / 1e6:.1f} MB")  # fmt: skip
    say(f"memory: Python peak {peak / 1e6:.1f} MB over a batch of {traced} (tracemalloc); "
          f"process high-water mark {rss:.0f} MB (ru_maxrss, seeding included)")  # fmt: skip
    say(f"data: {len(sites)} sites, {Place.objects.count()} places, "
          f"outlines of the regions and districts as shipped (registry/data/)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction

    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = Path(media) / "public"
        settings.PRIVATE_MEDIA_ROOT = Path(media) / "private"
        try:
            with transaction.atomic():
                start = time.perf_counter()
                sites = seed(args.sites)
                say(f"seeded {len(sites)} sites in {time.perf_counter() - start:.0f} s")
                measure(sites, args.runs)
                raise Rollback
        except Rollback:
            pass


if __name__ == "__main__":
    main()
