"""The rate limits' counters (heritage/limits.py): one row per (scope, client, window),
shared by every process and machine. UNLOGGED (no WAL: a crash only resets counters) and not
a model: only `heritage.limits.hit` reads or writes it, in SQL."""

from django.db import migrations

CREATE = [
    """CREATE UNLOGGED TABLE mura_rate_limit (
        bucket bytea PRIMARY KEY,
        expires_at bigint NOT NULL,
        hits integer NOT NULL
    )""",
    "CREATE INDEX mura_rate_limit_expires ON mura_rate_limit (expires_at)",
]


class Migration(migrations.Migration):
    dependencies = [("registry", "0014_places")]

    operations = [migrations.RunSQL(CREATE, "DROP TABLE mura_rate_limit")]
