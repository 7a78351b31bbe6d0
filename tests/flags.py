"""Deadline flags in tests: set one as the scan would, and read a record's current ones
(crm.models.Flag: one row per record, kind and target)."""

from crm.models import Flag


def set_flag(record, kind: str, at) -> Flag:
    """Flag ``record`` as ``kind`` at ``at`` for its current target."""
    return Flag.objects.create(
        **{record.RECORD_KEY: record},
        kind=kind,
        target=record.expected_completion_date,
        created_at=at,
    )


def flags(record) -> tuple:
    """When the scan flagged ``record`` approaching and overdue, for the target it has now,
    while it is open (a closed record shows no flag, as the pages and the Web API say)."""
    row = type(record).objects.get(pk=record.pk)
    overdue = (
        Flag.objects.filter(
            **{record.RECORD_KEY: row}, kind=Flag.Kind.OVERDUE, target=row.expected_completion_date
        )
        .values_list("created_at", flat=True)
        .first()
    )
    return row.approaching_completion, overdue if row.is_open else None
