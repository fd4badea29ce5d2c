"""Every interface string has a Kazakh and a Russian translation: `makemessages` run on a
copy of the code finds nothing new, nothing untranslated and nothing fuzzy (a fuzzy entry is
a guess gettext made when a string changed; Django does not use it, so English would show)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("heritage", "registry", "maps", "contributions", "locale", "manage.py")


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory) -> Path:
    """The locale directory as `makemessages` leaves it on a copy of the code."""
    copy = tmp_path_factory.mktemp("messages")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "kk", "-l", "ru", "-v", "0"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    return copy / "locale"


def _entries(po: Path, *flags: str) -> list[str]:
    """msgids of the catalogue's entries selected by msgattrib's flags (header excluded)."""
    out = subprocess.run(
        ["msgattrib", *flags, "--no-obsolete", "--no-location", "--no-wrap", str(po)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [
        line.removeprefix("msgid ")
        for line in out.splitlines()
        if line.startswith("msgid ") and line != 'msgid ""'
    ]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_interface_string_is_translated(catalogues, language):
    po = catalogues / language / "LC_MESSAGES" / "django.po"

    assert _entries(po, "--untranslated") == []
    assert _entries(po, "--only-fuzzy") == []


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_compiled_catalogues_are_those_of_the_po_files(tmp_path, language):
    """Django reads the .mo files: a translation added to a .po but not compiled is not shown."""
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(po)], check=True)

    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes()
