"""Request body parsing: JSON, strictly; multipart/form-data only for the methods that take
files (``ApiMethod.files``)."""

import json

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, MultiPartParser

from crm.exceptions import InvalidParameter

# No Web API parameter is nested deeper than a few levels; a body nested far deeper is an
# attack on the parser (Python's json module gives up with RecursionError near 1,000).
MAX_DEPTH = 32


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a valid JSON number")


def has_surrogate(text: str) -> bool:
    """A lone UTF-16 surrogate (JSON allows ``"\\ud800"``) is not text: no database, log or
    response encoder can write it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _path(parent: str, name) -> str:
    if isinstance(name, int):
        return f"{parent}[{name}]"
    return f"{parent}.{name}" if parent else str(name)


def check_tree(data) -> None:
    """Depth and text of every value of a parsed body, without recursion; the error names
    the parameter (a dotted path) that holds the bad value."""
    stack = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidParameter(
                "The request body is nested too deeply.",
                param=path or "body",
                detail=f"at most {MAX_DEPTH} levels of objects and arrays",
            )
        if isinstance(value, str):
            if has_surrogate(value):
                raise _surrogate(path or "body")
        elif isinstance(value, dict):
            for key, item in value.items():
                if has_surrogate(key):
                    raise _surrogate(_path(path, key.encode("utf-8", "replace").decode()))
                stack.append((item, _path(path, key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, _path(path, i), depth + 1) for i, item in enumerate(value))


def _surrogate(param: str) -> InvalidParameter:
    return InvalidParameter(
        f"The parameter {param} is not valid text.",
        param=param,
        detail="it contains a lone UTF-16 surrogate, which is not a character",
    )


class StrictJSONParser(BaseParser):
    """Parses every POST body as JSON, whatever its Content-Type says.

    CRM.COM clients send ``application/json``, but some omit the header; a body that is not
    JSON is refused as malformed either way. ``NaN`` and ``Infinity``, which Python's json
    module would accept, are refused too: no database column can hold them. So are lone
    surrogates and bodies nested deeper than ``MAX_DEPTH``.
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
            data = json.loads(text, parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParseError(f"Malformed JSON: {exc}") from exc
        except RecursionError:
            raise InvalidParameter(
                "The request body is nested too deeply.",
                param="body",
                detail=f"at most {MAX_DEPTH} levels of objects and arrays",
            ) from None
        check_tree(data)
        return data


def is_form(request) -> bool:
    return (request.content_type or "").split(";")[0].strip().lower() == "multipart/form-data"


class FileSizeLimit(FileUploadHandler):
    """Stops reading an upload as soon as one file passes ``limit`` bytes: a file that will
    be refused anyway is never spooled to disk in full. Passes every chunk on to Django's
    own handlers, which keep the file."""

    def __init__(self, request, limit: int, param: str):
        super().__init__(request)
        self.limit, self.param = limit, param

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            megabytes = self.limit // (1024 * 1024)
            raise InvalidParameter(
                f"The file {self.file_name} is larger than {megabytes} MB.",
                param=self.param,
                detail=f"{self.file_name}: at most {megabytes} MB per file",
            )
        return raw_data

    def file_complete(self, file_size):
        return None


class FormFilesParser(MultiPartParser):
    """multipart/form-data, for uploads: files beside text fields. A malformed body is
    ``INVALID_PARAMETER`` naming the body, not a JSON error. The view's ``max_file_bytes()``,
    if it has one, is enforced while the body is read (``FileSizeLimit``)."""

    def parse(self, stream, media_type=None, parser_context=None):
        view = (parser_context or {}).get("view")
        limit = view.max_file_bytes() if hasattr(view, "max_file_bytes") else None
        if limit is not None:
            request = parser_context["request"]
            request.upload_handlers.insert(0, FileSizeLimit(request, limit, view.files))
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            raise InvalidParameter(
                "The multipart body is malformed.", param="body", detail=str(exc.detail)
            ) from None
