"""gunicorn settings for Mura: logging only (address, workers and timeouts are given on the
command line, see the Dockerfile). gunicorn reads ./gunicorn.conf.py by itself when started
in this directory, as the Docker image is; elsewhere pass `-c gunicorn.conf.py`.

The access log carries no personal data: no client address (%(h)s), no authenticated user
(%(u)s), no query string (%(q)s, in %(r)s: searches, tokens), no referrer (%(f)s) and no user
agent (%(a)s). What is left answers operational questions: when, what, status, size, time.
"""

accesslog = "-"
# [27/Nov/2026:05:10:02 +0000] "GET /maps/tiles/9/372/187.pbf HTTP/1.1" 200 5312 18ms
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# The same masking as Django's log handlers (heritage/redaction.py), on gunicorn's error log.
logger_class = "heritage.redaction.GunicornLogger"

# Idle keep-alive connections stay open longer than nginx keeps its upstream ones (60 s,
# deploy/nginx.conf `keepalive`), so nginx never sends a request on a connection gunicorn is
# just closing (a reset, or a 502 for a POST). gunicorn's default is 2 s; the load test
# (bench/load) saw resets at 40-50 users with it.
keepalive = 75
