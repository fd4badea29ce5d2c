"""How pytest-xdist shares the suite among its workers (`scripts/test` runs `pytest -n auto`).

Each test goes to whichever worker is free, in collection order, except the groups below: the
tests of a group share session fixtures that start processes (a PostgreSQL cluster, a primary
and its streaming replica, an S3 server), so all of them run on one worker, which makes those
processes once. A group is a bigger unit than a test, so xdist hands the groups out first.

The groups are named by path, here, rather than by `xdist_group` marks: with pytest 9.2 the
marks group nothing (xdist 3.8 renames node IDs to carry them, which pytest no longer allows;
pytest-xdist issue 1386). A marked test still joins its mark's group once xdist fixes that.
"""

from xdist.scheduler import LoadGroupScheduling

# Path prefix (from the rootdir) -> group. No grouped test may empty the suite's database (a
# live server or a transactional test): groups run first, before tests that need its data
# (tests/conftest.py checks this when it collects).
GROUPS = {
    "tests/faults/": "faults-cluster",
    "tests/replica/": "replica-cluster",
    "tests/storage/test_s3.py": "s3-server",
}


def group_of(nodeid: str) -> str | None:
    return next((group for path, group in GROUPS.items() if nodeid.startswith(path)), None)


class GroupScheduling(LoadGroupScheduling):
    """`--dist loadgroup` (pyproject.toml) with the groups above. The scope of a test is what
    xdist schedules as one unit: its group's name, or the test itself."""

    def _split_scope(self, nodeid: str) -> str:
        return group_of(nodeid) or super()._split_scope(nodeid)
