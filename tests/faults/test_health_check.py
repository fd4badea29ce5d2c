"""The connection health check (heritage/postgis/base.py): no round trip on a healthy
connection, and a connection the server ended is found unusable before a request uses it."""

import time

import pytest
from django.db import connections


@pytest.fixture
def wrapper(db):
    """A connection of its own: the test's connection stays in its transaction."""
    own = connections.create_connection("default")
    own.ensure_connection()
    yield own
    own.close()


def last_statement(observer, pid: int) -> str:
    with observer.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_a_healthy_connection_is_usable_without_a_query(wrapper):
    pid = wrapper.connection.info.backend_pid
    wrapper.connection.execute("SELECT 'before the check'")

    assert wrapper.is_usable()
    assert last_statement(connections["default"], pid) == "SELECT 'before the check'"


def test_a_connection_the_server_ended_is_unusable(wrapper):
    pid = wrapper.connection.info.backend_pid
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while wrapper.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's goodbye takes a moment to arrive

    assert not wrapper.is_usable()
    wrapper.close()
    wrapper.ensure_connection()  # what Django does next: a new connection, which works
    assert wrapper.is_usable()
    assert wrapper.connection.info.backend_pid != pid


def test_a_connection_in_an_aborted_transaction_is_unusable(wrapper):
    wrapper.connection.execute("BEGIN")
    with pytest.raises(Exception, match="division by zero"):
        wrapper.connection.execute("SELECT 1 / 0")

    assert not wrapper.is_usable()  # as `SELECT 1` would have failed
    wrapper.connection.execute("ROLLBACK")
    assert wrapper.is_usable()
