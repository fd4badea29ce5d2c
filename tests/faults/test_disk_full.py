"""A photo that does not fit on the disk: the officer is told, and neither a row nor a byte of
any file is left behind (not the part that fitted, nor the files of the same upload that did).
The media directories are tiny tmpfs mounts, so this needs root."""

import io
import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.faults.conftest import OFFICER, csrf_token, logged_in

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")


def _tmpfs(path: Path, size: str) -> Path:
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    return path


def _jpeg(size: int, noise: bool) -> bytes:
    """Noise does not compress: a 900 px noise JPEG is about 1 MB, its copies hundreds of KB."""
    if noise:
        image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    else:
        image = Image.new("RGB", (size, size), "teal")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def _photo_rows(cluster, number: str) -> str:
    site = f"(SELECT id FROM registry_heritagesite WHERE registry_number = '{number}')"
    return cluster.sql(
        f"SELECT (SELECT count(*) FROM registry_sitephoto WHERE site_id = {site}),"
        f" (SELECT count(*) FROM registry_historicalsitephoto WHERE site_id = {site})",
        database="mura_faults",
    )


@pytest.fixture
def mounts(tmp_path):
    mounted = []

    def mount(name: str, size: str) -> Path:
        mounted.append(_tmpfs(tmp_path / name, size))
        return mounted[-1]

    yield mount
    for path in mounted:
        subprocess.run(["umount", str(path)], check=False)


# (private originals, public copies): which one is too small for the second photo.
@pytest.mark.parametrize(("private_size", "media_size"), [("300k", "8m"), ("8m", "120k")])
def test_a_photo_that_does_not_fit_leaves_no_row_and_no_file(
    cluster, demo_db, start_app, mounts, site_number, private_size, media_size
):
    private, media = mounts("private", private_size), mounts("media", media_size)
    env = {"DATABASE_URL": demo_db, "MURA_PRIVATE_MEDIA_ROOT": str(private)}
    app = start_app(env | {"MURA_MEDIA_ROOT": str(media)}, workers=1)
    session = logged_in(app, *OFFICER)
    before = _photo_rows(cluster, site_number)
    url = app.url(f"/officer/sites/{site_number}/photos/")
    session.get(url, timeout=10)
    files = [
        ("photos", ("small.jpg", _jpeg(200, noise=False), "image/jpeg")),  # fits
        ("photos", ("large.jpg", _jpeg(900, noise=True), "image/jpeg")),  # does not
    ]

    answer = session.post(
        url,
        data={"licence": "CC-BY-4.0", "csrfmiddlewaretoken": csrf_token(session)},
        files=files,
        headers={"Referer": url, "Accept-Language": "en"},
        timeout=30,
    )
    app.stop()

    assert answer.status_code == 200  # the form again, with the reason
    assert "large.jpg: The server has no room to store this photo right now" in answer.text
    assert _photo_rows(cluster, site_number) == before
    assert [p for p in private.rglob("*") if p.is_file()] == []
    assert [p for p in media.rglob("*") if p.is_file()] == []
