"""Settings shared by every environment; the others import * from here."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)


def resolve_service_urls(*, allow_embedded: bool) -> tuple[str, str]:
    """Return (DATABASE_URL, REDIS_URL): the configured ones, else the embedded servers."""
    database_url = env("DATABASE_URL", default="")
    redis_url = env("REDIS_URL", default="")
    if (not database_url or not redis_url) and not allow_embedded:
        raise environ.ImproperlyConfigured("DATABASE_URL and REDIS_URL must be set in production.")
    if not database_url:
        from salesops import embedded

        database_url = embedded.ensure_postgres()
    if not redis_url:
        from salesops import embedded

        redis_url = embedded.ensure_redis()
    return database_url, redis_url


def database_settings(database_url: str) -> dict:
    config = env.db_url_config(database_url)
    config["ATOMIC_REQUESTS"] = True
    # Django's native psycopg 3 pool; CONN_MAX_AGE must stay 0 with a pool.
    config["CONN_MAX_AGE"] = 0
    config["OPTIONS"] = {
        "pool": {
            "min_size": 1,
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=8),
            "timeout": 20,
        }
    }
    return config


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "salesops.org",
    "targets",
    "activities",
    "renewals",
    "bancassurance",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "salesops.middleware.TenantLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # AxesMiddleware last: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salesops.urls"
WSGI_APPLICATION = "salesops.wsgi.application"
AUTH_USER_MODEL = "org.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "salesops.navigation.navigation",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Brute-force lock-out: 5 failures for one username from one address lock
# that pair for 15 minutes (locking the username alone would let anyone lock
# a colleague out).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "salesops.lockout.lockout_response"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "salesops.staticfinders.PlotlyJsFinder",
]

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes "not logged in" a 401
    # (API.md), where session auth alone would answer 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "salesops.api.permissions.IsActiveMember",
    ],
    "DEFAULT_PAGINATION_CLASS": "salesops.api.views.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "salesops.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SalesOps API",
    "DESCRIPTION": "Targets, activities, renewals, bancassurance and dashboards for insurance sales teams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files: many users sit on closed intranets.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a ``kind``; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "OrgUnitKindEnum": "salesops.org.models.OrgUnit.Kind",
        "AllocationChangeKindEnum": "targets.models.AllocationChange.Kind",
        "RenewalCaseStatusEnum": "renewals.models.RenewalCase.Status",
        "ServiceTicketStatusEnum": "renewals.models.ServiceTicket.Status",
        "BranchContactKindEnum": "bancassurance.models.ContactKind",
        "BranchEventKindEnum": "bancassurance.models.EventKind",
        "BranchStaffRoleEnum": "bancassurance.models.StaffRole",
        # The members' roles keep the name they had before branch staff roles came.
        "RoleEnum": "salesops.org.models.Member.Role",
        "ScoredRoleEnum": "targets.apis.scorecards.SCORED_ROLE_CHOICES",
        "ScorecardMeasureEnum": "targets.models.Measure",
        "ContestMeasureEnum": "targets.models.Contest.ContestMeasure",
        "ContestRuleEnum": "targets.models.Contest.Rule",
        "ContestStatusEnum": "targets.selectors.contests.ContestStatus",
        "ImprovementPlanStatusEnum": "targets.models.ImprovementPlan.Status",
        "FunnelStageEnum": "activities.models.customers.Customer.Stage",
        "BookTierEnum": "activities.models.customers.Customer.Tier",
        "CustomerSourceEnum": "activities.models.customers.Customer.Source",
        "CustomerConsentEnum": "activities.models.customers.Customer.Consent",
        # Keep the names they had before the customer book's stage and tier came.
        "StageEnum": "bancassurance.models.Stage",
        "TierEnum": "salesops.org.models.Member.Tier",
    },
}

# Celery: Redis broker; tasks are idempotent and acknowledged late, so a
# worker killed mid-task hands the task to another instead of losing it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Publishing tries the broker once: a write whose on-commit wake-up finds
# Redis down must not wait for it (its outbox request is already stored).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
# Beat: the outbox sweep serves refreshes requested while Redis or the
# worker was down; the nightly reconcile repairs any drift and raises alerts.
CELERY_BEAT_SCHEDULE: dict = {
    "rollups-sweep": {"task": "dashboards.tasks.sweep_rollup_requests", "schedule": 30.0},
    "rollups-reconcile": {
        "task": "dashboards.tasks.reconcile_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # The 48-hour follow-up window and the ticket SLAs (2 h for normal).
    "renewals-check": {"task": "renewals.tasks.check_all", "schedule": 300.0},
    # Contests that ended yesterday are frozen; improvement plans due are opened.
    "incentives-nightly": {"task": "targets.tasks.incentives_all", "schedule": crontab(hour=0, minute=20)},
    # The customer book's A/B/C tiers on each tenant's rules (activities.services.tiers).
    "customer-tiers-nightly": {"task": "activities.tasks.customer_tiers_all", "schedule": crontab(hour=0, minute=40)},
}

# E-mail (alerts): EMAIL_URL as django-environ reads it, e.g.
# smtp+tls://user:password@smtp.example.com:587; without one, e-mails are
# printed to the console (the tests use Django's in-memory outbox).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SalesOps <salesops@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"axes": {"level": "WARNING"}},
}


def service_settings(database_url: str, redis_url: str) -> dict:
    """Return the settings that depend on where PostgreSQL and Redis are."""
    return {
        "DATABASES": {"default": database_settings(database_url)},
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
            }
        },
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
    }
