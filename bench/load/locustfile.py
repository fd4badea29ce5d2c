"""Mura's load scenario (bench/load/run.sh runs it; see bench/load/README.md).

Nine visitors to one officer. A visitor's actions: 60% the public map (a vector tile or a
bbox query of the API), 20% a site page, 10% search (API text search or the map's
suggestions). An officer logs in through the login form, then edits a draft of their own
through the real edit form (or, one time in four, registers a new draft), every save checked.
Places are the 40 most populous settlements of registry/data/kz-places-osm.geojson, which is
where `generate_sites` puts its sites; the published site numbers for the page views are
fetched from the public API when the test starts.
"""

import json
import logging
import math
import random
import re
from pathlib import Path

import requests
from locust import HttpUser, between, events, task
from lxml import html

PLACES_FILE = Path(__file__).resolve().parents[2] / "registry" / "data" / "kz-places-osm.geojson"
OFFICER = ("officer", "mura-officer-demo")  # registry/services/demo.py
TILE = "application/vnd.mapbox-vector-tile"
SITES_MIN_ZOOM = 12  # registry/models/aggregates.py: single sites from here, counts below
# Typology words and misspellings, in the register's three languages.
SEARCH_WORDS = ["mausoleum", "mavzolei", "kurgan", "курган", "кесенесі", "petroglyphs",
                "settlement", "mosque", "мечеть", "caravanserai", "Yasawi", "Ясауи", "Otrar",
                "Taraz", "Turkestan", "Tamgaly", "Almati", "Aisha Bibi"]  # fmt: skip


def _places(count: int = 40) -> list[dict]:
    with PLACES_FILE.open(encoding="utf-8") as f:
        features = json.load(f)["features"]
    features = [f for f in features if f["properties"]["adm1_pcode"]]
    features.sort(key=lambda f: -int(f["properties"]["population"] or 0))
    return [
        {"lon": f["geometry"]["coordinates"][0], "lat": f["geometry"]["coordinates"][1],
         **{k: f["properties"][k] for k in ("name", "name_en", "name_ru")}}
        for f in features[:count]
    ]  # fmt: skip


PLACES = _places()
SEARCH_TERMS = SEARCH_WORDS + [p["name_en"] or p["name"] for p in PLACES]
SEARCH_TERMS += [p["name_ru"] or p["name"] for p in PLACES]
SITE_NUMBERS: list[str] = []  # published sites near the places, filled at the start


