"""scripts/audit.py as scripts/test runs it, on the repository's own locks: a known
vulnerability in a locked pin fails the check, one in a version not locked does not, and
without vulnerability data the check says it audited nothing and passes."""

import importlib.util
import json
import os
import subprocess
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from packaging.version import Version

from tests.procs import free_port

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ["requirements.txt", "requirements-dev.txt"]


def load_audit_module():
    spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def locked(name: str) -> Version:
    return load_audit_module().read_pins([ROOT / lock for lock in LOCKS])[name]


def osv_record(vuln_id: str, name: str, *, events=(), versions=()) -> dict:
    """One record as osv.dev exports them (schema 1.x), for one PyPI package."""
    affected = {"package": {"ecosystem": "PyPI", "name": name}, "versions": list(versions)}
    if events:
        affected["ranges"] = [{"type": "ECOSYSTEM", "events": list(events)}]
    return {"schema_version": "1.6.0", "id": vuln_id, "aliases": [], "affected": [affected]}


def next_micro(version: Version) -> str:
    return f"{version.major}.{version.minor}.{version.micro + 1}"


def audit(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "MURA_VULN_DB"} | env
    return subprocess.run(
        [sys.executable, "scripts/audit.py", *LOCKS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_vulnerability_in_a_locked_pin_fails_the_audit(tmp_path):
    django = locked("django")
    database = tmp_path / "osv.json"
    events = [{"introduced": "0"}, {"fixed": next_micro(django)}]
    database.write_text(json.dumps([osv_record("MURA-TEST-1", "Django", events=events)]))

    result = audit(MURA_VULN_DB=str(database))

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"django {django}: MURA-TEST-1 (fixed in {next_micro(django)})" in result.stdout


def test_a_vulnerability_only_in_versions_not_locked_passes(tmp_path):
    django = locked("django")
    database = tmp_path / "osv.json"
    events = [{"introduced": "0"}, {"fixed": str(django)}]
    record = osv_record("MURA-TEST-2", "django", events=events, versions=["1.0"])
    database.write_text(json.dumps(record))

    result = audit(MURA_VULN_DB=str(database))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "audited offline: no known vulnerabilities" in result.stdout


def test_the_zip_export_of_osv_is_read_and_covers_the_dev_lock(tmp_path):
    pytest_pin = locked("pytest")
    database = tmp_path / "all.zip"
    with zipfile.ZipFile(database, "w") as archive:
        record = osv_record("MURA-TEST-3", "pytest", versions=[str(pytest_pin)])
        archive.writestr("MURA-TEST-3.json", json.dumps(record))
        withdrawn = osv_record("MURA-TEST-4", "django", versions=[str(locked("django"))])
        archive.writestr("MURA-TEST-4.json", json.dumps(withdrawn | {"withdrawn": "2026-01-01"}))

    result = audit(MURA_VULN_DB=str(database))

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"pytest {pytest_pin}: MURA-TEST-3" in result.stdout
    assert "MURA-TEST-4" not in result.stdout


def test_without_vulnerability_data_the_audit_says_so_and_passes():
    nowhere = f"http://127.0.0.1:{free_port()}/v1/query"

    result = audit(PIP_AUDIT_VULNERABILITY_SERVICE="osv", PIP_AUDIT_OSV_URL=nowhere)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("not audited: no vulnerability data reachable")


class OsvApi(BaseHTTPRequestHandler):
    """OSV's query API, knowing one vulnerability: in the locked Django."""

    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        answer = {}
        if query["package"]["name"] == "django":
            answer = {"vulns": [osv_record("MURA-TEST-5", "django", versions=[query["version"]])]}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def osv_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), OsvApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_vulnerability_that_the_service_reports_fails_the_audit(osv_api):
    result = audit(PIP_AUDIT_VULNERABILITY_SERVICE="osv", PIP_AUDIT_OSV_URL=osv_api)

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"django {locked('django')}: MURA-TEST-5" in result.stdout


@pytest.mark.parametrize(
    ("events", "affected"),
    [
        ([{"introduced": "0"}, {"fixed": "2.0"}], True),
        ([{"introduced": "0"}, {"fixed": "1.5"}], False),
        ([{"introduced": "1.6"}], False),
        ([{"introduced": "1.0"}, {"last_affected": "1.5"}], True),
        ([{"introduced": "1.0"}, {"last_affected": "1.4"}], False),
        ([{"introduced": "0"}, {"fixed": "1.2"}, {"introduced": "1.4"}, {"fixed": "1.6"}], True),
        ([{"introduced": "0"}, {"limit": "1.5"}], False),
        ([{"fixed": "2.0"}, {"introduced": "1.0"}], True),  # events need not come in order
    ],
)
def test_a_range_is_read_as_osv_defines_it(events, affected):
    assert load_audit_module().in_range(Version("1.5"), events) is affected
