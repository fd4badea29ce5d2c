"""The physical limit for bench/api.sh: a minimal WSGI app that runs the raw SQL for the same
answers as the API (PostgreSQL builds the JSON), over one psycopg connection per worker.

    gunicorn -w 8 --chdir bench raw_app:app   (DATABASE_URL set)
"""

import json
import os
from urllib.parse import parse_qs

import psycopg

BBOX_SQL = """
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(f), '[]'))
FROM (
  SELECT json_build_object('type', 'Feature', 'id', registry_number,
    'geometry', ST_AsGeoJSON(public_location, 6)::json,
    'properties', json_build_object('name', name_kk, 'category', category,
                                    'sensitivity', sensitivity)) AS f
  FROM registry_public_site
  WHERE public_location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
  ORDER BY registry_number LIMIT 100
) page
"""
COUNT_SQL = """
SELECT json_build_object('count', count(*)) FROM registry_public_site s
JOIN registry_adminarea r ON r.id = s.region_id WHERE r.code = %s
"""
NEAREST_SQL = """
SELECT coalesce(json_agg(f), '[]') FROM (
  SELECT registry_number, ST_AsGeoJSON(public_location, 6)::json AS geometry,
         ST_Distance(public_location::geography, ST_MakePoint(%s, %s)::geography) AS distance_m
  FROM registry_public_site
  ORDER BY public_location::geography <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography
  LIMIT 20
) f
"""
_connection = None


def _query(sql: str, args: list) -> bytes:
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
        body = _query(BBOX_SQL, [float(v) for v in query["bbox"].split(",")])
    elif path == "/count":
        body = _query(COUNT_SQL, [query["region"]])
    elif path == "/nearest":
        lon, lat = (float(v) for v in query["near"].split(","))
        body = _query(NEAREST_SQL, [lon, lat, lon, lat])
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
