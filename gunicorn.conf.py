"""gunicorn settings, every one overridable from the environment.

    gunicorn -c gunicorn.conf.py          # serves crm.wsgi:application

Run it with ``DJANGO_SETTINGS_MODULE=crm.production_settings`` in production.
"""

import gc
import os

from crm import serving


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus() -> int:
    # The CPUs this process may run on (a container's cpuset), not the host's count.
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "crm.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"

# Processes for CPU, threads to overlap database waits. 2 x CPUs + 1 is gunicorn's own
# rule of thumb; each worker holds one database connection per thread.
workers = _int("GUNICORN_WORKERS", 2 * _cpus() + 1)
threads = _int("GUNICORN_THREADS", 2)
worker_class = "gthread" if threads > 1 else "sync"

# A request taking longer than this is killed and logged (the Web API has no long calls).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (deploys, docker stop) workers finish their requests for this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle each worker after a bounded number of requests so slow growth (fragmentation,
# caches) cannot add up; the jitter keeps the workers from restarting all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Logs to stdout/stderr, where the container engine collects them; an empty
# GUNICORN_ACCESS_LOG turns the access log off (the benchmark does).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# A GET carries its token in the query string: the access log masks it (crm.serving).
logger_class = "crm.serving.MaskingLogger"

# gunicorn answers a request line or header over its limits itself, before Django: the
# limits are as high as gunicorn allows (the Web API's longest GET, every fields_set name
# with flattened identifiers, stays well under them), and what it answers is the Web API's
# JSON envelope, not an HTML page (crm.serving.write_error).
limit_request_line = _int("GUNICORN_LIMIT_REQUEST_LINE", 8190)
limit_request_field_size = _int("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 16384)
serving.install()

# The application is imported once, in the master, before the workers fork: a worker that
# max_requests recycles starts in milliseconds instead of importing Django again while
# requests queue behind it (that restart was the benchmark's worst latencies).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"

# Garbage collection: what the master loaded is frozen before the fork, so a worker's full
# collections skip it (and its pages stay shared between workers); a larger young
# generation collects less often while a request builds its hundreds of model objects.
GC_THRESHOLD = _int("GUNICORN_GC_THRESHOLD", 20_000)


def pre_fork(server, worker):
    # No database connection may be inherited by a worker (none is opened on import, but a
    # shared socket would corrupt both sides).
    from django.db import connections

    connections.close_all()
    gc.freeze()


def post_fork(server, worker):
    gc.set_threshold(GC_THRESHOLD, 10, 10)


# The heartbeat file on tmpfs: an overlay filesystem can stall it and get workers killed.
SHM = "/dev/shm"  # noqa: S108 (a per-worker heartbeat file gunicorn creates securely)
if os.path.isdir(SHM):
    worker_tmp_dir = SHM

# Proxies whose X-Forwarded-* headers gunicorn trusts (comma-separated addresses, or *
# when only the proxy can reach gunicorn); Django's side is DJANGO_SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
