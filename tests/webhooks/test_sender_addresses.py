"""Sending webhook deliveries (contract section 11): private addresses and where the
connection goes."""

import shutil
import socket
import ssl
import subprocess

import pytest
from django.test import override_settings

from tests.webhooks.receiver import Receiver
from tests.webhooks.sending import attempts, delivery, webhook
from webhooks import http, sender
from webhooks.models import (
    Delivery,
)

# -- private addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_block_private_refuses_a_loopback_receiver_for_good(demo, host):
    with Receiver() as receiver, override_settings(CRM_WEBHOOK_BLOCK_PRIVATE=True):
        d = delivery(webhook(demo["admin"], receiver.url.replace("127.0.0.1", host)))
        assert sender.send(d.pk) == Delivery.Status.FAILED
        assert receiver.received == []
    ((status_code, error),) = attempts(d)
    assert status_code is None
    assert error.startswith(f"blocked: {host} resolves to a private address (")
    assert "127.0.0.1" in error
    d.refresh_from_db()
    assert (d.status, d.attempt_count, d.next_attempt_at) == ("FAILED", 1, None)


def test_without_block_private_a_loopback_receiver_is_sent_to(demo):
    with Receiver() as receiver, override_settings(CRM_WEBHOOK_BLOCK_PRIVATE=False):
        d = delivery(webhook(demo["admin"], receiver.url))
        assert sender.send(d.pk) == Delivery.Status.DELIVERED
        assert len(receiver.received) == 1


@pytest.mark.parametrize(
    ("address", "private"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),  # cloud metadata: link-local
        ("100.64.0.1", True),  # shared address space (carrier NAT)
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("240.0.0.1", True),
        ("::1", True),
        ("fe80::1%eth0", True),
        ("fc00::1", True),
        ("::", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:10.0.0.1", True),
        ("2002:7f00:1::", True),  # 6to4 of 127.0.0.1
        ("8.8.8.8", False),
        ("93.184.216.34", False),
        ("2606:4700:4700::1111", False),
        ("::ffff:8.8.8.8", False),
    ],
)
def test_which_addresses_are_private(address, private):
    assert http.is_private(address) is private


def test_the_connection_goes_to_the_address_that_was_checked(demo, monkeypatch):
    """One lookup: the host is resolved once, checked, and that address is connected to,
    with the original name in the Host header."""
    lookups = []
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        lookups.append(host)
        if host == "hooks.example.test":
            return real("127.0.0.1", port, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "unknown")

    monkeypatch.setattr(http.socket, "getaddrinfo", fake)
    with Receiver() as receiver:
        url = f"http://hooks.example.test:{receiver.port}/hook"
        d = delivery(webhook(demo["admin"], url))
        assert sender.send(d.pk) == Delivery.Status.DELIVERED
        (got,) = receiver.received
    assert lookups == ["hooks.example.test"]
    assert got.headers["Host"] == f"hooks.example.test:{receiver.port}"


@pytest.fixture
def tls_receiver_files(tmp_path):
    """A self-signed certificate for hooks.example.test (made with the openssl tool)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=hooks.example.test",
            "-addext",
            "subjectAltName=DNS:hooks.example.test",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.mark.parametrize("trusted", [True, False])
def test_https_verifies_the_original_name_on_the_checked_address(
    demo, monkeypatch, tls_receiver_files, trusted
):
    """The socket goes to the address resolved once; TLS sends the URL's host name (SNI)
    and verifies the certificate against it: an untrusted certificate is a failed attempt."""
    cert, key = tls_receiver_files
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    names = []
    server_side.sni_callback = lambda sock, name, context: names.append(name)
    real = socket.getaddrinfo
    monkeypatch.setattr(
        http.socket, "getaddrinfo", lambda host, port, *a, **k: real("127.0.0.1", port, *a, **k)
    )
    if trusted:  # as if a public CA had signed it
        trusting = ssl.create_default_context(cafile=cert)
        monkeypatch.setattr(http.ssl, "create_default_context", lambda: trusting)
    with Receiver(tls=server_side) as receiver:
        d = delivery(webhook(demo["admin"], f"https://hooks.example.test:{receiver.port}/hook"))
        status = sender.send(d.pk)
        got = list(receiver.received)
    assert names == ["hooks.example.test"]
    ((status_code, error),) = attempts(d)
    if trusted:
        assert (status, status_code, error) == ("DELIVERED", 200, "")
        assert got[0].headers["Host"] == f"hooks.example.test:{receiver.port}"
    else:
        assert (status, status_code, got) == ("PENDING", None, [])
        assert "CERTIFICATE_VERIFY_FAILED" in error


def test_a_public_address_passes_the_check(monkeypatch):
    monkeypatch.setattr(
        http.socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", port))
        ],
    )
    assert http.resolve("dns.example", 443, block_private=True) == [
        (socket.AF_INET, ("8.8.8.8", 443))
    ]


def test_a_host_that_does_not_resolve_is_retried(demo):
    d = delivery(webhook(demo["admin"], "http://no-such-host.invalid/hook"))
    assert sender.send(d.pk) == Delivery.Status.PENDING
    ((status_code, error),) = attempts(d)
    assert status_code is None
    assert error.startswith("cannot resolve no-such-host.invalid")
