"""The seeded world the privacy tests attack: sites at chosen points near region and district
borders (the grid cells below straddle real borders of registry/data/kz-admin1/2), boundaries
crossing grid lines, parents and children of different classes, and unpublished work made
between publications. Everything is made through the services, as an officer would.

Cells were chosen with PostGIS over the shipped boundaries; `seed()` checks again that each
still straddles the border it is meant to (so a data change fails loudly, not silently).
"""

import math
from dataclasses import dataclass, field

from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from registry.models import AdminArea, HeritageSite
from registry.services.sites import site_create
from registry.services.workflow import site_publish, site_return, site_submit, site_withdraw
from tests.factories import UserFactory

SIZE = {"S1": 0.01, "S2": 0.1}


@dataclass(frozen=True)
class Spec:
    """A site to seed. `cell`: the lower-left corner of its public cell (S1/S2) or of a cell
    holding it; `side`/`alt_side`: the area code whose part of the cell holds the exact point
    (and the point it is moved to by the invariance test); `at`: an explicit exact point."""

    word: str  # a made-up word in its name only, so `q=word` finds this site alone
    sensitivity: str
    cell: tuple[float, float] | None = None
    side: str = ""
    alt_side: str = ""
    centre_in: str = ""  # the area the cell's centre must lie in (checked)
    at: tuple[float, float] | None = None
    alt_at: tuple[float, float] | None = None
    boundary: str = ""  # "", or the cell edge its boundary crosses: "south", "west", ...
    alt_boundary: str = ""
    parent: str = ""  # the word of its parent
    status: str = "published"  # or draft, in_review, returned, withdrawn


SPECS = [
    # Region borders (Akmola KZ11 / Karaganda KZ35). Cell centre in one region, exact point in
    # the other: the shown region must not tell which part of the cell holds the site.
    Spec("Amberglade", "S2", cell=(68.4, 50.7), side="KZ35", alt_side="KZ11", centre_in="KZ11"),
    # Exact point on the centre's side: a filter by the other region must still find it.
    Spec("Basaltkeep", "S2", cell=(67.9, 50.6), side="KZ35", alt_side="KZ11", centre_in="KZ35",
         boundary="north", alt_boundary="east"),
    Spec("Copperfen", "S1", cell=(68.12, 50.65), side="KZ35", alt_side="KZ11", centre_in="KZ11",
         boundary="south", alt_boundary="north"),
    # District borders inside Karaganda (KZ351000 / KZ354000).
    Spec("Dunmirror", "S2", cell=(73.1, 49.9), side="KZ354000", alt_side="KZ351000",
         centre_in="KZ351000", boundary="west", alt_boundary=""),
    Spec("Emberholt", "S1", cell=(73.22, 49.81), side="KZ351000", alt_side="KZ354000",
         centre_in="KZ354000"),
    # Withheld, near the KZ11/KZ35 border, in Karaganda; moved within Karaganda.
    Spec("Frostvale", "S3", cell=(68.7, 50.3), side="KZ35", alt_side="KZ35", centre_in="KZ11"),
    # Parents and children of different classes.
    Spec("Gildmoor", "S0", at=(73.5, 49.6)),
    Spec("Hazelcrag", "S2", at=(73.5052, 49.6021), alt_at=(73.5731, 49.6687), parent="Gildmoor"),
    Spec("Ironwold", "S2", at=(72.0516, 49.5512), alt_at=(72.0111, 49.5921)),
    Spec("Jasperlee", "S0", at=(72.0541, 49.5527), parent="Ironwold"),
    Spec("Oakenshade", "S3", at=(73.5081, 49.6093), alt_at=(73.6, 49.4), parent="Gildmoor"),
    # Same class, same cell: the link narrows neither (allowed).
    Spec("Kestrelby", "S2", at=(72.4312, 49.3321), alt_at=(72.4871, 49.3912)),
    Spec("Lanternmoss", "S2", at=(72.4712, 49.3633), alt_at=(72.4123, 49.3088),
         parent="Kestrelby"),
    # Both open: the link is public.
    Spec("Marrowdeep", "S0", at=(74.0, 49.0)),
    Spec("Nettlebrook", "S0", at=(74.002, 49.001), parent="Marrowdeep"),
    # Unpublished work, made between the publications above.
    Spec("Pewterfall", "S0", at=(73.3, 49.7), status="draft"),
    Spec("Quillmarsh", "S2", at=(68.45, 50.75), status="in_review"),
    Spec("Ravenscar", "S1", at=(73.25, 49.85), status="returned"),
    Spec("Saltmere", "S2", at=(72.2, 49.2), status="withdrawn"),
]  # fmt: skip
# Unpublished work is interleaved with publications (after the n-th published site).
UNPUBLISHED_AFTER = {"Pewterfall": 1, "Quillmarsh": 2, "Ravenscar": 4, "Saltmere": 6}


