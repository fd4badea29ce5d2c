"""Public reads on a real streaming replica (heritage/routers.py): a paused replay shows
which server answered. The public reads the replica; whoever writes reads their own write
from the primary at once; a stopped replica leaves the public on the primary, then back."""

import html
import json
import re
import time
import urllib.request

from registry.models.aggregates import SITES_MIN_ZOOM
from tests.maps.conftest import decode, tile_url
from tests.procs import manage
from tests.replica.conftest import (
    Browser,
    app_server,
    caught_up,
    hidden_value,
    published_sites,
    rename,
    replay_paused,
)

# A new site in Turkistan, as the officer's form posts it (the point drawn on the map).
NEW_SITE = {
    "name_kk": "Сынақ кесенесі", "name_ru": "Пробный мавзолей", "name_en": "Replica test tomb",
    "category": "architecture", "significance": "local", "sensitivity": "S0",
    "condition": "good", "date_from": "1389", "date_to": "1405", "period": "golden_horde",
    "location": '{"type": "Point", "coordinates": [68.2801, 43.3012]}', "alt_names": "",
    "reason": "", "acts-TOTAL_FORMS": "0", "acts-INITIAL_FORMS": "0",
}  # fmt: skip


def public_name(app, number: str) -> tuple[str, str]:
    """The site's English name on its public page and in the public API, seen anonymously."""
    visitor = Browser(app)
    status, page, _ = visitor.get(f"/sites/{number}/")
    assert status == 200, page[:500]
    status, body, _ = visitor.get(f"/api/v1/sites/{number}/")
    assert status == 200, body[:500]
    return html.unescape(page), json.loads(body)["properties"]["name_en"]


def test_the_public_reads_the_replica(primary, replica, app):
    number, old = published_sites(primary)[0]

    with replay_paused(primary, replica):
        rename(primary, number, "Renamed on the primary")
        pages = [public_name(app, number) for _ in range(4)]  # both workers

    assert all(old in page and name == old for page, name in pages)
    page, name = public_name(app, number)
    assert "Renamed on the primary" in page
    assert name == "Renamed on the primary"


def test_an_officer_reads_their_own_writes_at_once(primary, replica, app):
    officer, reviewer = Browser(app), Browser(app)

    with replay_paused(primary, replica):
        officer.log_in("officer", "mura-officer-demo")
        status, page, url = officer.post("/officer/sites/new/", NEW_SITE)
        assert status == 200, page[:2000]
        assert "Replica test tomb" in page
        number = url.rstrip("/").rsplit("/", 1)[1]
        _, form, _ = officer.get(f"/officer/sites/{number}/edit/")
        edit = {**NEW_SITE, "name_en": "Replica test tomb, renamed", "reason": "a better name"}
        edit["version"] = hidden_value(form, "version")
        _, detail, _ = officer.post(f"/officer/sites/{number}/edit/", edit)
        _, dashboard, _ = officer.get("/officer/")
        officer.post(f"/officer/sites/{number}/submit/", {})
        reviewer.log_in("reviewer", "mura-reviewer-demo")
        reviewer.post(f"/officer/review/sites/{number}/", {"decision": "approve"})
        # Published: the draft reference gave way to a registry number (staff page shows it).
        number = re.search(r"KZ-\d{7}", reviewer.get(f"/officer/sites/{number}/")[1]).group(0)
        reviewer_sees = reviewer.get(f"/sites/{number}/")
        reviewer.post("/accounts/logout/", {})  # now anonymous, but just wrote
        after_logout = reviewer.get(f"/sites/{number}/")
        stranger = Browser(app).get(f"/sites/{number}/")

    assert "Replica test tomb, renamed" in detail
    assert "Replica test tomb, renamed" in dashboard
    assert reviewer_sees[0] == 200
    assert "Replica test tomb, renamed" in reviewer_sees[1]
    assert after_logout[0] == 200
    assert "Replica test tomb, renamed" in after_logout[1]
    assert stranger[0] == 404  # the replica has not applied the publication yet
    assert Browser(app).get(f"/sites/{number}/")[0] == 200


def _public_name_is(app, number: str, expected: str, wait: float = 30) -> bool:
    """Whether several anonymous reads in a row (any worker) soon show `expected`."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if all(public_name(app, number)[1] == expected for _ in range(6)):
            return True
        time.sleep(0.2)
    return False


def test_without_the_replica_the_public_reads_the_primary_then_the_replica_again(
    primary, replica, app
):
    number, _ = published_sites(primary)[1]
    caught_up(primary, replica)
    replica.stop()
    try:
        rename(primary, number, "Renamed while the replica is down")
        pages = [public_name(app, number) for _ in range(10)]
    finally:
        replica.start()
    warnings = app.log().count("Read replica unavailable")

    assert all(name == "Renamed while the replica is down" for _, name in pages)
    assert 1 <= warnings <= app.workers  # once per worker, not once per query

    with replay_paused(primary, replica):
        rename(primary, number, "Renamed while replay is paused")
        assert _public_name_is(app, number, "Renamed while the replica is down")
    assert public_name(app, number)[1] == "Renamed while replay is paused"
    assert "Read replica available again" in app.log()


def test_a_replica_too_far_behind_counts_as_down(primary, replica):
    number, _ = published_sites(primary)[2]
    app = app_server(
        primary, replica, MURA_REPLICA_MAX_LAG_SECONDS="1", MURA_REPLICA_CHECK_SECONDS="0.2"
    )
    try:
        with replay_paused(primary, replica):
            rename(primary, number, "Renamed while the replica lags")
            fresh = _public_name_is(app, number, "Renamed while the replica lags")
    finally:
        app.stop()

    assert fresh
    assert "behind the primary" in app.log()


WRITE_IN_A_PUBLIC_REQUEST = """
import json
from django.http import HttpResponse
from django.test import RequestFactory
from django.contrib.auth.models import AnonymousUser, User
from heritage.routers import ReplicaMiddleware
from registry.models import HeritageSite
from registry.selectors import photo_list_public, site_list_public
from registry.services.workflow import site_withdraw

