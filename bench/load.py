"""The load: client processes sending keep-alive HTTP requests to the gunicorn under test."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from http.client import HTTPConnection

from server import PORT


def run_client(port: int, requests: list[tuple], headers: dict) -> list[float]:
    """One client: keep-alive HTTP requests to ``port``, latencies in ms."""
    conn = HTTPConnection("127.0.0.1", port, timeout=60)
    latencies = []
    for method, path, body in requests:
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{port} {method} {path} -> {response.status}: {payload[:300]!r}")
    conn.close()
    return latencies


def _worker(job: tuple) -> list[float]:
    """One client process at the benchmark's server."""
    requests, headers = job
    return run_client(PORT, requests, headers)


def load(requests: list[tuple], clients: int, headers: dict) -> dict:
    """Spread ``requests`` over ``clients`` processes; latency percentiles and throughput."""
    shares = [(requests[i::clients], headers) for i in range(clients)]
    started = time.perf_counter()
    with ProcessPoolExecutor(clients) as pool:
        latencies = [ms for part in pool.map(_worker, shares) for ms in part]
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "n": len(latencies),
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "rps": len(latencies) / elapsed,
    }


def status_of(request: tuple, headers: dict) -> int:
    """The status one request answers with (whether a page or method exists yet)."""
    method, path, body = request
    conn = HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()
