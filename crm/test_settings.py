"""Settings for the test suite: the real settings with a throwaway key and a fast hasher."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-only-not-a-secret")

from crm.settings import *  # noqa: F403

# Hashing demo passwords with the production hasher would dominate the suite's run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's shared in-memory database: threads in the concurrency tests and
    # the live server then meet the same WAL, busy-timeout and locking as production.
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    # One file per test run, so that runs side by side do not share it.
    _name = f"test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / _name)}  # noqa: F405

# Attachments a test stores (comments, the fuzz run) go to a folder of this run, removed when
# it ends; conversation tests also give each test a folder of its own.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="crm-test-media-"))  # noqa: F405
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

# Tasks run in-process unless a test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Runs side by side (pytest-xdist, or two sessions) share Redis: each keeps its own keys.
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405
