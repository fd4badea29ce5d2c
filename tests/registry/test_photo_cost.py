"""The cost of one large phone photo in the request that adds it is bounded (issue 13 part 3):
a 49 MP JPEG used to take ~675 MB and ~1.7 s before anything was written."""

import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

ORIENTATION = 0x0112
CHILD = """
import io, json, resource, sys, django
django.setup()
from PIL import Image
from registry.services.photos import public_copies
data = open(sys.argv[1], "rb").read()
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
image_format, copies = public_copies(data)
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline
web = Image.open(io.BytesIO(copies["web"]))
print(json.dumps({"peak_mb": peak_kb / 1024, "web": web.size, "format": image_format,
                  "top_left": web.getpixel((5, 5))}))
"""


def test_a_49_megapixel_phone_photo_is_processed_in_bounded_memory(tmp_path: Path):
    """8576 × 5712, held sideways (EXIF orientation 6): red on its left half, which is the top
    once upright."""
    image = Image.new("RGB", (8576, 5712), "blue")
    image.paste("red", (0, 0, 4288, 5712))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    path = tmp_path / "phone.jpg"
    image.save(path, format="JPEG", exif=exif.tobytes(), quality=90)
    del image

    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True
    )
    result = json.loads(child.stdout)

    assert result["format"] == "JPEG"
    width, height = result["web"]
    assert (height, round(width / 10)) == (1600, 107)  # upright: portrait, in the 1600 px box
    red, green, blue = result["top_left"]
    assert red > 200 and blue < 60, result  # noqa: PT018
    assert result["peak_mb"] < 150, result
