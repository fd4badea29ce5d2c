"""Bisection attacks through every public endpoint: no S1/S2 site may be confined below half
of its public cell, no S3 site below its region (DESIGN §4, issue 12).

Each oracle attacks every published generalised site of the seeded world (tests/privacy/
world.py) and keeps what it learnt; the last test puts all oracles together, as an attacker
would. A failure lists, per site, the answers the public cell does not explain.
"""

import csv
import io
import json

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Polygon

from registry.models import AdminArea
from tests.maps.conftest import tile_of
from tests.privacy.attacker import (
    Knowledge,
    as_multipolygon,
    bisection_boxes,
    box_contains,
    box_polygon,
    box_text,
    disc,
    geodesic_m,
    grow,
    land,
    query,
)

REGION, DISTRICT = AdminArea.Level.REGION, AdminArea.Level.DISTRICT
SITES = "/api/v1/sites/"


def shown_area(point, level) -> AdminArea | None:
    """The area a generalised site is attributed to publicly: the one covering its public
    point; for a region, else the nearest (DESIGN §4)."""
    areas = AdminArea.objects.filter(level=level)
    covering = areas.filter(geom__covers=point).order_by("code").first()
    if covering is not None or level == DISTRICT:
        return covering
    return min(areas, key=lambda a: a.geom.distance(point))


def candidate_areas(cell: Polygon, level) -> list[tuple[AdminArea, bool]]:
    """Areas near the cell, each with whether the cell touches it (the filter's prediction)."""
    near = AdminArea.objects.filter(level=level, geom__intersects=cell.buffer(0.3))
    return [(a, a.geom.intersects(cell)) for a in near.order_by("code")]


def world_of(seeded):
    return seeded.world


class Attack:
    """One oracle's view of one target."""

    def __init__(self, public, seeded, knowledge):
        self.public, self.seeded, self.k = public, seeded, knowledge
        self.number = seeded.site.registry_number
        self.word = seeded.word
        self.centre = seeded.centre
        self.cell = seeded.cell
        # A tile draws one square per cell, named after its first site: the cell's sites.
        self.mates = {seeded.site.registry_number} | {
            other.site.registry_number
            for other in world_of(seeded).generalised()
            if other.sensitivity == seeded.sensitivity and other.cell.equals(seeded.cell)
        }

    def ids(self, url: str, body=None) -> set[str]:
        data = self.public.json(url, body)
        return {f["id"] for f in data["features"]}


# --- oracles: each asks its endpoint, and records what the public cell does not explain ---


def api_bbox(a: Attack):
    for _ in range(3):  # again on the narrowed set while answers keep teaching something
        known = len(a.k.contradictions)
        for box in list(bisection_boxes(a.k, a.centre)):
            seen = a.number in a.ids(query(SITES, bbox=box_text(box), q=a.word, limit=1000))
            a.k.observe(
                f"API bbox {box_text(box)}",
                box_polygon(box),
                predicted=box_contains(box, a.centre),
                seen=seen,
            )
        if len(a.k.contradictions) == known:
            break


def api_count(a: Attack):
    for box in bisection_boxes(a.k, a.centre):
        count = a.public.json(query(SITES + "count/", bbox=box_text(box), q=a.word))["count"]
        a.k.observe(
            f"API count bbox {box_text(box)}",
            box_polygon(box),
            predicted=box_contains(box, a.centre),
            seen=count > 0,
        )


def _triangles(box):
    west, south, east, north = box
    yield Polygon(((west, south), (east, south), (west, north), (west, south)), srid=4326)
    yield Polygon(((east, north), (west, north), (east, south), (east, north)), srid=4326)


def api_area(a: Attack):
    for box in bisection_boxes(a.k, a.centre, fractions=(0.5, 0.25)):
        for shape in (box_polygon(box), next(_triangles(box))):
            shape.srid = 4326
            if shape.boundary.distance(a.centre) < 1e-9:
                continue
            predicted = shape.covers(a.centre)
            seen = a.number in a.ids(query(SITES, geometry=shape.wkt, q=a.word))
            a.k.observe(f"API area {shape.wkt}", shape, predicted=predicted, seen=seen)
            body = {"area": json.loads(as_multipolygon(shape).json), "q": a.word}
            seen = a.number in a.ids(SITES + "search/", body)
            a.k.observe(f"API search area {shape.wkt}", shape, predicted=predicted, seen=seen)


