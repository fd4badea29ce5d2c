from tests.officer.conftest import people  # noqa: F401 (one person per role)
