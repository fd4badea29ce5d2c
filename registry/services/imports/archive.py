"""The upload on disk: copied under a cap into a temporary directory made here, a zipped
Shapefile unpacked by us, the directories of killed imports removed."""

import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.utils.translation import gettext as _

from registry.services.exports import TRUNCATED
from registry.services.imports.report import MB, ImportRefused, setting

FORMATS = {".csv": "csv", ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg"}
FORMATS |= {".zip": "shp.zip"}
# What the Shapefile driver reads of a layer; anything else in the archive is not unpacked.
SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg"}
TEMP_PREFIX = "mura-import-"  # + the process id: see leftovers_remove


def import_format(*, filename: str) -> str:
    """The format, from the suffix of the name the file came with (only ever used to choose)."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix not in FORMATS:
        raise ImportRefused(_("unsupported file type %(suffix)s; send one of %(formats)s") % {
            "suffix": suffix or "(none)", "formats": ", ".join(sorted(FORMATS))})  # fmt: skip
    return FORMATS[suffix]


def copy_capped(source: BinaryIO, target: Path, *, cap: int, what: str) -> int:
    written = 0
    with target.open("wb") as out:
        while chunk := source.read(MB):
            written += len(chunk)
            if written > cap:
                raise ImportRefused(
                    _("%(what)s is larger than %(mb)d MB.") % {"what": what, "mb": cap // MB}
                )
            out.write(chunk)
    return written


def unzip(archive: Path, directory: Path) -> tuple[Path, Path | None]:
    """The one .shp of a zipped Shapefile, extracted by us: no absolute paths, no `..`, no links,
    a capped member count and total size (counted as written, not as the archive claims); and
    Mura's truncated.csv if the archive has one (read by Python, never by GDAL), else None."""
    max_members, cap = (
        setting("MURA_IMPORT_ZIP_MEMBERS", 32),
        setting("MURA_IMPORT_ZIP_BYTES", 200 * MB),
    )
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportRefused(
            _("not a readable zip archive (%(error)s).") % {"error": error}
        ) from None
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > max_members:
            raise ImportRefused(
                _("the archive has %(count)d files; at most %(max)d.")
                % {"count": len(members), "max": max_members}
            )
        if sum(m.file_size for m in members) > cap:
            raise ImportRefused(
                _("the archive unpacks to more than %(mb)d MB.") % {"mb": cap // MB}
            )
        target = directory / "shp"
        target.mkdir()
        shps, total, truncated = [], 0, None
        for member in members:
            name = member.filename.replace("\\", "/")
            path = PurePosixPath(name)
            is_link = (member.external_attr >> 28) == 0xA
            if path.is_absolute() or ".." in path.parts or ":" in name or is_link:
                raise ImportRefused(_("unsafe path in the archive: “%(name)s”.") % {"name": name})
            suffix = path.suffix.lower()
            if path.name.lower() == TRUNCATED and truncated is None:
                truncated = target / TRUNCATED  # our name: no .shp part is called so
                total += _extract(zf, member, truncated, cap=cap - total)
                continue
            if (
                suffix not in SHAPEFILE_PARTS
                or path.parts[0] == "__MACOSX"
                or path.name.startswith("._")
            ):
                continue  # only the parts GDAL reads: never a .vrt, .xml or any other file
            # Our own flat name; the member's name never becomes a path.
            local = target / f"{_flat_name(path)}{suffix}"
            if suffix == ".shp":
                shps.append(local)
            total += _extract(zf, member, local, cap=cap - total)
        if len(shps) != 1:
            raise ImportRefused(
                _("the archive must hold exactly one .shp file, not %(count)d.")
                % {"count": len(shps)}
            )
        return shps[0], truncated


def _extract(zf: zipfile.ZipFile, member: zipfile.ZipInfo, local: Path, *, cap: int) -> int:
    try:
        with zf.open(member) as source:
            return copy_capped(source, local, cap=cap, what="the archive")
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile, EOFError) as error:
        raise ImportRefused(
            _("cannot unpack “%(name)s” (%(error)s).") % {"name": member.filename, "error": error}
        ) from None


def _flat_name(path: PurePosixPath) -> str:
    """A safe local stem for a member: the stem's characters we allow, else `layer`."""
    stem = "".join(c for c in path.with_suffix("").name if c.isalnum() or c in "-_")[:60]
    return stem or "layer"


@contextmanager
def upload_saved(upload: BinaryIO, fmt: str, *, cap: int) -> Iterator[tuple[Path, Path]]:
    """(the upload's path, its directory): a directory of our own, removed afterwards."""
    leftovers_remove()
    directory = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
    try:
        path = directory / f"upload{'.zip' if fmt == 'shp.zip' else '.' + fmt}"
        copy_capped(upload, path, cap=cap, what="the file")
        yield path, directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def leftovers_remove() -> None:
    """Delete the temporary directories of imports whose process is gone: one killed midway
    (SIGKILL, the OOM killer, a worker timeout) cannot clean up after itself, while PostgreSQL
    rolls its transaction back. Assumes the temporary directory is not shared between
    machines or containers (their process ids would not be ours to check)."""
    for path in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*-*"):
        pid = path.name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