def cell_polygon(lon0: float, lat0: float, size: float) -> Polygon:
    return Polygon.from_bbox((lon0, lat0, lon0 + size, lat0 + size))


def cell_of(point: Point, sensitivity: str) -> Polygon:
    """The public cell (grid square) holding `point` for an S1/S2 site."""
    size = SIZE[sensitivity]
    return cell_polygon(math.floor(point.x / size) * size, math.floor(point.y / size) * size, size)


def area(code: str) -> AdminArea:
    return AdminArea.objects.get(code=code)


def _inside(part, margin: float) -> Point:
    """A point well inside `part` (not on a border), deterministic."""
    inner = part.buffer(-margin)
    chosen = inner if not inner.empty else part
    point = chosen.point_on_surface
    return Point(round(point.x, 7), round(point.y, 7), srid=4326)


def _exact(spec: Spec, code: str, at) -> Point:
    if at is not None:
        return Point(*at, srid=4326)
    size = SIZE.get(spec.sensitivity, 0.1)
    cell = cell_polygon(*spec.cell, size)
    part = cell.intersection(area(code).geom)
    assert part.area > 0.2 * cell.area, f"{spec.word}: {code} covers too little of its cell"
    return _inside(part, size * 0.05)


def _boundary(point: Point, size: float, edge: str) -> MultiPolygon | None:
    """A small boundary around `point`, reaching past its cell's `edge` (crossing that grid
    line), or None."""
    if not edge:
        return None
    x0, y0 = math.floor(point.x / size) * size, math.floor(point.y / size) * size
    d = size * 0.1
    west, south, east, north = point.x - d, point.y - d, point.x + d, point.y + d
    if edge == "south":
        south = y0 - d
    elif edge == "north":
        north = y0 + size + d
    elif edge == "west":
        west = x0 - d
    elif edge == "east":
        east = x0 + size + d
    return MultiPolygon(Polygon.from_bbox((west, south, east, north)), srid=4326)


@dataclass
class Seeded:
    spec: Spec
    site: HeritageSite
    exact: Point
    alt: Point
    boundary: MultiPolygon | None
    alt_boundary: MultiPolygon | None
    world: "World" = None

    @property
    def word(self) -> str:
        return self.spec.word

    @property
    def sensitivity(self) -> str:
        return self.spec.sensitivity

    @property
    def generalised(self) -> bool:
        return self.sensitivity in SIZE

    @property
    def cell(self) -> Polygon | None:
        return cell_of(self.exact, self.sensitivity) if self.generalised else None

    @property
    def centre(self) -> Point | None:
        if self.sensitivity == "S0":
            return self.exact
        return self.cell.centroid if self.generalised else None

    def refresh(self) -> HeritageSite:
        self.site = HeritageSite.objects.get(pk=self.site.pk)
        return self.site

    @property
    def identifiers(self) -> set[str]:
        """Every reference the site has (a registry number, a draft reference)."""
        site = self.refresh()
        names = ("registry_number", "draft_reference", "reference", "former_number")
        return {str(v) for v in (getattr(site, n, None) for n in names) if v}


