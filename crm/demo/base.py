"""Loading helpers of the demo data: upsert by natural key, local times."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def upsert(model, lookup: dict, values: dict | None = None, *, id: str | None = None):
    """Find ``model`` by ``lookup`` and set ``values``; create it (with ``id``) if missing."""
    values = values or {}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        if id:
            obj.id = id
        obj.save()
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return obj


def local(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text), timezone.get_default_timezone())


# -- organisation -------------------------------------------------------------------------------
