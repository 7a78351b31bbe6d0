"""The content type sniffer and the file name sanitiser (conversation.files)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conversation.files import safe_file_name, sniff
from tests.conversation.conftest import png_bytes


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


TYPES = "[Content_Types].xml"
OFFICE = "application/vnd.openxmlformats-officedocument."


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (png_bytes(), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00rest", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"GIF87a\x01\x00\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "application/octet-stream"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
        (zipped(TYPES, "word/document.xml"), OFFICE + "wordprocessingml.document"),
        (zipped(TYPES, "xl/workbook.xml"), OFFICE + "spreadsheetml.sheet"),
        (zipped(TYPES, "ppt/presentation.xml"), OFFICE + "presentationml.presentation"),
        (zipped("notes.txt"), "application/zip"),
        (b"PK\x03\x04 not really a zip", "application/octet-stream"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, "application/vnd.ms-office"),
        ("name,town\nÉlodie,Paris\n".encode(), "text/plain"),
        (b"<!DOCTYPE html><script>alert(1)</script>", "text/plain"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "text/plain"),
        (b"", "text/plain"),
        (b"text with a \x00 NUL", "application/octet-stream"),
        (b"latin-1 caf\xe9", "application/octet-stream"),
        (b"\x7fELF\x02\x01\x01", "application/octet-stream"),
    ],
)
def test_sniffed_from_the_bytes_not_the_claim(content, expected):
    upload = SimpleUploadedFile("claimed.png", content, content_type="image/png")
    assert sniff(upload) == expected
    assert upload.read() == content  # left at the start for storing


def test_text_is_checked_to_the_last_byte():
    # A UTF-8 start with a bad byte far past the first chunk is not text.
    upload = SimpleUploadedFile("long.txt", b"a" * (3 * 65536) + b"\xff")
    assert sniff(upload) == "application/octet-stream"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\photo.jpg", "photo.jpg"),
        ('a<b>c:"d|e?f*.txt', "a_b_c__d_e_f_.txt"),
        ("line\r\nbreak.txt", "line__break.txt"),
        ("sep\u2028arator.txt", "separator.txt"),
        ("rtl\u202etxt.exe", "rtltxt.exe"),
        ("...", "attachment"),
        ("", "attachment"),
        (None, "attachment"),
        ("Cafe\u0301.txt", "Café.txt"),
    ],
)
def test_file_names_are_made_safe(name, expected):
    assert safe_file_name(name) == expected


def test_a_long_file_name_keeps_its_extension():
    name = safe_file_name("x" * 300 + ".pdf")
    assert len(name) == 255
    assert name.endswith("x.pdf")