@events.test_start.add_listener
def sample_published_sites(environment, **kwargs):
    """Published site numbers around each place, from the public API (as a crawler would)."""
    for place in PLACES:
        box = f"{place['lon'] - 0.3},{place['lat'] - 0.3},{place['lon'] + 0.3},{place['lat'] + 0.3}"
        response = requests.get(
            f"{environment.host}/api/v1/sites/",
            params={"bbox": box, "limit": 50},
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code != 200:
            break
        SITE_NUMBERS.extend(f["id"] for f in response.json()["features"])
    if not SITE_NUMBERS:  # a load test of 404s and redirects would measure nothing
        logging.error("No published site from the API (HTTP %s)", response.status_code)
        environment.process_exit_code = 2
        environment.runner.quit()


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The slippy-map tile (Web Mercator) that holds a point at zoom z."""
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(x, n - 1), min(y, n - 1)


def fail_unless(response, ok: bool, why: str) -> None:
    if ok:
        response.success()
    elif response.status_code == 0:  # no response at all: say why (reset, refused, timeout)
        response.failure(f"{why}: {response.error!r}")
    else:
        response.failure(f"{why}: HTTP {response.status_code} {response.text[:200]!r}")


class Visitor(HttpUser):
    """Someone on the public map and site pages."""

    weight = 9
    wait_time = between(0.5, 2)

    @task(40)
    def tile(self):
        place = random.choice(PLACES)
        z = random.randint(4, 16)
        x, y = tile_of(place["lon"], place["lat"], z)
        x, y = x + random.randint(-1, 1), y + random.randint(-1, 1)  # the tiles of a screen
        name = "tile z4-11 (cell counts)" if z < SITES_MIN_ZOOM else "tile z12-16 (sites)"
        with self.client.get(f"/maps/tiles/{z}/{x}/{y}.pbf", name=name, catch_response=True) as r:
            fail_unless(r, r.status_code == 200 and r.headers.get("Content-Type") == TILE, "tile")

    @task(20)
    def bbox(self):
        place = random.choice(PLACES)
        half = random.choice([0.02, 0.1, 0.5])  # a street, a town, a district
        box = f"{place['lon'] - half:.4f},{place['lat'] - half:.4f},"
        box += f"{place['lon'] + half:.4f},{place['lat'] + half:.4f}"
        with self.client.get(
            "/api/v1/sites/", params={"bbox": box, "limit": 100}, name="api bbox",
            catch_response=True,
        ) as r:  # fmt: skip
            ok = r.status_code == 200 and isinstance(r.json().get("features"), list)
            fail_unless(r, ok, "bbox")

    @task(20)
    def site_page(self):
        number = random.choice(SITE_NUMBERS)
        with self.client.get(f"/sites/{number}/", name="site page", catch_response=True) as r:
            fail_unless(r, r.status_code == 200 and number in r.text, "site page")

    @task(5)
    def api_search(self):
        term = random.choice(SEARCH_TERMS)
        with self.client.get(
            "/api/v1/sites/", params={"q": term, "limit": 20}, name="api text search",
            catch_response=True,
        ) as r:  # fmt: skip
            ok = r.status_code == 200 and isinstance(r.json().get("features"), list)
            fail_unless(r, ok, "search")

    @task(5)
    def suggest(self):
        term = random.choice(SEARCH_TERMS)
        with self.client.get(
            "/maps/suggest/", params={"q": term}, name="map suggest", catch_response=True
        ) as r:
            ok = r.status_code == 200 and isinstance(r.json().get("results"), list)
            fail_unless(r, ok, "suggest")


class Officer(HttpUser):
    """The demo officer (assigned to every region) at work on their own drafts."""

    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self):
        self.edits = 0
        self.client.get("/accounts/login/", name="officer login form")
        with self.client.post(
            "/accounts/login/", name="officer login", catch_response=True,
            data={"username": OFFICER[0], "password": OFFICER[1],
                  "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
        ) as r:  # fmt: skip
            ok = bool(r.history) and r.url.endswith("/officer/") and r.status_code == 200
            fail_unless(r, ok, "login")
        self.number = self._create()

    def _form(self, url: str, name: str) -> dict[str, str] | None:
        """The site form's values as a browser would post them unchanged."""
        with self.client.get(url, name=name, catch_response=True) as r:
            forms = [f for f in html.fromstring(r.text).forms if "name_kk" in f.fields]
            fail_unless(r, r.status_code == 200 and len(forms) == 1, "site form")
            return dict(forms[0].form_values()) if forms else None

    def _save(self, url: str, values: dict[str, str], name: str) -> str | None:
        """Post the form; success is the redirect to the saved site's page."""
        with self.client.post(
            url, data=values, name=name, allow_redirects=False, catch_response=True
        ) as r:
            found = re.fullmatch(r"/officer/sites/([A-Z0-9-]+)/", r.headers.get("Location", ""))
            errors = html.fromstring(r.text).xpath("//ul[@class='errorlist']//text()") if (
                r.status_code == 200) else []  # fmt: skip
            fail_unless(r, r.status_code == 302 and found, f"not saved {errors[:3]}")
            return found.group(1) if found else None

    def _create(self) -> str | None:
        values = self._form("/officer/sites/new/", "officer new form")
        if values is None:
            return None
        place = random.choice(PLACES)
        point = {
            "type": "Point",
            "coordinates": [
                place["lon"] + random.uniform(-0.01, 0.01),
                place["lat"] + random.uniform(-0.01, 0.01),
            ],
        }
        values |= {
            "name_kk": f"Жүктеме сынағы {random.randint(1, 10**6)}", "name_en": "Load test",
            "category": "archaeology", "significance": "local", "sensitivity": "S2",
            "condition": "good", "location": json.dumps(point), "reason": "load test",
        }  # fmt: skip
        return self._save("/officer/sites/new/", values, "officer create")

    @task(3)
    def edit(self):
        if self.number is None:
            self.number = self._create()
            return
        url = f"/officer/sites/{self.number}/edit/"
        values = self._form(url, "officer edit form")
        if values is not None:
            self.edits += 1
            values |= {"name_en": f"Load test, edit {self.edits}", "reason": "load test"}
            self._save(url, values, "officer save")

    @task(1)
    def create(self):
        number = self._create()
        self.number = number or self.number
