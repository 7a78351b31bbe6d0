"""Entity ids: 32-character upper-case hexadecimal strings, as CRM.COM issues them."""

import uuid

from django.db import models

ID_LENGTH = 32


def new_id() -> str:
    return uuid.uuid4().hex.upper()


class HexIdField(models.CharField):
    """Primary key holding a random 32-character upper-case hex id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("max_length", ID_LENGTH)
        kwargs.setdefault("default", new_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)
