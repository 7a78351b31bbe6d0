"""Production settings: ``DJANGO_SETTINGS_MODULE=crm.production_settings``.

The settings of :mod:`crm.settings`, all still read from the environment, with production
defaults: HTTPS on (SSL redirect, one year of HSTS with subdomains and preload, Secure
cookies; each can be turned off by its variable), debug refused, an explicit database,
and static files collected by ``collectstatic`` with hashed, compressed names that WhiteNoise
serves with far-future cache headers. ``manage.py check --deploy`` reports nothing on it.
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_HTTPS", "1")

from crm.settings import *  # noqa: F403
from crm.settings import DATABASES, DEBUG, STORAGES, env_bool, env_int

if DEBUG:
    raise ImproperlyConfigured("crm.production_settings does not run with DJANGO_DEBUG on.")
if not os.environ.get("DATABASE_URL"):
    # The embedded SQLite default would put production data inside the container.
    raise ImproperlyConfigured("DATABASE_URL is not set; production needs an explicit database.")

for _database in DATABASES.values():  # the primary, and the replica if there is one
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast (and let /health/ answer) instead of hanging on an unreachable server.
        _database["OPTIONS"] = {**_database.get("OPTIONS", {})}
        _database["OPTIONS"].setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))

STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or STATIC_ROOT  # noqa: F405
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Serve only what collectstatic wrote: hashed names, precompressed, cached for a year.
WHITENOISE_USE_FINDERS = False

# Notification mail (EMAIL_BACKEND and DEFAULT_FROM_EMAIL come from crm.settings).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405
