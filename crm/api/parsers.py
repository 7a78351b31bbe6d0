"""Request body parsing: JSON only, strictly."""

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a valid JSON number")


class StrictJSONParser(BaseParser):
    """Parses every POST body as JSON, whatever its Content-Type says.

    CRM.COM clients send ``application/json``, but some omit the header; a body that is not
    JSON is refused as malformed either way. ``NaN`` and ``Infinity``, which Python's json
    module would accept, are refused too: no database column can hold them.
    """

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF reads the stream itself, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = b"" if stream is None else stream.read(-1 if limit is None else limit + 1)
        if limit is not None and len(raw) > limit:
            raise ParseError(f"The body is larger than {limit} bytes.")
        if not raw.strip():
            return {}
        try:
            text = raw.decode("utf-8")
            return json.loads(text, parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParseError(f"Malformed JSON: {exc}") from exc
