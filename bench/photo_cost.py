"""What one uploaded photo costs the request that adds it (a benchmark, not a test).

Usage:

    source scripts/lib.sh && ensure_everything
    python bench/photo_cost.py [--megapixels 49]

For a phone-sized JPEG (the default 49 MP, 8576 × 5712, a smooth scene with EXIF orientation 6)
and a PNG of the same size, it runs the work `photo_add` does before anything is written —
read, check, decode, and make the two public copies — each in a fresh process, and prints the
wall time and the peak resident memory that work added over the process's baseline (the
photo's bytes already in memory: ru_maxrss, what `/usr/bin/time -v` calls "Maximum resident
set size").
"""

import argparse
import io
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")


def say(line: str, end: str = "\n") -> None:
    sys.stdout.write(line + end)
    sys.stdout.flush()


def make(path: Path, image_format: str, megapixels: float) -> None:
    from PIL import Image

    width = int((megapixels * 1e6 * 3 / 2) ** 0.5)
    height = int(megapixels * 1e6 / width)
    # A smooth gradient: a realistic file size (noise would make a 100 MB JPEG).
    small = Image.linear_gradient("L").resize((width // 8, height // 8))
    image = Image.merge("RGB", (small, small.rotate(90, expand=False), small)).resize(
        (width, height)
    )
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the public copies must still come out upright
    image.save(path, format=image_format, exif=exif.tobytes(), quality=90)


def measure(path: Path) -> None:
    """In this (child) process: time and peak memory of the photo work, one line of JSON."""
    import django

    django.setup()
    from registry.services import photos

    data = path.read_bytes()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if hasattr(photos, "public_copies"):
        _format, copies = photos.public_copies(data)
        sizes = {name: len(content) for name, content in copies.items()}
    else:  # the code before issue 13: decode at full size, then resize twice
        _format, pixels = photos._decode(data)
        copies = {"thumbnail": photos._jpeg(pixels, photos.THUMBNAIL_BOX),
                  "web": photos._jpeg(pixels, photos.WEB_BOX)}  # fmt: skip
        sizes = {name: len(content) for name, content in copies.items()}
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline
    from PIL import Image

    web = Image.open(io.BytesIO(copies["web"]))
    say(f"{seconds:.2f} s, +{peak / 1024:.0f} MB peak RSS; web copy {web.size[0]}×{web.size[1]}"
          f" ({sizes['web'] // 1024} KB), thumbnail {sizes['thumbnail'] // 1024} KB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megapixels", type=float, default=49)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    scratch = Path(os.environ.get("TMPDIR", "/tmp")) / "mura-photo-bench"
    scratch.mkdir(exist_ok=True)
    for image_format, extension in (("JPEG", "jpg"), ("PNG", "png")):
        path = scratch / f"photo-{args.megapixels:g}mp.{extension}"
        if not path.exists():
            make(path, image_format, args.megapixels)
        size_mb = path.stat().st_size / 2**20
        say(f"{image_format} {args.megapixels:g} MP ({size_mb:.1f} MB file): ", end="")
        child = [sys.executable, __file__, "--measure", str(path)]
        result = subprocess.run(child, capture_output=True, text=True, check=False)
        say(result.stdout.strip() or result.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
