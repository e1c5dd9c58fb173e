"""Settings for the test suite: the same real PostgreSQL and Redis as `make run`."""

from .base import *  # noqa: F403
from .base import resolve_service_urls, service_settings

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-2b8d4e6f"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only

_services = service_settings(*resolve_service_urls(allow_embedded=True))
# A separate queue and cache prefix, so a `make run` worker sharing the
# embedded Redis never takes a task the tests sent to their own worker.
_services["CACHES"]["default"]["KEY_PREFIX"] = "test"
globals().update(_services)
CELERY_TASK_DEFAULT_QUEUE = "salesops-test"
