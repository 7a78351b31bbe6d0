"""The ``events`` parameter of ``webhooks/create``."""

from __future__ import annotations

from crm.api.params import Param, describe_type
from webhooks.models import EVENTS


class EventNames(Param):
    """A non-empty array of the contract's event names; an unknown name (or anything not a
    name) is INVALID_PARAMETER naming ``events`` itself, whichever item it was."""

    openapi_type = {
        "type": "array",
        "minItems": 1,
        "maxItems": len(EVENTS),
        "uniqueItems": True,
        "items": {"type": "string", "enum": list(EVENTS)},
    }

    def parse(self, raw, path, source):
        if not isinstance(raw, list):
            raise self.invalid(path, f"expected an array of event names, got {describe_type(raw)}")
        if not raw:
            raise self.invalid(path, f"give at least one of {', '.join(EVENTS)}")
        for item in raw:
            if not isinstance(item, str) or item not in EVENTS:
                shown = repr(item) if isinstance(item, str) else describe_type(item)
                raise self.invalid(path, f"unknown event {shown[:80]}; known: {', '.join(EVENTS)}")
        return list(dict.fromkeys(raw))
