"""Settings for `make run` and a developer's machine."""

from .base import *  # noqa: F403
from .base import env, resolve_service_urls, service_settings

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Only for local use; production reads DJANGO_SECRET_KEY and has no default.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-secret-key-not-for-production-7f3c9a1e")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
WHITENOISE_USE_FINDERS = True

globals().update(service_settings(*resolve_service_urls(allow_embedded=True)))
