"""Numbers are unique and increasing, also when many transactions create at once."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from crm.numbering import advance_to, format_number, next_number, next_value

THREADS = 8
PER_THREAD = 10


def test_format():
    assert format_number("service_request", 1) == "SR00000001"
    assert format_number("job", 814) == "JOB000814"
    assert format_number("job", 1234567) == "JOB1234567"


@pytest.mark.django_db
def test_numbers_increase():
    first = next_value("service_request")
    assert next_value("service_request") == first + 1
    assert next_number("job").startswith("JOB")


@pytest.mark.django_db
def test_advance_to_after_bulk_loads():
    advance_to("job", 5000)
    assert next_value("job") == 5001
    advance_to("job", 10)  # never moves backwards
    assert next_value("job") == 5002


@pytest.mark.usefixtures("transactional_db")
def test_concurrent_creates_get_distinct_increasing_numbers():
    results: dict[int, list[int]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def work(index: int) -> None:
        mine = []
        try:
            barrier.wait()
            for _ in range(PER_THREAD):
                with transaction.atomic():
                    mine.append(next_value("service_request"))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            results[index] = mine
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    every = [value for values in results.values() for value in values]
    assert len(every) == len(set(every)) == THREADS * PER_THREAD
    for values in results.values():
        assert values == sorted(values)
