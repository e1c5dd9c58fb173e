"""WSGI entry point (gunicorn in production)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesops.settings.production")

application = get_wsgi_application()
# What is loaded by now (Django, the apps, plotly) lives as long as the
# process. Freezing it keeps the garbage collector's full collections, which
# a request's allocations trigger, from scanning it each time: on a branch's
# dashboard they were the slow tail (p95 0.32 s against a 0.20 s median,
# docs/benchmarks.md). The Python docs recommend this for servers.
gc.freeze()
