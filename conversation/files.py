"""What an uploaded file is: its content type sniffed from its bytes, and a file name safe to
offer back in a download.

The client's ``Content-Type`` is never trusted: a file sent as ``image/png`` that holds HTML
would otherwise be served as whatever was claimed. The sniffer knows the formats staff
attach (images, PDF, office documents, archives, plain text and CSV); anything else is
``application/octet-stream``. It never answers ``text/html`` or ``image/svg+xml``: markup is
plain text here, so no attachment can run script in a browser even if it were shown inline.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile

OCTET_STREAM = "application/octet-stream"
TEXT = "text/plain"
ZIP = "application/zip"

# Leading bytes of each format: (offset, bytes) pairs that must all match.
SIGNATURES: tuple[tuple[str, tuple[tuple[int, bytes], ...]], ...] = (
    ("image/png", ((0, b"\x89PNG\r\n\x1a\n"),)),
    ("image/jpeg", ((0, b"\xff\xd8\xff"),)),
    ("image/gif", ((0, b"GIF87a"),)),
    ("image/gif", ((0, b"GIF89a"),)),
    ("image/webp", ((0, b"RIFF"), (8, b"WEBP"))),
    ("application/pdf", ((0, b"%PDF-"),)),
    # The OLE2 container of the older Office formats (.doc, .xls, .ppt).
    ("application/vnd.ms-office", ((0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),)),
    (ZIP, ((0, b"PK\x03\x04"),)),
    (ZIP, ((0, b"PK\x05\x06"),)),  # an empty archive
)
# An Office Open XML document is a zip archive whose parts say which application made it.
OFFICE_PARTS = (
    ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)
HEAD_BYTES = 16


def sniff(upload) -> str:
    """The content type of ``upload`` (a Django File), read from its bytes."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    for content_type, parts in SIGNATURES:
        if all(head[offset : offset + len(part)] == part for offset, part in parts):
            return _zip_kind(upload) if content_type == ZIP else content_type
    return TEXT if _is_text(upload) else OCTET_STREAM


def _zip_kind(upload) -> str:
    """A zip archive, or the Office document it is."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return OCTET_STREAM
    finally:
        upload.seek(0)
    if "[Content_Types].xml" in names:
        for prefix, content_type in OFFICE_PARTS:
            if any(name.startswith(prefix) for name in names):
                return content_type
    return ZIP


# Control bytes no text file holds (NUL first of all); tab, line feed, form feed, carriage
# return and escape (colours in logs) are text.
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def _is_text(upload) -> bool:
    """UTF-8 without NUL or other binary control bytes from the first byte to the last
    (plain text and CSV)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in upload.chunks():
            if _BINARY.search(chunk):
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


# Control characters, path separators and the characters Windows refuses in file names.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
MAX_NAME = 255


def safe_file_name(name: str | None) -> str:
    """The client's file name as offered back in a download: its last path part only, in
    NFC, without control or reserved characters, at most 255 characters (the extension
    kept); ``attachment`` when nothing is left."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[/\\]", text)[-1]
    text = _UNSAFE.sub("_", text).strip().strip(".")
    # Line and paragraph separators are not control characters but end a header line.
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Zl", "Zp", "Cf"})
    if len(text) > MAX_NAME:
        _stem, dot, extension = text.rpartition(".")
        keep = extension if dot and len(extension) <= 16 else ""
        text = text[: MAX_NAME - len(keep) - 1] + "." + keep if keep else text[:MAX_NAME]
    return text or "attachment"
