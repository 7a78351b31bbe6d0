"""gunicorn's own answers and access log, made safe for this application (gunicorn.conf.py
installs both; nothing here imports Django).

- gunicorn answers some requests itself, before the application sees them: a request line
  or a header over its limits, a malformed request. Its answer is an HTML page; a Web API
  client expects the contract's envelope. ``write_error`` answers the envelope instead.
- The access log writes the request line, query string included, and a GET carries its
  ``token`` there. ``MaskingLogger`` masks it (and any ``password``) before the line is
  written.
"""

from __future__ import annotations

import json
import re

from gunicorn import util
from gunicorn.glogging import Logger

SECRET_PARAMS = re.compile(r"(?i)\b(token|password|secret|key)=[^&\s\"']*")
MASK = r"\1=[masked]"


def mask(text: str) -> str:
    return SECRET_PARAMS.sub(MASK, text)


class MaskingLogger(Logger):
    """gunicorn's logger with secrets masked in the access log and in its own warnings
    (a malformed request line is quoted in them)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in list(atoms.items()):
            if isinstance(value, str) and "=" in value:
                atoms[name] = mask(value)
        return atoms

    def warning(self, msg, *args, **kwargs):
        super().warning(mask(str(msg)), *args, **kwargs)


def envelope(status_int: int, reason: str) -> tuple[int, bytes]:
    """The status and body that replace gunicorn's HTML page for ``status_int``."""
    if status_int >= 500:
        status, code, message = 500, "ERROR", "An unexpected error occurred."
    elif status_int == 403:
        status, code, message = 403, "PERMISSION_DENIED", "The request was refused."
    else:
        # 414 (request line too long), 431 (header too large) and every malformed request:
        # the contract's code for a request that is wrong, with its HTTP status.
        status, code, message = 400, "INVALID_PARAMETER", "The request is malformed or too large."
    body = {
        "status": {"code": code, "message": message, "description": f"request: {reason}"},
        "data": None,
    }
    return status, json.dumps(body).encode()


def write_error(sock, status_int, reason, mesg):
    """Replaces ``gunicorn.util.write_error``; ``mesg`` (which may quote the request) is
    left out of the answer."""
    status, body = envelope(int(status_int), str(reason))
    phrase = {400: "Bad Request", 403: "Forbidden", 500: "Internal Server Error"}[status]
    head = (
        f"HTTP/1.1 {status} {phrase}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        "Cache-Control: no-store\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def install() -> None:
    util.write_error = write_error
