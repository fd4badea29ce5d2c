"""The physical limit for bench/api.sh: a minimal WSGI app that runs the raw SQL for the same
answers as the API (PostgreSQL builds the JSON), over one psycopg connection per worker.

    gunicorn -w 8 --chdir bench raw_app:app   (DATABASE_URL set)
"""

import json
import os
from urllib.parse import parse_qs

import psycopg

# The API's plan for a small bbox (registry/search.py, SPATIAL_FIRST_MAX_DEG2): the spatial
# index finds the sites in the box, which are then sorted (`|| ''` keeps the planner from
# walking the registry-number index instead); a big box walks that index.
SPATIAL_FIRST_MAX_DEG2 = 1.0
# Every property the API's list feature has (registry/api/serializers.py), codes joined in.
BBOX_SQL = """
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(f), '[]'))
FROM (
  SELECT json_build_object('type', 'Feature', 'id', s.registry_number,
    'geometry', ST_AsGeoJSON(s.public_location, 6)::json,
    'properties', json_build_object(
      'name', coalesce(nullif(s.name_kk, ''), nullif(s.name_ru, ''), s.name_en),
      'name_kk', s.name_kk, 'name_ru', s.name_ru, 'name_en', s.name_en,
      'category', s.category, 'typology', t.code, 'significance', s.significance,
      'period', s.period, 'date_from', s.date_from, 'date_to', s.date_to,
      'condition', s.condition, 'sensitivity', s.sensitivity,
      'location_generalisation', CASE s.sensitivity WHEN 'S0' THEN 'exact'
        WHEN 'S1' THEN '0.01° grid cell (about 1 km)'
        WHEN 'S2' THEN '0.1° grid cell (about 8 × 11 km)' ELSE 'withheld: region only' END,
      'region', r.code, 'district', d.code, 'distance_m', NULL)) AS f
  FROM registry_public_site s
  LEFT JOIN registry_typology t ON t.id = s.typology_id
  JOIN registry_adminarea r ON r.id = s.region_id
  LEFT JOIN registry_adminarea d ON d.id = s.district_id
  WHERE s.public_location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
  ORDER BY {key} LIMIT 100
) page
"""
BBOX_SMALL_SQL = BBOX_SQL.format(key="s.registry_number || ''")
BBOX_BIG_SQL = BBOX_SQL.format(key="s.registry_number")
COUNT_SQL = """
SELECT json_build_object('count', count(*)) FROM registry_public_site s
JOIN registry_adminarea r ON r.id = s.region_id WHERE r.code = %s
"""
# The API's nearest page (registry/search.py, nearest_window): one KNN probe on the geography
# index for the sphere distance of the 20th nearest, then the sites within it (+1%, the sphere
# to spheroid slack) sorted by spheroid distance and registry number.
NEAREST_SQL = """
SELECT coalesce(json_agg(f), '[]') FROM (
  SELECT registry_number, ST_AsGeoJSON(public_location, 6)::json AS geometry,
         ST_Distance(public_location::geography, {point}) AS distance_m
  FROM registry_public_site
  WHERE ST_DWithin(public_location::geography, {point}, coalesce((
    SELECT (public_location::geography <-> {point}) * 1.01 + 1 FROM registry_public_site
    ORDER BY public_location::geography <-> {point} LIMIT 1 OFFSET 19), 1e8))
  ORDER BY distance_m, registry_number
  LIMIT 20
) f
""".format(point="ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography")
_connection = None


def _query(sql: str, args: list | dict) -> bytes:
    global _connection
    if _connection is None:
        _connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    with _connection.cursor() as cursor:
        cursor.execute(sql, args)
        return json.dumps(cursor.fetchone()[0]).encode()


def app(environ, start_response):
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    path = environ["PATH_INFO"]
    if path == "/bbox":
        x1, y1, x2, y2 = (float(v) for v in query["bbox"].split(","))
        small = (x2 - x1) * (y2 - y1) <= SPATIAL_FIRST_MAX_DEG2
        body = _query(BBOX_SMALL_SQL if small else BBOX_BIG_SQL, [x1, y1, x2, y2])
    elif path == "/count":
        body = _query(COUNT_SQL, [query["region"]])
    elif path == "/nearest":
        lon, lat = (float(v) for v in query["near"].split(","))
        body = _query(NEAREST_SQL, {"lon": lon, "lat": lat})
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
