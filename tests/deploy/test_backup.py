"""scripts/backup and scripts/restore-drill, run as an operator runs them: real processes
against the test database's server, real files, a scratch database the drill makes and drops."""

import io
import json
import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from registry.models import HeritageSite
from registry.services.photos import photo_add
from tests.deploy.conftest import ROOT, database_url
from tests.factories import HeritageSiteFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, format="JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def _run(script: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        DATABASE_URL=database_url(),
        MURA_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        MURA_PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
    )
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args], env=env, capture_output=True, text=True
    )


def _backup(destination: Path) -> Path:
    made = _run("backup", str(destination))
    assert made.returncode == 0, made.stderr
    (directory,) = destination.glob("mura-*")
    return directory


def _databases() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database")
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture
def register(live_site):
    """Three sites in three states, one with a boundary, and a photo (original and copies)."""
    HeritageSiteFactory(published=True, sensitivity="S0")
    sensitive = HeritageSiteFactory(
        published=True, sensitivity="S2", location=Point(76.95193, 43.23807)
    )
    HeritageSiteFactory(name_en="A draft", location=Point(68.3, 43.31))
    photo_add(site=sensitive, upload=_jpeg(), added_by=UserFactory(username="photographer"))
    return sensitive


def test_a_fresh_backup_restores_and_passes_the_drill(register, tmp_path):
    directory = _backup(tmp_path / "backups")

    drill = _run("restore-drill", str(directory))

    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert "PASS" in drill.stdout
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["database"]["sites_by_status"] == {"draft": 1, "published": 2}
    assert len(manifest["files"]["private-media.tar"]) == 1  # the original
    assert len(manifest["files"]["media.tar"]) == 2  # its thumbnail and web copies
    for step in ("restore database", "restore media", "verify"):
        assert step in drill.stdout
    # The drill's own scratch database is gone (other test processes create and drop theirs).
    scratch = re.search(r"into database (\S+)", drill.stdout).group(1)
    assert scratch.startswith("mura_drill_")
    assert scratch not in _databases()


def test_a_changed_media_file_fails_the_drill_naming_the_file(register, tmp_path):
    directory = _backup(tmp_path / "backups")
    archive = directory / "private-media.tar"
    with tarfile.open(archive) as tar:
        (member,) = tar.getmembers()
        data = tar.extractfile(member).read()
    with tarfile.open(archive, "w") as tar:
        member.size = len(data) + 1
        tar.addfile(member, io.BytesIO(data + b"\0"))

    drill = _run("restore-drill", str(directory))

    assert drill.returncode == 1
    assert "FAIL" in drill.stdout
    assert f"private-media.tar: {member.name} differs (sha256)" in drill.stdout
    assert "private-media.tar: sha256 differs from the manifest" in drill.stdout


def test_a_dump_missing_a_row_fails_the_drill_naming_the_table(register, tmp_path):
    whole = _backup(tmp_path / "whole")
    HeritageSite.objects.filter(status="draft").delete()  # a row lost, as a broken dump would
    short = _backup(tmp_path / "short")
    tampered = shutil.copytree(whole, tmp_path / "tampered")
    shutil.copy(short / "db.dump", tampered / "db.dump")
    manifest = json.loads((tampered / "manifest.json").read_text())
    short_manifest = json.loads((short / "manifest.json").read_text())
    manifest["archives"]["db.dump"] = short_manifest["archives"]["db.dump"]
    (tampered / "manifest.json").write_text(json.dumps(manifest))

    drill = _run("restore-drill", str(tampered))

    assert drill.returncode == 1
    assert "sites draft: 1 in the backup, 0 restored" in drill.stdout
    assert "rows in registry_heritagesite: 3 in the backup, 2 restored" in drill.stdout
    assert "geometry md5 of sites:" in drill.stdout
    assert HeritageSite.objects.count() == 2