def _probes(a: Attack):
    """Points around and inside the cell to measure from."""
    west, south, east, north = a.cell.extent
    xs, ys = (west, (west + east) / 2, east), (south, (south + north) / 2, north)
    for x in xs:
        for y in ys:
            point = type(a.centre)(x, y, srid=4326)
            if point.distance(a.centre) > 1e-9:
                yield point


def api_distance(a: Attack):
    for near in _probes(a):
        d = geodesic_m(near, a.centre)
        for factor in (0.6, 1.3):
            r = d * factor
            seen = a.number in a.ids(query(SITES, near=f"{near.x},{near.y}", distance=r, q=a.word))
            a.k.observe(
                f"API near {near.x:.5f},{near.y:.5f} within {r:.0f} m",
                disc(near, r),
                predicted=d <= r,
                seen=seen,
            )


def api_distance_order(a: Attack):
    for near in _probes(a):
        d = geodesic_m(near, a.centre)
        url = query(SITES, near=f"{near.x},{near.y}", ordering="distance", q=a.word)
        features = a.public.json(url)["features"]
        got = [f["properties"]["distance_m"] for f in features if f["id"] == a.number]
        if not got:
            a.k.learn(f"API nearest from {near.x:.5f},{near.y:.5f}", note="site missing")
        elif abs(got[0] - d) > 1:
            ring = disc(near, got[0] + 2).difference(disc(near, max(got[0] - 2, 0.1)))
            a.k.learn(
                f"API nearest from {near.x:.5f},{near.y:.5f}",
                inside=ring,
                note=f"distance {got[0]:.0f} m, the public point is {d:.0f} m away",
            )


def _area_filters(a: Attack, name: str, url_for, present) -> None:
    for level, param in ((REGION, "region"), (DISTRICT, "district")):
        for area, predicted in candidate_areas(a.cell, level):
            seen = present(url_for(param, area.code))
            a.k.observe(f"{name} {param}={area.code}", area.geom, predicted=predicted, seen=seen)


def api_areas(a: Attack):
    _area_filters(
        a,
        "API",
        lambda param, code: query(SITES, **{param: code, "q": a.word}),
        lambda url: a.number in a.ids(url),
    )


def _ogc_seen(data: dict, number: str) -> bool:
    """Whether an OGC page shows the site: by its count, or, for a text search (which is
    answered without one, docs/search.md), by its features."""
    return data.get("numberMatched", 0) > 0 or number in {f["id"] for f in data["features"]}


def ogc(a: Attack):
    items = "/ogc/collections/sites/items"
    for box in bisection_boxes(a.k, a.centre):
        data = a.public.json(query(items, bbox=box_text(box), q=a.word))
        seen = _ogc_seen(data, a.number)
        a.k.observe(
            f"OGC bbox {box_text(box)}",
            box_polygon(box),
            predicted=box_contains(box, a.centre),
            seen=seen,
        )
    _area_filters(
        a,
        "OGC",
        lambda param, code: query(items, **{param: code, "q": a.word}),
        lambda url: _ogc_seen(a.public.json(url), a.number),
    )


def _in_view(a: Attack, **params) -> bool:
    data = a.public.json(query("/maps/sites/in-view.json", **params))
    return a.number in {s["ref"] for s in data["sites"]}


def in_view(a: Attack):
    for box in bisection_boxes(a.k, a.centre):
        a.k.observe(
            f"in-view bbox {box_text(box)}",
            box_polygon(box),
            predicted=box_contains(box, a.centre),
            seen=_in_view(a, bbox=box_text(box)),
        )
    wide = box_text(a.cell.buffer(0.2).extent)
    for area, predicted in candidate_areas(a.cell, REGION):
        seen = _in_view(a, bbox=wide, region=area.code)
        a.k.observe(f"in-view region={area.code}", area.geom, predicted=predicted, seen=seen)


