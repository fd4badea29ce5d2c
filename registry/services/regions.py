"""Loading Kazakhstan's administrative areas (COD-AB 2024 via geokz, CC BY 4.0)."""

import json
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction

from registry.models import AdminArea

DATA = Path(__file__).resolve().parent.parent / "data"
REGIONS_FILE = DATA / "kz-admin1.geojson"
DISTRICTS_FILE = DATA / "kz-admin2.geojson"


def _features(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return json.load(f)["features"]


def _multi(geometry: dict) -> MultiPolygon:
    geom = GEOSGeometry(json.dumps(geometry), srid=4326)
    return geom if geom.geom_type == "MultiPolygon" else MultiPolygon(geom, srid=4326)


def _names(p: dict, prefix: str = "") -> dict:
    kk, ru, en = p[f"{prefix}name_kk"], p[f"{prefix}name_ru"], p[f"{prefix}name_en"]
    return {"name": kk, "name_kk": kk, "name_ru": ru, "name_en": en}


@transaction.atomic
def regions_load(
    *, regions_file: Path = REGIONS_FILE, districts_file: Path = DISTRICTS_FILE, model=AdminArea
) -> tuple[int, int]:
    """Create or update the 20 first-level units and 224 districts; returns their counts.

    `model` lets a data migration pass its historical AdminArea."""
    regions = {}
    for feature in _features(regions_file):
        p = feature["properties"]
        regions[p["pcode"]], _ = model.objects.update_or_create(
            code=p["pcode"],
            defaults={
                "kato": p["kato"],
                "iso_3166_2": p["iso_3166_2"],
                "registry_prefix": p["alpha_code_geokz"],
                "level": AdminArea.Level.REGION,
                "unit_type": p["unit_type"],
                "geom": _multi(feature["geometry"]),
                **_names(p),
            },
        )
    districts = 0
    for feature in _features(districts_file):
        p = feature["properties"]
        model.objects.update_or_create(
            code=p["pcode"],
            defaults={
                "kato": p["kato"],
                "level": AdminArea.Level.DISTRICT,
                "unit_type": "district",
                "parent": regions[p["adm1_pcode"]],
                "geom": _multi(feature["geometry"]),
                **_names(p),
            },
        )
        districts += 1
    return len(regions), districts
