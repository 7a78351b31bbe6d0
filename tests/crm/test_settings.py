"""Settings come from the environment and refuse unsafe production defaults."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_clean(args: list[str], **env) -> subprocess.CompletedProcess:
    """A Python process in the project with none of the project's variables but ``env``."""
    own = ("DJANGO_", "DATABASE_", "REDIS_", "CRM_", "CELERY_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def load_settings(**env) -> subprocess.CompletedProcess:
    code = "import crm.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"
    return run_clean(["-c", code], **env)


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = load_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_refuses_the_development_key_when_debug_is_off():
    from crm.settings import _DEV_SECRET_KEY

    result = load_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=_DEV_SECRET_KEY)
    assert result.returncode != 0


def test_debug_runs_on_embedded_sqlite_without_any_setting():
    result = load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


def test_database_url_selects_postgresql():
    result = load_settings(
        DJANGO_SECRET_KEY="x" * 50, DATABASE_URL="postgres://user@127.0.0.1:5432/crm"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.postgresql"]


def postgresql_options(**env) -> dict:
    result = run_clean(
        ["-c", "import crm.settings as s; print(s.DATABASES['default']['OPTIONS'])"],
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://user@127.0.0.1:5432/crm",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout)


def test_postgresql_prepares_statements_unless_turned_off():
    options = postgresql_options()
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 2
    assert "join_collapse_limit=1" in options["options"]
    assert postgresql_options(DATABASE_PREPARE_THRESHOLD="5")["prepare_threshold"] == 5
    off = postgresql_options(DATABASE_PREPARE_THRESHOLD="")
    assert "server_side_binding" not in off
    assert "prepare_threshold" not in off


def test_manage_py_on_a_checkout_needs_no_setting():
    result = run_clean(["manage.py", "makemigrations", "--check", "--dry-run"])
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_manage_py_still_refuses_when_told_debug_is_off_or_given_settings():
    assert (
        "DJANGO_SECRET_KEY is not set" in run_clean(["manage.py", "check"], DJANGO_DEBUG="0").stderr
    )
    result = run_clean(["manage.py", "check"], DJANGO_SETTINGS_MODULE="crm.settings")
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_served_processes_still_refuse_without_a_secret_key():
    result = run_clean(["-c", "import crm.wsgi"])
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_killed_workers_tasks_come_back_within_minutes():
    """Tasks are acknowledged late and, on Redis, redelivered once the visibility timeout
    passes since a (killed) worker took them: five minutes, not Celery's default hour. Every
    task's time limit and retry delay stays under it, so a slow task is never run twice."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'crm.settings'; "
        "django.setup(); "
        "from django.conf import settings as s; from crm.celery import app; "
        "app.loader.import_default_modules(); "
        "tasks = [t for n, t in app.tasks.items() if not n.startswith('celery.')]; "
        "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], s.CELERY_TASK_ACKS_LATE, "
        "max(t.time_limit or 0 for t in tasks), "
        "max(getattr(t, 'retry_backoff_max', 0) or 0 for t in tasks), len(tasks))"
    )
    result = run_clean(
        ["-c", code], DJANGO_SECRET_KEY="x" * 50, REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert result.returncode == 0, result.stderr
    visibility, acks_late, longest, backoff, count = result.stdout.split()
    assert (int(visibility), acks_late) == (300, "True")
    assert int(longest) < int(visibility)
    assert int(backoff) < int(visibility)
    assert int(count) >= 4


def test_sessions_last_ten_hours_unless_told_otherwise():
    code = "import crm.settings as s; print(s.SESSION_COOKIE_AGE)"
    assert run_clean(["-c", code], DJANGO_DEBUG="1").stdout.strip() == "36000"
    told = run_clean(["-c", code], DJANGO_DEBUG="1", DJANGO_SESSION_COOKIE_AGE="3600")
    assert told.stdout.strip() == "3600"