def _tile_refs(public, z, x, y, **params) -> set[str]:
    content = public.get(query(f"/maps/tiles/{z}/{x}/{y}.pbf", **params))
    layers = mapbox_vector_tile.decode(content) if content else {}
    return {f["properties"].get("ref") for f in layers.get("sites", {}).get("features", [])}


def tiles(a: Attack):
    for z in (12, 13):
        z, x, y = tile_of(a.centre.x, a.centre.y, z)
        for area, predicted in candidate_areas(a.cell, REGION):
            seen = bool(a.mates & _tile_refs(a.public, z, x, y, region=area.code))
            a.k.observe(
                f"tile {z}/{x}/{y} region={area.code}", area.geom, predicted=predicted, seen=seen
            )


def exports(a: Attack):
    def present(url) -> bool:
        return a.number in a.public.get(url).decode()

    for box in bisection_boxes(a.k, a.centre, fractions=(0.5,)):
        for fmt in ("csv", "geojson"):
            url = query(f"/api/v1/exports/sites.{fmt}", bbox=box_text(box), q=a.word)
            a.k.observe(
                f"export {fmt} bbox {box_text(box)}",
                box_polygon(box),
                predicted=box_contains(box, a.centre),
                seen=present(url),
            )
    _area_filters(
        a,
        "export CSV",
        lambda param, code: query("/api/v1/exports/sites.csv", **{param: code, "q": a.word}),
        present,
    )


def _shown(a: Attack, what: str, level, code_or_name, by_name=False) -> None:
    expected = shown_area(a.centre, level)
    if by_name:
        expected_value = expected.name if expected else None
    else:
        expected_value = expected.code if expected else None
    if code_or_name == expected_value:
        return
    area = AdminArea.objects.filter(level=level, **{"name" if by_name else "code": code_or_name})
    shown = area.first()
    a.k.learn(
        what,
        inside=shown.geom if shown else None,
        note=f"shows {code_or_name}; the public point lies in {expected_value}",
    )


def fields(a: Attack):
    detail = a.public.json(f"{SITES}{a.number}/")["properties"]
    _shown(a, "API detail region", REGION, detail["region"])
    _shown(a, "API detail district", DISTRICT, detail["district"])
    listed = [f for f in a.public.json(query(SITES, q=a.word))["features"] if f["id"] == a.number]
    _shown(a, "API list region", REGION, listed[0]["properties"]["region"])
    _shown(a, "API list district", DISTRICT, listed[0]["properties"]["district"])
    item = a.public.json(f"/ogc/collections/sites/items/{a.number}")["properties"]
    _shown(a, "OGC item region", REGION, item["region"])
    _shown(a, "OGC item district", DISTRICT, item["district"])
    exported = a.public.get(query("/api/v1/exports/sites.csv", q=a.word)).decode("utf-8-sig")
    rows = csv.DictReader(io.StringIO(exported))
    row = next(r for r in rows if r["registry_number"] == a.number)
    _shown(a, "CSV export region", REGION, row["region"])
    _shown(a, "CSV export district", DISTRICT, row["district"] or None)
    suggestion = next(
        r
        for r in a.public.json(query("/maps/suggest/", q=a.word))["results"]
        if r["ref"] == a.number
    )
    _shown(a, "suggestion region", REGION, suggestion["region"], by_name=True)
    if (round(a.centre.x, 5), round(a.centre.y, 5)) != (suggestion["lon"], suggestion["lat"]):
        a.k.learn("suggestion point", note=f"{suggestion['lon']},{suggestion['lat']}")
    panel = a.public.json(f"/maps/sites/{a.number}.json")
    _shown(a, "map panel region", REGION, panel["region"], by_name=True)
    page = a.public.get(f"/sites/{a.number}/").decode()
    for level in (REGION, DISTRICT):
        expected = shown_area(a.centre, level)
        if expected is not None and expected.name not in page:
            a.k.learn(
                f"site page lacks {expected.code}",
                inside=a.seeded.refresh().region.geom if level == REGION else None,
                note="the area of the public point is not the one shown",
            )


