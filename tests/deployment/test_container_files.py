"""Dockerfile, docker-compose.yml, .env.example and gunicorn.conf.py. No Docker engine runs
here, so the container files are checked for their shape, and every command they run that can
run without Docker (collectstatic as the image builds it, gunicorn's configuration) is run."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING = ("web", "worker", "beat", "postgres", "redis")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, sep, value = line.partition("=")
            assert sep, line
            values[name.strip()] = value.strip()
    return values


def command(service: dict) -> list[str]:
    cmd = service["command"]
    return shlex.split(cmd) if isinstance(cmd, str) else cmd


# -- docker-compose.yml ----------------------------------------------------------------------------


def test_compose_has_the_five_services_and_a_one_off_migration(services):
    assert set(services) == {"web", "worker", "beat", "postgres", "redis", "migrate"}


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_every_long_running_service_has_a_health_check(services, name):
    check = services[name]["healthcheck"]
    assert check["test"][0] in ("CMD", "CMD-SHELL")
    for key in ("interval", "timeout", "retries"):
        assert key in check, (name, key)


def test_web_worker_and_beat_wait_for_healthy_database_and_redis_and_the_migration(services):
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["postgres"] == {"condition": "service_healthy"}, name
        assert depends["redis"] == {"condition": "service_healthy"}, name
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
    migrate = services["migrate"]
    assert command(migrate)[-3:] == ["manage.py", "migrate", "--no-input"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_exactly_one_beat_and_no_beat_inside_workers(services):
    assert services["beat"]["deploy"]["replicas"] == 1
    assert command(services["beat"])[:4] == ["celery", "-A", "crm", "beat"]
    worker = command(services["worker"])
    assert worker[:4] == ["celery", "-A", "crm", "worker"]
    # A worker with an embedded beat would add a scheduler per worker as they scale out.
    assert "--beat" not in worker
    assert "-B" not in worker
    beats = [n for n, s in services.items() if "command" in s and "beat" in command(s)]
    assert beats == ["beat"]


def test_web_runs_gunicorn_with_the_config_and_probes_health(services):
    web = services["web"]
    assert command(web) == ["gunicorn", "-c", "gunicorn.conf.py"]
    assert web["ports"] == ["${WEB_BIND:-127.0.0.1}:${WEB_PORT:-8000}:8000"]
    probe = " ".join(web["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/health/" in probe
    assert web["stop_grace_period"] == "40s"  # past gunicorn's 30 s graceful timeout


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_the_production_settings_from_the_env_file(services, name):
    service = services[name]
    assert service["build"] == "."
    assert service["env_file"] == ".env"
    env = service["environment"]
    assert env["DJANGO_SETTINGS_MODULE"] == "crm.production_settings"
    assert env["DATABASE_URL"].startswith("postgres://crm:${POSTGRES_PASSWORD")
    assert env["DATABASE_URL"].endswith("@postgres:5432/crm")
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    # The container's own probe sends Host: 127.0.0.1.
    assert env["DJANGO_ALLOWED_HOSTS"].endswith(",127.0.0.1")


def test_compose_holds_no_secret_and_every_variable_is_in_the_example(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z_]+)(?::?[-?][^}]*)?\}", text))
    defaulted = set(re.findall(r"\$\{([A-Z_]+):-", text))
    example = env_example()
    assert used - defaulted <= set(example), used - defaulted - set(example)
    for service in compose["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if "SECRET" in name or "PASSWORD" in name:
                assert value.startswith("${"), name  # from .env, never written here
            assert "DJANGO_SECRET_KEY" not in name
    postgres = compose["services"]["postgres"]["environment"]
    assert postgres["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert set(compose["volumes"]) == {"postgres-data", "redis-data"}


def test_health_probe_commands_compile(services):
    for name in ("web", "beat"):
        test = services[name]["healthcheck"]["test"]
        assert test[1:3] == ["python", "-c"]
        compile(test[3], f"{name} health check", "exec")


# -- .env.example ----------------------------------------------------------------------------------


def test_env_example_lists_the_required_settings_and_holds_no_secret():
    example = env_example()
    for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "POSTGRES_PASSWORD"):
        assert name in example
    for name, value in example.items():
        if any(word in name for word in ("SECRET", "PASSWORD")):
            assert value == "", f"{name} must be empty in the example"
    assert not (ROOT / ".env").exists() or ".env" in (ROOT / ".gitignore").read_text()


# -- Dockerfile and .dockerignore ------------------------------------------------------------------


def instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            rows.append((keyword.upper(), " ".join(rest.split())))
    return rows


def test_dockerfile_shape():
    rows = instructions()
    keywords = [k for k, _ in rows]
    assert rows[0] == ("FROM", "python:3.11-slim")
    # Dependencies from pyproject.toml alone, before the code: a code change reuses them.
    assert keywords.index("COPY") == list(rows).index(("COPY", "pyproject.toml ./"))
    assert ("RUN", "pip install .") in rows
    assert rows.index(("RUN", "pip install .")) < rows.index(("COPY", ". ."))
    # The process runs as a user of its own, not root.
    users = [v for k, v in rows if k == "USER"]
    assert users
    assert users[-1] not in ("root", "0")
    assert keywords.index("USER") < keywords.index("CMD")
    assert rows[-1] == ("CMD", '["gunicorn", "-c", "gunicorn.conf.py"]')
    env = " ".join(v for k, v in rows if k == "ENV")
    assert "DJANGO_SETTINGS_MODULE=crm.production_settings" in env


def test_dockerfile_bakes_in_no_secret():
    for keyword, value in instructions():
        if keyword in ("ENV", "ARG"):
            assert not re.search(r"SECRET|PASSWORD|DATABASE_URL|REDIS_URL", value), value
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".env", ".git", ".venv", "var", "staticfiles", "db.sqlite3*"):
        assert path in ignored
    assert "!.env.example" in ignored


def test_the_image_build_collectstatic_step_runs(tmp_path):
    """The Dockerfile's collectstatic line, with its own throwaway variables, run here (into
    a temporary folder instead of /app/staticfiles)."""
    (step,) = [v for k, v in instructions() if k == "RUN" and "collectstatic" in v]
    words = shlex.split(step.split("&&")[0])
    assignments = dict(w.split("=", 1) for w in words if re.match(r"^[A-Z_]+=", w))
    argv = [w for w in words if not re.match(r"^[A-Z_]+=", w)]
    assert argv == ["python", "manage.py", "collectstatic", "--no-input"]
    assert set(assignments) == {"DJANGO_SECRET_KEY", "DATABASE_URL"}
    assignments["DATABASE_URL"] = f"sqlite:///{tmp_path / 'build.sqlite3'}"
    own = ("DJANGO_", "DATABASE_", "REDIS_", "CRM_", "CELERY_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(
        assignments,
        DJANGO_SETTINGS_MODULE="crm.production_settings",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    result = subprocess.run(
        [sys.executable, *argv[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "css/crm.css" in manifest
    assert "vendor/htmx-2.0.11.min.js" in manifest
    assert list((tmp_path / "static" / "css").glob("crm.*.css.gz"))


# -- gunicorn.conf.py ------------------------------------------------------------------------------


def gunicorn_config(**env) -> dict[str, str]:
    """The settings gunicorn itself resolves from the file (unknown names would be dropped)."""
    own = ("GUNICORN_", "PORT", "FORWARDED_ALLOW_IPS")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "crm.settings", "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = (line.partition("=") for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, _, value in rows}


def test_gunicorn_defaults():
    config = gunicorn_config()
    assert config["wsgi_app"] == "crm.wsgi:application"
    assert config["bind"] == "['0.0.0.0:8000']"
    assert config["workers"] == str(2 * len(os.sched_getaffinity(0)) + 1)
    assert config["threads"] == "2"
    assert config["worker_class"] == "gthread"
    assert config["timeout"] == "30"
    assert config["graceful_timeout"] == "30"
    assert config["max_requests"] == "1000"
    assert config["max_requests_jitter"] == "100"
    assert config["accesslog"] == "-"
    assert config["errorlog"] == "-"
    assert config["preload_app"] == "True"


def test_gunicorn_follows_the_environment():
    config = gunicorn_config(
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="1",
        GUNICORN_TIMEOUT="10",
        GUNICORN_GRACEFUL_TIMEOUT="20",
        GUNICORN_MAX_REQUESTS="50",
        GUNICORN_MAX_REQUESTS_JITTER="5",
        GUNICORN_BIND="127.0.0.1:9000",
        FORWARDED_ALLOW_IPS="10.0.0.2",
    )
    assert config["workers"] == "3"
    assert config["worker_class"] == "sync"  # one thread: the plain worker
    assert (config["timeout"], config["graceful_timeout"]) == ("10", "20")
    assert (config["max_requests"], config["max_requests_jitter"]) == ("50", "5")
    assert config["bind"] == "['127.0.0.1:9000']"
    assert config["forwarded_allow_ips"] == "['10.0.0.2']"
    assert gunicorn_config(PORT="8123")["bind"] == "['0.0.0.0:8123']"
    assert gunicorn_config(GUNICORN_PRELOAD="0")["preload_app"] == "False"
    assert gunicorn_config(GUNICORN_ACCESS_LOG="")["accesslog"] == "None"
