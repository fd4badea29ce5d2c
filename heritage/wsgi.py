import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")
# Web requests only: a query running longer than this is cancelled and answered 504
# (heritage/faults.py), freeing the worker. Commands and the task worker do not load this
# module, so migrations, imports and exports run unbounded. 0 turns it off.
os.environ.setdefault("MURA_STATEMENT_TIMEOUT_MS", "15000")
application = get_wsgi_application()
