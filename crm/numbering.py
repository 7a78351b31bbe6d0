"""Human-readable numbers (``SR00000001``, ``JOB000001``): unique and increasing.

PostgreSQL draws them from native sequences, which never block concurrent creates. SQLite
has no sequences, but it lets one writer at a time hold the database, so a counter row
incremented inside the creating transaction is just as safe there.
"""

from django.db import connection, transaction
from django.db.models import F

from crm.models import Counter

# counter name -> (prefix, minimum digits)
COUNTERS = {
    "service_request": ("SR", 8),
    "job": ("JOB", 6),
}


def sequence_name(counter: str) -> str:
    return f"crm_number_{counter}_seq"


def next_value(counter: str) -> int:
    if counter not in COUNTERS:
        raise KeyError(f"unknown counter {counter!r}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [sequence_name(counter)])
            return cursor.fetchone()[0]
    with transaction.atomic():
        Counter.objects.get_or_create(name=counter)
        Counter.objects.filter(name=counter).update(value=F("value") + 1)
        return Counter.objects.values_list("value", flat=True).get(name=counter)


def format_number(counter: str, value: int) -> str:
    prefix, digits = COUNTERS[counter]
    return f"{prefix}{value:0{digits}d}"


def next_number(counter: str) -> str:
    return format_number(counter, next_value(counter))


def advance_to(counter: str, value: int) -> None:
    """Make sure the next number issued is above ``value`` (after bulk loads)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The sequence name comes from COUNTERS above, never from input.
            table = connection.ops.quote_name(sequence_name(counter))
            cursor.execute(
                f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM {table})))",  # noqa: S608
                [sequence_name(counter), value],
            )
        return
    with transaction.atomic():
        Counter.objects.get_or_create(name=counter)
        Counter.objects.filter(name=counter, value__lt=value).update(value=value)
