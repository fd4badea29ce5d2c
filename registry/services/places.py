"""Loading named places (OpenStreetMap via HOT Export Tool, ODbL 1.0, © OpenStreetMap
contributors; see registry/data/SOURCES.md)."""

import json
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import transaction

from registry.models import AdminArea, Place
from registry.services.regions import DATA

PLACES_FILE = DATA / "kz-places-osm.geojson"
UPDATED = ["kind", "name", "name_kk", "name_ru", "name_en", "population", "region", "point"]


def _place(feature: dict, regions: dict, model) -> Place:
    p = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"][:2]
    population = (p.get("population") or "").strip()
    return model(
        osm_type=p["osm_type"],
        osm_id=p["osm_id"],
        kind=p["place"],
        name=p["name"].strip(),
        name_kk=(p.get("name_kk") or "").strip(),
        name_ru=(p.get("name_ru") or "").strip(),
        name_en=(p.get("name_en") or "").strip(),
        population=int(population) if population.isdigit() else None,
        region_id=regions.get(p.get("adm1_pcode")),
        point=Point(lon, lat, srid=4326),
    )


@transaction.atomic
def places_load(*, path: Path = PLACES_FILE, model=Place, area_model=AdminArea) -> int:
    """Create or update every place in the file and delete those no longer in it; returns the
    count. Idempotent. `model`/`area_model` let a data migration pass its historical models."""
    with path.open(encoding="utf-8") as f:
        features = [f for f in json.load(f)["features"] if f["geometry"]["type"] == "Point"]
    regions = dict(area_model.objects.filter(level=1).values_list("code", "pk"))
    places = [_place(feature, regions, model) for feature in features]
    model.objects.bulk_create(
        places,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["osm_type", "osm_id"],
        update_fields=UPDATED,
    )
    kept = {(place.osm_type, place.osm_id) for place in places}
    gone = [
        pk
        for pk, osm_type, osm_id in model.objects.values_list("pk", "osm_type", "osm_id")
        if (osm_type, osm_id) not in kept
    ]
    model.objects.filter(pk__in=gone).delete()
    return len(places)


BASE_FILE = DATA / "natural-earth-region.geojson"


@transaction.atomic
def base_features_load(*, path: Path = BASE_FILE, model=None) -> int:
    """Replace the offline base map's features (Natural Earth, scripts/natural_earth.py) with
    those of the file; returns the count. `model` lets a data migration pass its own."""
    from django.contrib.gis.geos import GEOSGeometry

    from registry.models import BaseFeature

    model = model or BaseFeature
    with path.open(encoding="utf-8") as f:
        features = json.load(f)["features"]
    rows = []
    for feature in features:
        p, geometry = feature["properties"], feature["geometry"]
        rows.append(
            model(
                kind=p["kind"],
                name_kk=p["name_kk"],
                name_ru=p["name_ru"],
                name_en=p["name_en"],
                min_zoom=p["min_zoom"],
                geom=GEOSGeometry(json.dumps(geometry), srid=4326) if geometry else None,
                label=Point(*p["label"], srid=4326) if p["label"] else None,
            )
        )
    model.objects.all().delete()
    model.objects.bulk_create(rows, batch_size=200)
    return len(rows)