seen = {}

def view(request):
    site = site_list_public().select_related("region").get(registry_number=NUMBER)
    seen["read"] = site._state.db
    seen["region"] = site.region._state.db
    seen["photos"] = photo_list_public(site_id=site.pk).db
    record = HeritageSite.objects.get(pk=site.pk)
    seen["record"] = record._state.db
    withdrawn = site_withdraw(site=record, by=User.objects.get(username="reviewer"), note="x")
    seen["history"] = withdrawn.history.first().history_change_reason
    seen["after"] = site_list_public().filter(registry_number=NUMBER).exists()
    seen["after_db"] = site_list_public().db
    return HttpResponse()

request = RequestFactory().get("/sites/")
request.user = AnonymousUser()
response = ReplicaMiddleware(view)(request)
seen["pinned"] = "mura_primary" in response.cookies
print(json.dumps(seen))
"""


def test_a_write_in_a_public_request_locks_writes_and_reads_on_the_primary(primary, replica):
    number, _ = published_sites(primary)[3]
    env = {"DATABASE_URL": primary.url(), "DATABASE_REPLICA_URL": replica.url()}
    code = WRITE_IN_A_PUBLIC_REQUEST.replace("NUMBER", repr(number))

    with replay_paused(primary, replica):
        out = manage(["shell", "-c", code], env).stdout
    on_primary = primary.sql(
        f"SELECT status FROM registry_heritagesite WHERE registry_number = '{number}'"
    )

    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["read"] == seen["region"] == seen["photos"] == seen["record"] == "replica"
    assert seen["history"] == "x"
    assert seen["after"] is False
    assert seen["after_db"] == "default"
    assert seen["pinned"] is True
    assert on_primary == "withdrawn"


WITHDRAW = """
from django.contrib.auth.models import User
from registry.models import HeritageSite
from registry.services.workflow import site_withdraw
site = HeritageSite.objects.get(registry_number=NUMBER)
site_withdraw(site=site, by=User.objects.get(username="reviewer"), note="off the map")
"""


def _tile_refs(app, path: str) -> tuple[set[str], str]:
    """The site numbers a public map tile shows, and its ETag."""
    with urllib.request.urlopen(app.url(path), timeout=30) as response:
        body, etag = response.read(), response.headers["ETag"]
    return {
        f["properties"]["ref"] for f in decode(body).get("sites", {"features": []})["features"]
    }, etag


def test_a_map_tile_and_its_version_come_from_the_same_server(primary, replica, app):
    number, _ = published_sites(primary)[4]
    lon, lat = map(float, primary.sql(
        f"SELECT ST_X(location), ST_Y(location) FROM registry_heritagesite"
        f" WHERE registry_number = '{number}'"
    ).split("|"))  # fmt: skip
    path = tile_url(lon, lat, SITES_MIN_ZOOM)
    env = {"DATABASE_URL": primary.url()}

    with replay_paused(primary, replica):
        manage(["shell", "-c", WITHDRAW.replace("NUMBER", repr(number))], env)
        lagging = [_tile_refs(app, path) for _ in range(4)]
    current = _tile_refs(app, path)

    assert all(number in refs for refs, _ in lagging)  # old data under the old version
    assert number not in current[0]
    assert current[1] not in {etag for _, etag in lagging}


def test_a_tile_varies_with_nothing_a_visitor_sends(primary, replica, app):
    """Choosing the replica reads the visitor's session; a shared cache (nginx) must still
    keep one copy of a tile for everyone, not one per cookie jar or language."""
    request = urllib.request.Request(
        app.url(tile_url(68.28, 43.30, 6)),
        headers={"Accept-Language": "ru", "Cookie": "django_language=ru; csrftoken=x"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert "Vary" not in response.headers
        assert "Content-Language" not in response.headers


# Every public door reads the replica (the search with a one-letter typo needs the lowered
# similarity threshold, which must be set on the replica's connection, not the primary's).
PUBLIC_DOORS = [
    "/sites/{number}/",
    "/maps/sites/{number}.json",
    "/api/v1/sites/{number}/",
    "/api/v1/sites/?q=ALZHYR",
    "/api/v1/exports/sites.csv?q=ALZHYR",
    "/ogc/collections/sites/items?limit=100",
    "/maps/suggest/?q=ALZHYR",
]


def test_every_public_door_reads_the_replica(primary, replica, app):
    (number,) = [n for n, name in published_sites(primary) if name.startswith("ALZHIR")]
    visitor = Browser(app)

    with replay_paused(primary, replica):
        rename(primary, number, "Renamed for the doors")
        answers = {door: visitor.get(door.format(number=number)) for door in PUBLIC_DOORS}

    for door, (status, body, _) in answers.items():
        assert status == 200, door
        assert "ALZHIR Museum" in html.unescape(body), door
        assert "Renamed for the doors" not in body, door
