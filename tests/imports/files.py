"""Import files of every format, written at test time."""

import csv
import json
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
from django.contrib.gis.geos import Point

YASAWI = (68.27105556, 43.29769444)  # Turkistan region
OTRAR = (68.3005, 42.8514)  # Turkistan region
ALMATY = (76.9457, 43.2364)  # Almaty city, outside a Turkistan officer's regions

GOOD = [
    {"name_kk": "Отырар қалашығы", "name_ru": "Городище Отрар", "name_en": "Otrar",
     "category": "archaeology", "significance": "republican", "typology": "settlement",
     "date_from": "-200", "date_to": "1700", "period": "karakhanid", "condition": "poor",
     "description_en": "Ruins of a Silk Road city.", "lonlat": OTRAR},
    {"name_kk": "Арыстан баб кесенесі", "name_ru": "Мавзолей Арыстан-Баба",
     "name_en": "Mausoleum of Arystan Bab", "category": "architecture",
     "significance": "republican", "sensitivity": "S0", "typology": "mausoleum",
     "date_from": "1909", "date_to": "", "period": "", "condition": "good",
     "lonlat": (68.3237, 42.8421)},
]  # fmt: skip
COLUMNS = ["name_kk", "name_ru", "name_en", "category", "significance", "sensitivity", "typology"]
COLUMNS += ["date_from", "date_to", "period", "condition", "description_en"]


# DBF field names have at most 10 characters; the import knows these short names.
SHAPEFILE_NAMES = {"significance": "significan", "sensitivity": "sensitivit",
                   "description_en": "desc_en"}  # fmt: skip


def _flat(rows):
    return [{c: str(row.get(c, "")) for c in COLUMNS} for row in rows]


def csv_lonlat(path: Path, rows=GOOD, extra=None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, [*COLUMNS, "lon", "lat", *(extra or {})])
        writer.writeheader()
        for flat, row in zip(_flat(rows), rows, strict=True):
            lon, lat = row["lonlat"]
            writer.writerow(flat | {"lon": lon, "lat": lat} | (extra or {}))
    return path


def csv_wkt(path: Path, rows=GOOD) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, [*COLUMNS, "wkt"], delimiter=";")
        writer.writeheader()
        for flat, row in zip(_flat(rows), rows, strict=True):
            writer.writerow(flat | {"wkt": "POINT ({} {})".format(*row["lonlat"])})
    return path


def geojson(path: Path, rows=GOOD) -> Path:
    features = [
        {"type": "Feature", "properties": flat,
         "geometry": {"type": "Point", "coordinates": list(row["lonlat"])}}
        for flat, row in zip(_flat(rows), rows, strict=True)
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _ogr(path: Path, rows, driver: str, srid: int = 4326) -> Path:
    flats = _flat(rows)
    geometry = np.array(
        [Point(*row["lonlat"], srid=4326).transform(srid, clone=True).wkb.tobytes()
         for row in rows], dtype=object,
    )  # fmt: skip
    data = [np.array([flat[c] for flat in flats], dtype=object) for c in COLUMNS]
    names = [SHAPEFILE_NAMES.get(c, c) if driver == "ESRI Shapefile" else c for c in COLUMNS]
    pyogrio.raw.write(path, geometry, data, names, driver=driver, geometry_type="Point",
                      crs=f"EPSG:{srid}", layer="sites")  # fmt: skip
    return path


def gpkg(path: Path, rows=GOOD) -> Path:
    return _ogr(path, rows, "GPKG")


def shp_zip(path: Path, rows=GOOD, srid: int = 32642) -> Path:
    """In a UTM zone (42N), as surveys deliver them: the import reprojects to lon/lat."""
    folder = path.parent / "shp-src"
    folder.mkdir()
    _ogr(folder / "sites.shp", rows, "ESRI Shapefile", srid)
    with zipfile.ZipFile(path, "w") as zf:
        for member in sorted(folder.iterdir()):
            zf.write(member, f"survey/{member.name}")
    return path


WRITERS = {"csv-lonlat": (csv_lonlat, "sites.csv"), "csv-wkt": (csv_wkt, "sites.csv"),
           "geojson": (geojson, "sites.geojson"), "gpkg": (gpkg, "sites.gpkg"),
           "shp-zip": (shp_zip, "sites.zip")}  # fmt: skip


def write(kind: str, folder: Path, rows=GOOD) -> Path:
    writer, name = WRITERS[kind]
    return writer(folder / name, rows)


# A list in UNESCO's own column names (id_no, name_en, date_inscribed, latitude, longitude,
# short_description_en, criteria_txt, category, states_name_en), to which the ministry's desk
# added a Kazakh name, Mura's category and significance under Kazakh headings.
UNESCO_COLUMNS = ["id_no", "name_en", "name_ru", "атауы", "санаты", "маңызы", "date_inscribed",
                  "latitude", "longitude", "short_description_en", "criteria_txt", "category",
                  "states_name_en"]  # fmt: skip
UNESCO_ROWS = [
    {"id_no": "1103", "name_en": "Mausoleum of Khoja Ahmed Yasawi",
     "name_ru": "Мавзолей Ходжи Ахмеда Ясави", "атауы": "Қожа Ахмет Ясауи кесенесі",
     "санаты": "architecture", "маңызы": "international", "date_inscribed": "2003",
     "latitude": YASAWI[1], "longitude": YASAWI[0],
     "short_description_en": "The Mausoleum of Khoja Ahmed Yasawi, in the town of Yasi, now"
     " Turkestan, was built at the time of the ruler Timur (Tamerlane), from 1389 to 1405.",
     "criteria_txt": "(i)(iii)(iv)", "category": "Cultural", "states_name_en": "Kazakhstan"},
    {"id_no": "", "name_en": "Mausoleum of Arystan Bab", "name_ru": "Мавзолей Арыстан-Баба",
     "атауы": "Арыстан баб кесенесі", "санаты": "architecture", "маңызы": "republican",
     "date_inscribed": "", "latitude": 42.8421, "longitude": 68.3237,
     "short_description_en": "A mausoleum over the grave of Arystan Bab, teacher of Khoja Ahmed"
     " Yasawi, near Otrar; rebuilt in 1909 on older foundations.",
     "criteria_txt": "", "category": "", "states_name_en": "Kazakhstan"},
]  # fmt: skip
# What the officer maps them to (UNESCO's category is not Mura's: left out).
UNESCO_MAPPING = {"id_no": "unesco_id", "name_en": "name_en", "name_ru": "name_ru",
                  "атауы": "name_kk", "санаты": "category", "маңызы": "significance",
                  "date_inscribed": "unesco_inscribed", "latitude": "lat", "longitude": "lon",
                  "short_description_en": "description_en", "criteria_txt": "unesco_criteria",
                  "category": None, "states_name_en": None}  # fmt: skip


def unesco_csv(path: Path, rows=UNESCO_ROWS, columns=UNESCO_COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def unesco_geojson(path: Path, rows=UNESCO_ROWS) -> Path:
    """The same list as GeoJSON: the point is the feature's geometry, not columns."""
    features = [
        {"type": "Feature", "geometry": {"type": "Point",
                                         "coordinates": [row["longitude"], row["latitude"]]},
         "properties": {c: v for c, v in row.items() if c not in ("latitude", "longitude")}}
        for row in rows
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path
