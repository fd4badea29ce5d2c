"""The OpenAPI contract: served, documented offline, and fuzzed with schemathesis over every
operation of the REST API and of OGC API - Features: no input makes a server error."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from heritage.wsgi import application
from tests.factories import HeritageSiteFactory


def test_the_schema_declares_ranges_and_formats(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/sites/"]["get"]["parameters"]}
    assert parameters["limit"]["schema"]["maximum"] == 1000
    assert parameters["distance"]["schema"]["minimum"] == 0
    assert parameters["distance"]["schema"]["format"] == "double"
    assert parameters["date_from"]["schema"]["minimum"] < 0
    assert "pattern" in parameters["bbox"]["schema"]


def test_the_documentation_page_needs_no_cdn(client, db):
    page = client.get("/api/docs/").content.decode()

    assert "swagger-ui" in page
    assert "cdn" not in page.lower()


FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def in_process_wsgi(db):
    """As Django's test client does: keep the test's connection (and transaction) open
    across requests made straight to the WSGI application."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def fuzz_every_operation(schema_path: str) -> list[str]:
    """Schemathesis' generated cases for each operation, run in-process on the WSGI app.
    (Its pytest plugin's lazy fixtures do not work with pytest 9, so the loop is ours.)"""
    schema = schemathesis.openapi.from_wsgi(schema_path, application)
    labels = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @FUZZ
        def check(case):
            case.call_and_validate(checks=[not_a_server_error])

        check()
        labels.append(operation.label)
    return labels


def test_no_input_to_the_api_makes_a_server_error(in_process_wsgi):
    HeritageSiteFactory(published=True, sensitivity="S0")

    operations = fuzz_every_operation("/api/schema/?format=json")

    assert (
        len(operations) == 12
    )  # sites 4, designations, zones, regions, screening, export; at-risk 3


def test_no_input_to_the_ogc_api_makes_a_server_error(in_process_wsgi):
    HeritageSiteFactory(published=True, sensitivity="S0")

    operations = fuzz_every_operation("/ogc/api")

    assert len(operations) == 6
