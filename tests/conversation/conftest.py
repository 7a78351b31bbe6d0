"""Fixtures of the conversation tests: a throwaway MEDIA_ROOT, records, files."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from jobs.models import Job
from tests.factories import make_service_request


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Every stored file goes to a folder of the test, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[str]:
    """The files under ``root``, as paths relative to it."""
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real PNG (red pixels) that any image reader opens."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def sr(demo):
    """A PENDING request with no privacy level and no group: every user may see it."""
    return make_service_request()


@pytest.fixture
def restricted_sr(demo):
    """A request at the Restricted level: the agent (clearance Public) may not see it."""
    return make_service_request(privacy_level=demo["restricted"])


@pytest.fixture
def job(demo) -> Job:
    """The demo's JOB000814."""
    return Job.objects.get(number="JOB000814")
