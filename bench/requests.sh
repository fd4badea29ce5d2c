# The public reads bench/api.sh and bench/ab.sh time, one list for both (sourced; needs
# DATABASE_URL on the benchmark database). Sets REQUEST_NAMES (every request, in order) and
# REQUESTS (name -> path and query). Almaty's centre is the densest cluster of the synthetic
# register; the medium box is the region around it, the sparse one the steppe west of
# Karaganda (1.5 square degrees, 1,576 sites at 1M).
REGION=$(psql -tA "$DATABASE_URL" -c "SELECT code FROM registry_adminarea WHERE registry_prefix = 'KZ-ALA' OR (level = 1 AND name_en ILIKE 'Almaty') LIMIT 1")
SITE=$(psql -tA "$DATABASE_URL" -c "SELECT registry_number FROM registry_public_site WHERE sensitivity = 'S0' ORDER BY registry_number OFFSET 1000 LIMIT 1")
REQUEST_NAMES=(dense medium sparse nearest count search single area ogc inview)
declare -A REQUESTS=(
  [dense]="/api/v1/sites/?bbox=76.85,43.20,77.00,43.30&limit=100"
  [medium]="/api/v1/sites/?bbox=76.0,43.0,77.5,44.0&limit=100"
  [sparse]="/api/v1/sites/?bbox=70.0,48.0,71.5,49.0&limit=100"
  [nearest]="/api/v1/sites/?near=76.93,43.25&ordering=distance&limit=20"
  [count]="/api/v1/sites/count/?region=$REGION"
  [search]="/api/v1/sites/?q=Taraz&limit=20"
  [single]="/api/v1/sites/$SITE/"
  [area]="/api/v1/sites/?geometry=POLYGON((76.85%2043.2,77%2043.2,77%2043.3,76.85%2043.25,76.85%2043.2))&limit=100"
  [ogc]="/ogc/collections/sites/items?bbox=76.0,43.0,77.5,44.0&limit=100&f=json"
  [inview]="/maps/sites/in-view.json?bbox=76.85,43.20,77.00,43.30"
)
