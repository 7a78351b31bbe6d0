"""Concurrency tests' common step: the same work in several threads released at once."""

from __future__ import annotations

import threading

from django.db import close_old_connections, connection


def race(work, count: int) -> list:
    """Run ``work(index)`` in ``count`` threads released at once (each on its own database
    connection); their outcomes in order, an exception being an outcome too."""
    outcomes: list = [None] * count
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = work(index)
        except BaseException as exc:  # the outcome is what the test looks at
            outcomes[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes
