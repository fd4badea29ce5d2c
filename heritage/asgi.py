import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")
os.environ.setdefault("MURA_STATEMENT_TIMEOUT_MS", "15000")  # web only: see wsgi.py
application = get_asgi_application()
