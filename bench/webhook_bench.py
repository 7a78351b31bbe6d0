"""Webhooks in the benchmark (issue 16): subscriptions present while a scenario runs, and the
sender's throughput in this process against a local receiver in a process of its own.

(Not named ``webhooks``: bench/ comes first on the path and would hide the app.)"""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager

# A receiver that answers 200 to every POST, in its own process so that it does not share
# this process's interpreter lock with the sender it measures; it prints its port.
RECEIVER = """
import http.server, sys

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


@contextmanager
def receiver():
    """The local receiver's URL while it runs."""
    process = subprocess.Popen(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _subscribe(url: str, events: list[str], description: str):
    from crm.models import User
    from webhooks.models import Webhook

    return Webhook.objects.create(
        url=url,
        events=events,
        secret="benchmark-secret-0123456789",
        description=description,
        created_by_user=User.objects.get(username="MPAdministrator"),
    )


@contextmanager
def subscribed(count: int = 2):
    """``count`` webhooks subscribed to what a creation emits while the block runs; removed
    after it with every delivery they were given (nothing sends them meanwhile)."""
    from webhooks.models import SR_ASSIGNED, SR_CREATED

    hooks = [
        _subscribe("http://127.0.0.1:9/hook", [SR_CREATED, SR_ASSIGNED], f"benchmark {i}")
        for i in range(count)
    ]
    try:
        yield hooks
    finally:
        for hook in hooks:
            hook.delete()


def pending_deliveries(url: str, count: int):
    """A webhook at ``url`` and ``count`` PENDING deliveries due now, about as many seeded
    requests (the first attempt renders each one, as in production)."""
    from django.utils import timezone

    from servicerequests.models import ServiceRequest
    from webhooks.models import SR_CREATED, Delivery

    hook = _subscribe(url, [SR_CREATED], "benchmark sender")
    ids = ServiceRequest.objects.order_by("-created_date").values_list("id", flat=True)[:count]
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(
            webhook=hook,
            event=SR_CREATED,
            occurred_date=now,
            next_attempt_at=now,
            created_at=now,
            service_request_id=request_id,
        )
        for request_id in ids
    )
    return hook


def delivery_timing(count: int) -> tuple[float, int, str]:
    """The sweep over ``count`` due deliveries, every one answered 200: seconds, how many
    were delivered, and a note."""
    from webhooks import sender
    from webhooks.models import Delivery

    with receiver() as url:
        hook = pending_deliveries(url, count)
        try:
            started = time.perf_counter()
            sender.deliver_due(budget_seconds=3600)
            seconds = time.perf_counter() - started
            delivered = Delivery.objects.filter(webhook=hook, status="DELIVERED").count()
        finally:
            hook.delete()
    return seconds, delivered, f"The sweep delivered {delivered} of {count} deliveries."


def deliveries_row(count: int, target_per_second: int = 50) -> tuple[dict, str]:
    """The row "webhook deliveries per second": the sweep's mean time per delivery as p50
    and p95 (its target is the rate's: 1000 / 50 = 20 ms)."""
    seconds, delivered, note = delivery_timing(count)
    per_second = delivered / seconds
    ms = seconds * 1000 / max(delivered, 1)
    met = "met" if per_second >= target_per_second else "**not met**"
    row = {
        "name": "webhook deliveries per second",
        "n": delivered,
        "p50": ms,
        "p95": ms,
        "rps": per_second,
        "target": 1000 // target_per_second,
        "floor": None,
    }
    return row, f"{note} {per_second:.0f} deliveries/s, target {target_per_second}/s: {met}."
