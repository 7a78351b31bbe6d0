"""One webhook POST over the standard library, to an address checked before connecting.

The host name is resolved once, here. With ``CRM_WEBHOOK_BLOCK_PRIVATE`` on, every address it
resolves to must be public, and the connection goes to the address that was checked (the
``Host`` header and, for https, SNI and certificate verification keep the original name):
resolving again when connecting would let a DNS answer with a short lifetime point the second
lookup at an internal address (DNS rebinding). Redirects are not followed: a 3xx is an answer
like any other, and following it would reach a URL nobody checked.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


class Blocked(Exception):
    """The URL may not be sent to (a private address, or not http/https): retrying cannot
    help."""


@dataclass(frozen=True)
class Answer:
    """What one POST came to: the HTTP status, or the error that prevented one."""

    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def is_private(address: str) -> bool:
    """Whether ``address`` is anything but a public unicast address: loopback, private,
    link-local, unspecified, multicast, reserved, shared (carrier NAT), or an IPv4 address
    mapped or translated into IPv6 that is one of these."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope id is not part of it
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            return is_private(str(embedded))
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_unspecified
        or ip.is_multicast
        or ip.is_reserved
        or not ip.is_global
    )


def resolve(host: str, port: int, *, block_private: bool) -> list[tuple]:
    """The addresses to try for ``host``, in the resolver's order (``socket.gaierror`` when
    it has none); :class:`Blocked` if private ones are refused and any is private."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    if block_private:
        private = sorted({info[4][0] for info in infos if is_private(info[4][0])})
        if private:
            raise Blocked(f"blocked: {host} resolves to a private address ({', '.join(private)})")
    return [(family, sockaddr) for family, _, _, _, sockaddr in infos]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to addresses already resolved; ``host`` is only the name it
    announces (Host header, and SNI in the https subclass). Made by :func:`_connection`
    (the constructors are http.client's own, which call each other through the MRO)."""

    addresses: list[tuple] = []
    deadline: float = 0.0

    def connect(self):
        error: OSError | None = None
        for family, sockaddr in self.addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(_remaining(self.deadline))
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                error = exc
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock = sock
            return
        raise error or OSError("no address to connect to")


class _PinnedHTTPSConnection(http.client.HTTPSConnection, _PinnedHTTPConnection):
    """HTTPSConnection.connect calls the pinned connect (next in the MRO), then wraps the
    socket with SNI and certificate verification for the original host name."""


def _connection(scheme, host, port, addresses, deadline) -> http.client.HTTPConnection:
    if scheme == "https":
        context = ssl.create_default_context()  # verifies the certificate and the name
        conn = _PinnedHTTPSConnection(host, port, timeout=_remaining(deadline), context=context)
    else:
        conn = _PinnedHTTPConnection(host, port, timeout=_remaining(deadline))
    conn.addresses, conn.deadline = addresses, deadline
    return conn


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("timed out")
    return left


def post(
    url: str, body: bytes, headers: dict[str, str], *, timeout: float, block_private: bool
) -> Answer:
    """POST ``body`` to ``url`` within ``timeout`` seconds in all (resolve, connect, send,
    read the status line and headers); the answer's body is not read. Raises
    :class:`Blocked` for a URL that may not be sent to."""
    started = time.monotonic()
    deadline = started + timeout
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise Blocked(f"blocked: {url!r} is not an http or https URL")
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        addresses = resolve(parts.hostname, port, block_private=block_private)
        status = _exchange(
            parts.scheme, parts.hostname, port, addresses, deadline, target, body, headers
        )
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except Blocked:
        raise
    except TimeoutError:
        status, error = None, f"timed out after {timeout:g} s"
    except socket.gaierror as exc:
        status, error = None, f"cannot resolve {parts.hostname}: {exc.strerror or exc}"
    except (OSError, http.client.HTTPException) as exc:
        status, error = None, f"{type(exc).__name__}: {exc}"[:1000]
    return Answer(status, error, round((time.monotonic() - started) * 1000))


def _exchange(scheme, host, port, addresses, deadline, target, body, headers) -> int:
    conn = _connection(scheme, host, port, addresses, deadline)
    # A per-operation socket timeout would let a receiver that trickles its answer a byte at
    # a time hold the delivery (and its row lock) indefinitely: the watchdog ends the
    # exchange at the deadline, whatever stage it is in.
    fired = threading.Event()
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _abort, args=(conn, fired))
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request("POST", target, body=body, headers=headers)
        status = conn.getresponse().status
    except (OSError, http.client.HTTPException):
        # The watchdog's shutdown shows as a reset or a truncated answer: a timeout.
        if fired.is_set():
            raise TimeoutError("timed out") from None
        raise
    finally:
        watchdog.cancel()
        conn.close()
    if fired.is_set():
        # Cut off while reading the headers, which http.client takes for their end: the
        # status line alone is not an answer.
        raise TimeoutError("timed out")
    return status


def _abort(conn: http.client.HTTPConnection, fired: threading.Event) -> None:
    fired.set()
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed: the exchange ended anyway
            sock.shutdown(socket.SHUT_RDWR)
