"""The production settings path: `manage.py check --deploy` finds nothing, every HTTPS setting
follows the environment, and unsafe configurations refuse to start. Each case runs in a fresh
interpreter with only the environment it names, as a deployment would."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "crm.production_settings",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "postgres://crm:secret@db.internal:5432/crm",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "DJANGO_ALLOWED_HOSTS": "crm.example.com",
}
OWN_PREFIXES = ("DJANGO_", "DATABASE_", "REDIS_", "CRM_", "CELERY_", "EMAIL_")


def run(args: list[str], **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def check_deploy(**env) -> subprocess.CompletedProcess:
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)


NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "STORAGES",
    "WHITENOISE_USE_FINDERS",
    "STATIC_ROOT",
    "MIDDLEWARE",
]


def settings_of(**env) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {NAMES!r}}}, default=str))"
    )
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_reports_no_issue_with_the_production_settings():
    result = check_deploy(**PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_would_say_so_if_https_were_off():
    """The test above can fail: the development settings with debug off warn."""
    result = check_deploy(**{**PRODUCTION, "DJANGO_SETTINGS_MODULE": "crm.settings"})
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_production_defaults_are_secure():
    values = settings_of(**PRODUCTION)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # only when a proxy is declared
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert values["WHITENOISE_USE_FINDERS"] is False
    assert "crm.security.ContentSecurityPolicyMiddleware" in values["MIDDLEWARE"]


def test_every_https_setting_follows_the_environment():
    values = settings_of(
        **PRODUCTION,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="3600",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        DJANGO_SECURE_HSTS_PRELOAD="false",
        DJANGO_SESSION_COOKIE_SECURE="no",
        DJANGO_CSRF_COOKIE_SECURE="off",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        DJANGO_STATIC_ROOT="/srv/static",
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["STATIC_ROOT"] == "/srv/static"
    custom = settings_of(**PRODUCTION, DJANGO_SECURE_PROXY_SSL_HEADER="X-Scheme=secure")
    assert custom["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_SCHEME", "secure"]


def test_debug_relaxes_https_in_the_development_settings():
    values = settings_of(DJANGO_SETTINGS_MODULE="crm.settings", DJANGO_DEBUG="1", DJANGO_HTTPS="1")
    assert values["DEBUG"] is True
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
    # The headers that cost nothing stay on.
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True


def test_production_refuses_debug():
    result = run(["manage.py", "check"], **PRODUCTION, DJANGO_DEBUG="1")
    assert result.returncode != 0
    assert "does not run with DJANGO_DEBUG on" in result.stderr


def test_production_refuses_to_guess_the_database():
    env = {k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"}
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_production_refuses_a_missing_or_development_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    assert "DJANGO_SECRET_KEY is not set" in run(["manage.py", "check"], **env).stderr
    from crm.settings import _DEV_SECRET_KEY

    result = run(["manage.py", "check"], **env, DJANGO_SECRET_KEY=_DEV_SECRET_KEY)
    assert result.returncode != 0