def screening(a: Attack):
    west, south, east, north = a.cell.extent
    size = east - west
    side = size * 0.3
    # Beyond each edge (a boundary crossing that grid line), and inside the cell.
    spots = ((-0.3, 0.5), (1.3, 0.5), (0.5, -0.3), (0.5, 1.3), (1 / 6, 1 / 6), (5 / 6, 5 / 6))
    places = [(west + size * fx, south + size * fy) for fx, fy in spots]
    cell_m = geodesic_m(type(a.centre)(west, south, srid=4326), a.centre)
    boundary = a.seeded.refresh().boundary
    for x, y in places:
        shape = Polygon.from_bbox((x - side / 2, y - side / 2, x + side / 2, y + side / 2))
        shape.srid = 4326
        d_point, d_cell = geodesic_m(shape, a.centre), geodesic_m(shape, a.cell)
        for reach in (0.0, cell_m * 1.2):
            body = {"area": json.loads(shape.json), "distance": reach}
            hits = a.public.json("/api/v1/screening/", body)["hits"]
            mine = [h for h in hits if h["kind"] == "site" and h["registry_number"] == a.number]
            what = f"screening {shape.extent} within {reach:.0f} m"
            if reach >= d_point and not mine:
                a.k.learn(
                    what, outside=grow(shape, reach), note="absent; the public point is in reach"
                )
            elif reach < d_cell - 1 and mine:
                got = mine[0]["distance_m"]
                a.k.learn(
                    what,
                    inside=grow(shape, reach) if boundary is None else None,
                    note=f"present at {got:.0f} m; the cell is {d_cell:.0f} m away",
                )
            elif mine and min(abs(mine[0]["distance_m"] - d) for d in (d_point, d_cell)) > 1:
                got = mine[0]["distance_m"]
                a.k.learn(
                    what,
                    outside=grow(shape, got - 1) if got > 1 else None,
                    note=f"{got:.0f} m; public point {d_point:.0f} m, cell {d_cell:.0f} m away",
                )


ORACLES = {
    "api-bbox": api_bbox,
    "api-count": api_count,
    "api-area": api_area,
    "api-distance": api_distance,
    "api-distance-order": api_distance_order,
    "api-region-district": api_areas,
    "ogc": ogc,
    "in-view": in_view,
    "tiles": tiles,
    "exports": exports,
    "fields": fields,
    "screening": screening,
}
LEARNT: dict[str, dict[str, Knowledge]] = {}


@pytest.fixture(scope="module")
def kazakhstan(world, django_db_blocker):
    with django_db_blocker.unblock():
        return land()


def run_oracle(name, public, world, kazakhstan) -> dict[str, Knowledge]:
    if name not in LEARNT:
        learnt = {}
        for seeded in world.generalised():
            cell = seeded.cell
            k = Knowledge(seeded.site.registry_number, cell, cell.intersection(kazakhstan))
            ORACLES[name](Attack(public, seeded, k))
            learnt[seeded.word] = k
        LEARNT[name] = learnt
    return LEARNT[name]


def failures(learnt: dict[str, Knowledge], *, strict: bool) -> list[str]:
    return [k.summary() for k in learnt.values() if k.ratio < 0.5 or (strict and k.contradictions)]


@pytest.mark.parametrize("name", list(ORACLES))
def test_no_oracle_narrows_a_generalised_site_below_its_public_cell(
    name, public, world, kazakhstan
):
    learnt = run_oracle(name, public, world, kazakhstan)

    assert len(learnt) == 9  # the published S1/S2 sites of the world
    assert not failures(learnt, strict=True), "\n".join(failures(learnt, strict=True))


def test_all_oracles_together_leave_every_generalised_site_half_its_cell(public, world, kazakhstan):
    combined = {}
    for name in ORACLES:
        for word, k in run_oracle(name, public, world, kazakhstan).items():
            if word not in combined:
                combined[word] = Knowledge(k.number, k.cell, k.cell.intersection(kazakhstan))
            total = combined[word]
            total.feasible = total.feasible.intersection(k.feasible)
            total.contradictions += [f"[{name}] {c}" for c in k.contradictions]

    low = {word: k for word, k in combined.items() if k.ratio < 0.5}
    assert not low, "\n".join(k.summary() for k in low.values())