@dataclass
class World:
    sites: dict[str, Seeded] = field(default_factory=dict)
    published_order: list[str] = field(default_factory=list)  # words, in publication order
    author: object = None
    reviewer: object = None

    def __getitem__(self, word: str) -> Seeded:
        return self.sites[word]

    def published(self) -> list[Seeded]:
        return [s for s in self.sites.values() if s.refresh().status == "published"]

    def generalised(self) -> list[Seeded]:
        return [s for s in self.published() if s.generalised]

    def unpublished(self) -> list[Seeded]:
        return [s for s in self.sites.values() if s.spec.status != "published"]


def _check_cell(spec: Spec, exact: Point) -> None:
    if not spec.cell or spec.sensitivity not in SIZE:
        return
    cell = cell_of(exact, spec.sensitivity)
    expected = cell_polygon(*spec.cell, SIZE[spec.sensitivity])
    assert cell.equals_exact(expected, 1e-9), f"{spec.word}: exact point left its cell"
    assert area(spec.centre_in).geom.covers(cell.centroid), f"{spec.word}: centre moved"
    for code in {spec.side, spec.alt_side}:
        assert area(code).geom.intersects(cell), f"{spec.word}: cell misses {code}"


def _make(spec: Spec, world: World) -> Seeded:
    exact = _exact(spec, spec.side, spec.at)
    alt = _exact(spec, spec.alt_side, spec.alt_at) if (spec.alt_side or spec.alt_at) else exact
    if spec.sensitivity == "S3" and spec.at is None:
        # Withheld: moved elsewhere in its region (its region is public, nothing finer).
        alt = _inside(area(spec.side).geom.intersection(cell_polygon(68.8, 50.0, 0.3)), 0.01)
    _check_cell(spec, exact)
    if spec.sensitivity in SIZE:
        assert cell_of(exact, spec.sensitivity).equals_exact(
            cell_of(alt, spec.sensitivity), 1e-9
        ), f"{spec.word}: the moved point must stay in the same public cell"
    size = SIZE.get(spec.sensitivity, 0.1)
    boundary = _boundary(exact, size, spec.boundary)
    alt_boundary = _boundary(alt, size, spec.alt_boundary)
    fields = {
        "name_kk": f"Нысан {spec.word}",
        "name_ru": f"Объект {spec.word}",
        "name_en": f"Site {spec.word}",
        "category": "archaeology",
        "significance": "local",
        "sensitivity": spec.sensitivity,
        "location": exact,
        "boundary": boundary,
    }
    if spec.parent:
        fields["parent"] = world[spec.parent].refresh()
    site = site_create(fields=fields, created_by=world.author)
    return Seeded(spec, site, exact, alt, boundary, alt_boundary, world)


def _advance(seeded: Seeded, world: World) -> None:
    status, site = seeded.spec.status, seeded.site
    if status == "draft":
        return
    site = site_submit(site=site, by=world.author)
    if status == "returned":
        site = site_return(site=site, reviewer=world.reviewer, note="check the dating")
    elif status in ("published", "withdrawn"):
        site = site_publish(site=site, reviewer=world.reviewer)
        if status == "withdrawn":
            site = site_withdraw(site=site, by=world.reviewer, note="duplicate record")
        else:
            world.published_order.append(seeded.word)
    seeded.site = site


def seed() -> World:
    world = World(
        author=UserFactory(username="privacy-officer"),
        reviewer=UserFactory(username="privacy-reviewer"),
    )
    pending = [s for s in SPECS if s.status != "published"]
    for spec in SPECS:
        if spec.status != "published":
            continue
        seeded = _make(spec, world)
        world.sites[spec.word] = seeded
        _advance(seeded, world)
        for other in list(pending):
            if UNPUBLISHED_AFTER[other.word] == len(world.published_order):
                made = _make(other, world)
                world.sites[other.word] = made
                _advance(made, world)
                pending.remove(other)
    assert not pending
    return world
