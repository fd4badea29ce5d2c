"""Known vulnerabilities in the locked pins (scripts/test runs this on both locks).

pip-audit asks a service about each pin: PyPI's JSON API by default, or OSV's. Where only
the package index is reachable, the JSON API answers 404 for every package, and pip-audit
then prints "No known vulnerabilities found" and exits 0 having audited nothing; OSV's API
cannot be resolved and pip-audit stops with a traceback. pip-audit 2.10 reads no local
database, so:

- `MURA_VULN_DB` (or `--db`) names an OSV export: the zip osv.dev publishes per ecosystem
  (`PyPI/all.zip`), a directory of its JSON files, or one JSON file holding a record or a
  list of them. Each pin is checked here against the records' affected versions and
  ranges, offline; a pin inside one fails the check.
- Without it, pip-audit runs on the locks. A vulnerability fails the check; when it could
  audit no package (no service reachable) this says "not audited" and exits 0, so that an
  offline build does not fail for want of data it cannot have.

Exit status: 0 clean or not audited, 1 a locked pin is vulnerable, 2 the database or the
locks cannot be read (a misconfiguration must not pass for a clean audit).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

# The last line of a pip-audit that stopped because no service answered.
UNREACHABLE = re.compile(r"ConnectionError|ProxyError|Timeout|SSLError|ServiceError|Resolution")


def say(line: object) -> None:
    """A line of the audit's report (the check's output, hence stdout)."""
    sys.stdout.write(f"{line}\n")


@dataclass(frozen=True)
class Finding:
    name: str
    version: str
    ids: tuple[str, ...]
    fixed: tuple[str, ...]

    def __str__(self) -> str:
        fixed = ", ".join(self.fixed) or "no fixed version"
        return f"{self.name} {self.version}: {' / '.join(self.ids)} (fixed in {fixed})"


def read_pins(locks: Iterable[Path]) -> dict[str, Version]:
    """`name==version` of every requirement in hashed lock files (continuation lines
    joined, `--hash` options dropped); anything but an exact pin is an error, since an
    audit of a range says nothing about what is installed."""
    pins: dict[str, Version] = {}
    for lock in locks:
        text = lock.read_text().replace("\\\n", " ")
        for line in text.splitlines():
            line = re.sub(r"\s--hash=\S+", "", line.split("#", 1)[0]).strip()
            if not line or line.startswith("-"):
                continue
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate():
                continue
            specs = list(requirement.specifier)
            if len(specs) != 1 or specs[0].operator != "==":
                raise InvalidRequirement(f"{lock}: not an exact pin: {line}")
            pins[canonicalize_name(requirement.name)] = Version(specs[0].version)
    return pins


def osv_records(path: Path) -> Iterator[dict]:
    """The records of an OSV export, whichever of its shapes `path` has."""
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            yield from _records_in(json.loads(file.read_bytes()))
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".json"):
                    yield from _records_in(json.loads(archive.read(member)))
    else:
        yield from _records_in(json.loads(path.read_bytes()))


def _records_in(data: dict | list) -> list[dict]:
    """A list of records, an OSV API answer (`{"vulns": [...]}`) or a single record."""
    if isinstance(data, list):
        return data
    if "vulns" in data:
        return data["vulns"]
    return [data]


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def in_range(version: Version, events: list[dict]) -> bool:
    """OSV's evaluation of an ECOSYSTEM range: walk the events in version order; an
    `introduced` at or below the version opens it, a `fixed` at or below (or a
    `last_affected` below) closes it; a `limit` at or below excludes it whatever came before.
    An event whose version does not parse (not PEP 440) is left out."""
    points = []
    for event in events:
        for kind, text in event.items():
            point = _version(text)
            if point is not None:
                points.append((point, kind))
    if any(kind == "limit" and version >= point for point, kind in points):
        return False
    vulnerable = False
    for point, kind in sorted(points, key=lambda p: p[0]):
        if kind == "introduced" and version >= point:
            vulnerable = True
        elif (kind == "fixed" and version >= point) or (
            kind == "last_affected" and version > point
        ):
            vulnerable = False
    return vulnerable


def affects(affected: dict, version: Version) -> bool:
    """Whether one `affected` entry covers the version: listed, or inside a range."""
    if any(_version(listed) == version for listed in affected.get("versions", [])):
        return True
    ranges = [r for r in affected.get("ranges", []) if r.get("type") == "ECOSYSTEM"]
    return any(in_range(version, r.get("events", [])) for r in ranges)


def audit_offline(pins: dict[str, Version], records: Iterable[dict]) -> list[Finding]:
    """Every pin that a (not withdrawn) PyPI record of the export affects."""
    findings = []
    for record in records:
        if record.get("withdrawn"):
            continue
        for affected in record.get("affected", []):
            package = affected.get("package", {})
            name = canonicalize_name(package.get("name", ""))
            if package.get("ecosystem") != "PyPI" or name not in pins:
                continue
            if affects(affected, pins[name]):
                ids = (record["id"], *record.get("aliases", []))
                fixed = tuple(
                    e["fixed"]
                    for r in affected.get("ranges", [])
                    for e in r.get("events", [])
                    if "fixed" in e
                )
                findings.append(Finding(name, str(pins[name]), ids, fixed))
    return findings


def run_pip_audit(locks: list[Path]) -> tuple[dict | None, str]:
    """pip-audit's JSON report on the locks (no resolution: they are complete and hashed),
    or None and the last line it printed when it stopped without one."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [sys.executable, "-m", "pip_audit", "--disable-pip", "--progress-spinner"]
        command += ["off", "--format", "json", "--output", str(report)]
        for lock in locks:
            command += ["--requirement", str(lock)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if report.exists() and report.stat().st_size:
            return json.loads(report.read_text()), ""
        lines = (done.stderr or done.stdout).strip().splitlines()
        return None, lines[-1] if lines else f"exit status {done.returncode}"


def verdict_of_pip_audit(report: dict | None, error: str) -> int:
    """Say what pip-audit established, and how much of the locks it could not audit."""
    if report is None:
        if not UNREACHABLE.search(error):
            say(f"pip-audit failed: {error}")
            return 2
        say(f"not audited: no vulnerability data reachable (pip-audit: {error})")
        return 0
    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dependency in vulnerable:
        ids = ", ".join(v["id"] for v in dependency["vulns"])
        say(f"{dependency['name']} {dependency['version']}: {ids}")
    if vulnerable:
        return 1
    if dependencies and len(skipped) == len(dependencies):
        say(
            "not audited: no vulnerability data reachable (pip-audit skipped all "
            f"{len(skipped)} packages: {skipped[0]['skip_reason']}); "
            "set MURA_VULN_DB to an OSV export to audit offline"
        )
    else:
        audited = len(dependencies) - len(skipped)
        say(f"pip-audit: no known vulnerabilities in {audited} packages, {len(skipped)} skipped")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("locks", nargs="+", type=Path, help="hashed lock files")
    parser.add_argument("--db", type=Path, default=os.environ.get("MURA_VULN_DB") or None)
    args = parser.parse_args(argv)
    if args.db is None:
        return verdict_of_pip_audit(*run_pip_audit(args.locks))
    try:
        pins = read_pins(args.locks)
        findings = audit_offline(pins, osv_records(args.db))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        say(f"cannot audit against {args.db}: {error}")
        return 2
    for finding in findings:
        say(finding)
    if findings:
        return 1
    say(f"audited offline: no known vulnerabilities in {len(pins)} packages ({args.db})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
