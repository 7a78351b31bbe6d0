"""A download measured whole: one streamed response (the CSV export) read to its end, its
wall time, and the peak resident memory of the web workers while it was served.

The peak comes from the kernel: ``VmHWM`` ("high water mark") of each worker, reset just
before the download by writing 5 to ``/proc/<pid>/clear_refs`` (Linux 4.0 and later), so it
is the peak of this download alone and not of whatever the worker served before. A thread
also samples ``VmRSS`` every 50 ms, which holds even where the reset is not allowed.
"""

from __future__ import annotations

import threading
import time
from http.client import HTTPConnection
from pathlib import Path

from server import PORT

READ_BYTES = 1 << 20


def workers(master: int) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _reset_peak(pids: list[int]) -> bool:
    try:
        for pid in pids:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class Sampler(threading.Thread):
    """The largest ``VmRSS`` of ``pids`` seen while it runs, in kB."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.peak, self.done = pids, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max([self.peak, *(_status_kb(pid, "VmRSS") for pid in self.pids)])
            time.sleep(0.05)


def download(path: str, headers: dict, master: int) -> dict:
    """GET ``path`` from the gunicorn whose master is ``master``, read to the end: seconds to
    the first byte and to the last, bytes, lines, and the workers' memory in MB (before, and
    the peak while serving: by the kernel's mark if it could be reset, and as sampled)."""
    pids = workers(master)
    before = max(_status_kb(pid, "VmRSS") for pid in pids)
    reset = _reset_peak(pids)
    sampler = Sampler(pids)
    sampler.start()
    conn = HTTPConnection("127.0.0.1", PORT, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    first, size, lines = None, 0, 0
    while chunk := response.read1(READ_BYTES):
        first = first or time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    if response.status != 200:
        raise RuntimeError(f"GET {path} -> {response.status}")
    marked = max(_status_kb(pid, "VmHWM") for pid in pids) if reset else None
    return {
        "seconds": seconds,
        "first_byte": first or seconds,
        "bytes": size,
        "lines": lines,
        "rss_before_mb": before / 1024,
        "peak_mb": (marked or sampler.peak) / 1024,
        "sampled_peak_mb": sampler.peak / 1024,
        "peak_from": "VmHWM" if reset else "VmRSS samples",
    }
