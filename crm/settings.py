"""Settings, all read from the environment.

Defaults give a working development setup on an embedded SQLite database; production sets
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


DEBUG = env_bool("DJANGO_DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A guessable key in production would let anyone forge sessions and CSRF tokens.
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=1 for development."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif SECRET_KEY == _DEV_SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is the development default; set a real one.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Search (contract section 13): full text and trigram lookups and the pg_trgm migration;
    # harmless on SQLite, where search takes its fallback (crm.search).
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "crm",
    "customers",
    "products",
    "servicerequests",
    "jobs",
    "sla",
    "savedviews",
    "reports",
    "conversation",
    "assignment",
    "webhooks",
    "acceptance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crm.security.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm.context_processors.navigation",
                "savedviews.context_processors.saved_views",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serves concurrent requests only with WAL (readers never block the writer), write
    # transactions that take the lock at BEGIN (no deadlock when a reader upgrades to a
    # writer) and a busy timeout (a second writer waits instead of failing "database is
    # locked"). Persistent connections would pin WAL snapshots, so they are closed per request.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL"),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The Web API's objects are wide: one row with its nested objects joined. PostgreSQL
    # then spends far longer choosing a join order than running the query (measured on a
    # million requests: 57 ms planning for 1.4 ms execution). Every join we write is a left
    # join on a primary key from the row being read, so the written order is the plan.
    # JIT off: PostgreSQL compiles the expressions of any plan it costs high (a report's
    # count over a million requests), about 130 ms per report call spent again on every
    # call, and the short OLTP queries never gain from it (bench/results-reports.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c join_collapse_limit=1 -c from_collapse_limit=1 -c jit=off"
    )
    # Server-side parameters and prepared statements: a statement shape a connection has run
    # before is not planned again. Planning was most of the wide reads' database time
    # (show: 8 to 10 ms of SQL per call, 1 ms prepared, on a million requests). Behind a
    # pooler that cannot keep prepared statements (PgBouncer in transaction mode before
    # 1.21), set DATABASE_PREPARE_THRESHOLD to an empty value to turn this off.
    _PREPARE = os.environ.get("DATABASE_PREPARE_THRESHOLD", "2").strip()
    if _PREPARE:
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = int(_PREPARE)

# An optional read replica (README, "Scaling out"): the reports, the dashboard, search and the
# CSV exports read from it (crm.routers); writes, lists and show stay on the primary. Same
# options as the primary. Tests read the test database through it (a mirror): a replica is
# read-only, no test database can be created there.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    _replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True)
    if _replica["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be the same kind of database.")
    _replica["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    _replica["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["crm.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "crm.User"
AUTHENTICATION_BACKENDS = ["crm.backends.CaseInsensitiveModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Time and language ----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The organisation's time zone: Web API dates without an offset are read and written in it.
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app and package folders when nothing was collected (development,
# tests); production runs collectstatic and WhiteNoise serves STATIC_ROOT.
WHITENOISE_USE_FINDERS = True

# --- Cache, Redis and Celery ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Fails open (crm.cache): with Redis down or hung, pages and logins go on without the
    # cache after one short socket timeout instead of failing.
    _CACHE_TIMEOUT = float(os.environ.get("REDIS_CACHE_TIMEOUT", "0.5"))
    CACHES = {
        "default": {
            "BACKEND": "crm.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "crm"),
            "OPTIONS": {
                "socket_connect_timeout": _CACHE_TIMEOUT,
                "socket_timeout": _CACHE_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis, worker and beat still run for real: Kombu's filesystem transport keeps the
# queue in a folder of the project (./dev serve starts them next to the web server).
BROKER_FOLDER = BASE_DIR / "var" / "broker"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
# Tasks are acknowledged after they ran (acks late): a task a killed worker held goes back to
# the queue once this many seconds passed since it was taken. It must outlast the longest
# task (time limits of 90 s) and retry countdown (120 s); every task is safe to run twice.
CRM_TASK_VISIBILITY_TIMEOUT = env_int("CRM_TASK_VISIBILITY_TIMEOUT", 300)
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CRM_TASK_VISIBILITY_TIMEOUT}
else:
    (BROKER_FOLDER / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDER),
        "data_folder_out": str(BROKER_FOLDER),
        "control_folder": str(BROKER_FOLDER / "control"),
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Static schedule: exactly one beat process runs it (see the README).
CRM_SCAN_INTERVAL_SECONDS = env_int("CRM_SCAN_INTERVAL_SECONDS", 60)
# Webhooks (contract section 11): how often the sweep sends the deliveries that are due
# (retries, and any whose task was lost between a commit and its enqueue).
CRM_WEBHOOK_SWEEP_SECONDS = env_int("CRM_WEBHOOK_SWEEP_SECONDS", 5)
CELERY_BEAT_SCHEDULE = {
    "scan-due-service-requests": {
        "task": "servicerequests.scan_due",
        "schedule": CRM_SCAN_INTERVAL_SECONDS,
        "options": {"expires": CRM_SCAN_INTERVAL_SECONDS},
    },
    "purge-idempotency-keys": {"task": "crm.purge_idempotency_keys", "schedule": 3600},
    "scan-due-jobs": {
        "task": "jobs.scan_due",
        "schedule": CRM_SCAN_INTERVAL_SECONDS,
        "options": {"expires": CRM_SCAN_INTERVAL_SECONDS},
    },
}
CRM_SCAN_BATCH_SIZE = env_int("CRM_SCAN_BATCH_SIZE", 500)
CELERY_BEAT_SCHEDULE["send-due-webhook-deliveries"] = {
    "task": "webhooks.deliver_due",
    "schedule": CRM_WEBHOOK_SWEEP_SECONDS,
    "options": {"expires": CRM_WEBHOOK_SWEEP_SECONDS},
}
# Acceptance links whose after-commit mail task was lost (acceptance.links).
CELERY_BEAT_SCHEDULE["send-unmailed-acceptance-links"] = {
    "task": "acceptance.send_unmailed_links",
    "schedule": 60,
    "options": {"expires": 60},
}
# 1: refuse to send a webhook to a host that resolves to a loopback, private, link-local (or
# other non-public) address, checked when sending, since DNS may change after the URL was
# accepted; the connection then goes to the address checked. Off by default: receivers on
# the same machine or network are the common case of a small deployment.
CRM_WEBHOOK_BLOCK_PRIVATE = env_bool("CRM_WEBHOOK_BLOCK_PRIVATE", False)
# The whole exchange with a receiver (resolve, connect, send, read its status), in seconds.
CRM_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("CRM_WEBHOOK_TIMEOUT_SECONDS") or 5)
# Seconds before each retry of a failed delivery; after the last one it is FAILED.
CRM_WEBHOOK_RETRY_DELAYS = [
    int(seconds)
    for seconds in env_list(
        "CRM_WEBHOOK_RETRY_DELAYS", ["10", "60", "300", "1800", "7200", "21600", "43200"]
    )
]
# Each sweep reads this many due deliveries at a time, and a task sends for at most this
# long (the next sweep goes on), well under its time limit (webhooks.tasks).
CRM_WEBHOOK_BATCH_SIZE = env_int("CRM_WEBHOOK_BATCH_SIZE", 100)
CRM_WEBHOOK_BATCH_BUDGET_SECONDS = env_int("CRM_WEBHOOK_BATCH_BUDGET_SECONDS", 60)


def _period(text: str) -> tuple[int, str]:
    value, _, unit = text.strip().partition(" ")
    try:
        return int(value), unit.strip().upper()
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"CRM_DEFAULT_WARNING_PERIOD: {text!r} is not '<n> <UNIT>'"
        ) from exc


# Warning period for types that have none: flag requests due within it.
CRM_DEFAULT_WARNING_PERIOD = _period(os.environ.get("CRM_DEFAULT_WARNING_PERIOD", "1 DAYS"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "crm@localhost")
# The SMTP server (and the file backend's folder) when EMAIL_BACKEND uses one (contract 12).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
# Links in mail to customers start here; the acceptance links expire after these many days.
CRM_PUBLIC_URL = os.environ.get("CRM_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
CRM_ACCEPTANCE_LINK_DAYS = env_int("CRM_ACCEPTANCE_LINK_DAYS", 14)

# --- Web API --------------------------------------------------------------------------------
CRM_ORGANISATION = os.environ.get("CRM_ORGANISATION", "CRMDEMO")
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo")
CRM_TOKEN_LIFETIME = timedelta(hours=2)
# Failed logins allowed per user name (strictly) and per client address (loosely: many
# people may share one address behind a NAT or proxy) within the window.
CRM_LOGIN_MAX_FAILURES = env_int("CRM_LOGIN_MAX_FAILURES", 5)
CRM_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("CRM_LOGIN_MAX_FAILURES_PER_ADDRESS", 100)
CRM_LOGIN_WINDOW_SECONDS = env_int("CRM_LOGIN_WINDOW_SECONDS", 900)
# How long a login waits for its turn while others of the same user name are being checked.
CRM_LOGIN_WAIT_SECONDS = env_int("CRM_LOGIN_WAIT_SECONDS", 15)
# The header a trusted proxy in front of the application sets to the client's address
# (e.g. X-Forwarded-For), and how many proxies append to it. Empty: the connection's own
# address (a header no proxy overwrites could be forged by any client).
CRM_CLIENT_ADDRESS_HEADER = os.environ.get("CRM_CLIENT_ADDRESS_HEADER", "").strip()
CRM_TRUSTED_PROXY_COUNT = max(1, env_int("CRM_TRUSTED_PROXY_COUNT", 1))
CRM_API_MAX_RESULTS = 500
CRM_API_DEFAULT_RESULTS = 50
# How long after completion a service request may still be reopened from its staff page.
CRM_REOPEN_DAYS = env_int("CRM_REOPEN_DAYS", 14)

# --- Attachments (contract section 14) --------------------------------------------------------
# Files attached to comments live in STORAGES["default"]: MEDIA_ROOT on local disk unless
# the deployment points it at an object store (README, "Attachments"). They are never served
# from MEDIA_URL: every download goes through the view that checks who may see it.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", "") or BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
CRM_ATTACHMENT_MAX_MB = env_int("CRM_ATTACHMENT_MAX_MB", 25)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["crm.api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "crm.api.schema.MethodSchema",
    "EXCEPTION_HANDLER": "crm.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Service management Web API (CRM.COM compatible)",
    "DESCRIPTION": (
        "Every method lives at `/crmapi/rest/v2/<resource>/<action>`. GET methods take their "
        "parameters in the query string (identifiers flattened as `param=key=value`); POST "
        "methods take a JSON object. Every response uses the envelope "
        "`{status: {code, message, description}, data}`."
    ),
    "VERSION": "v2",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/crmapi/rest/v2/",
    # Enums stay inline where the representation declares them: the same field name (e.g.
    # life_cycle_state) has different values in different objects.
    "POSTPROCESSING_HOOKS": [],
}

# --- Staff pages ----------------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "sr-queue-default"
LOGOUT_REDIRECT_URL = "login"
# Messages can carry secrets shown once (a new Web API key): keep them server-side, not in a
# cookie the browser could keep.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Security -------------------------------------------------------------------------------
# Headers that cost nothing anywhere are always on. The HTTPS settings follow DJANGO_HTTPS
# (each can also be set on its own): crm.production_settings turns it on by default; here it
# is off by default because the test suite runs with debug off over plain HTTP, and debug
# (development) keeps it off.


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` (or ``X-Forwarded-Proto=https``): the header a trusted proxy
    sets to say the client used HTTPS. Only set it when a proxy always overwrites it."""
    name, _, expected = value.strip().partition("=")
    if not name.strip():
        return None
    meta = "HTTP_" + name.strip().upper().replace("-", "_")
    return meta, expected.strip() or "https"


HTTPS = env_bool("DJANGO_HTTPS", False) and not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
# Health probes come from inside the container or the load balancer over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", HTTPS)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", HTTPS)
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", ""))
SESSION_COOKIE_HTTPONLY = True
# A staff session lasts a working day (10 hours by default), not Django's two weeks: a
# session left open on a shared computer ends the same evening.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 10 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (crm.security.ContentSecurityPolicyMiddleware): the staff pages and
# the admin load scripts and styles only from this origin and have no inline script. The one
# hash allows the <style> element htmx inserts for its request indicator (the test suite
# recomputes it from static/vendor, so upgrading htmx cannot silently break it).
HTMX_INDICATOR_STYLE_HASH = "'sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk='"
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", HTMX_INDICATOR_STYLE_HASH],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# The Swagger UI page ships an inline script and inline styles: it gets no policy.
CONTENT_SECURITY_POLICY_EXEMPT = [r"^crmapi/rest/v2/docs/$"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "crm.security.ContentSecurityPolicyMiddleware",
)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
