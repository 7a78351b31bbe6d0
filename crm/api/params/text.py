"""Where parameters come from, and the checks every text value passes."""

from __future__ import annotations

import re
from typing import Any

from crm.api.parsers import has_surrogate
from crm.exceptions import InvalidParameter

QUERY = "query"
BODY = "body"
MAX_OFFSET = 2_147_483_647
MAX_TEXT = 10_000
_INTEGER = re.compile(r"-?[0-9]{1,19}")


def join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def describe_type(raw: Any) -> str:
    if raw is None:
        return "null"
    return {
        bool: "a Boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(raw), type(raw).__name__)


def check_text(raw: Any, path: str, max_length: int) -> str:
    """Every string that enters the system passes here: type, NUL bytes, length."""
    if not isinstance(raw, str):
        raise InvalidParameter(
            f"The parameter {path} must be a string.",
            param=path,
            detail=f"expected a string, got {describe_type(raw)}",
        )
    if "\x00" in raw:
        raise InvalidParameter(
            f"The parameter {path} contains a NUL character.",
            param=path,
            detail="NUL characters are not allowed",
        )
    if has_surrogate(raw):
        raise InvalidParameter(
            f"The parameter {path} is not valid text.",
            param=path,
            detail="it contains a lone UTF-16 surrogate, which is not a character",
        )
    if len(raw) > max_length:
        raise InvalidParameter(
            f"The parameter {path} is too long.",
            param=path,
            detail=f"at most {max_length} characters are allowed, got {len(raw)}",
        )
    return raw
