"""GeoDjango's PostGIS engine, with a health check that costs no round trip when nothing happened.

With CONN_HEALTH_CHECKS, Django checks a reused connection before each request's first query
with `SELECT 1`: a round trip on every request, a tenth of a small API page's time. A server
that ends a connection (a restart, a failover, `pg_terminate_backend`) sends its reason and
closes its end, which makes the socket readable; a healthy idle connection has nothing to read.
So the check asks the socket first, and the server only when the socket has something to say.
A silent network failure is found by neither check before the query (the query's own timeout
and heritage/faults.py handle it).
"""

import select

from django.contrib.gis.db.backends.postgis.base import DatabaseWrapper as PostGISWrapper
from psycopg.pq import TransactionStatus

# What `SELECT 1` would fail on, known without sending it: an aborted transaction (Django's
# test teardown and its after-error checks rely on that answer) or a broken connection.
UNUSABLE = (TransactionStatus.INERROR, TransactionStatus.UNKNOWN)


class DatabaseWrapper(PostGISWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        if self.connection.info.transaction_status in UNUSABLE:
            return False
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):  # the socket is gone
            return False
        return super().is_usable() if readable else True
