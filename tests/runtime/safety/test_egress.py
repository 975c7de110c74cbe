"""SSRF suite for the egress guard: forbidden targets get zero connections, allowed ones work."""

from __future__ import annotations

import contextlib
import http.server
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from studio.runtime.safety.egress import (
    EgressDenied,
    EgressError,
    EgressTimeout,
    ResponseTooLarge,
    fetch,
    parse_ipv4_legacy,
)


class Listener:
    """A bare TCP listener that counts every connection that reached it (accepted or queued)."""

    def __init__(self, host: str = "127.0.0.1", family: int = socket.AF_INET):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    item = Listener()
    yield item
    item.close()


Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


class Server:
    """A loopback HTTP server whose replies come from a per-path handler table."""

    def __init__(
        self, routes: dict[str, Handler], host: str = "127.0.0.1", context: ssl.SSLContext | None = None
    ):
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        outer = self

        class _Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append((self.command, self.path, dict(self.headers.items()), body))
                routes.get(self.path.split("?")[0], _not_found)(self)

            do_GET = do_POST = do_HEAD = _handle

        self.httpd = http.server.ThreadingHTTPServer((host, 0), _Handler)
        if context is not None:
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _not_found(handler: http.server.BaseHTTPRequestHandler) -> None:
    reply(handler, 404, b"missing")


def reply(
    handler: http.server.BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def redirect_to(location: str, status: int = 302) -> Handler:
    return lambda h: reply(h, status, b"", {"Location": location})


@contextlib.contextmanager
def serve(routes: dict[str, Handler], **kwargs: object) -> Iterator[Server]:
    server = Server(routes, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record every socket the egress module tries to create (there must be none)."""
    created: list[object] = []

    def forbidden(*args: object, **kwargs: object) -> None:
        created.append(args)
        raise AssertionError("egress opened a socket for a refused target")

    monkeypatch.setattr(socket, "socket", forbidden)
    return created


# --- forbidden targets: refused, and nothing reached them -------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{port}/",
        "http://2130706433:{port}/",
        "http://0x7f000001:{port}/",
        "http://0177.0.0.1:{port}/",
        "http://127.1:{port}/",
        "http://0x7f.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "https://127.0.0.1:{port}/",
    ],
)
def test_loopback_in_any_spelling_is_refused_with_zero_connections(listener: Listener, template: str) -> None:
    url = template.format(port=listener.port)
    with pytest.raises(EgressDenied) as caught:
        fetch("GET", url, timeout_s=2)
    assert "loopback" in caught.value.reason
    assert listener.connections() == 0


def test_ipv6_loopback_is_refused_with_zero_connections() -> None:
    six = Listener("::1", socket.AF_INET6)
    try:
        with pytest.raises(EgressDenied, match="loopback"):
            fetch("GET", f"http://[::1]:{six.port}/", timeout_s=2)
        assert six.connections() == 0
    finally:
        six.close()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/", "private"),
        ("http://10.255.1.2:8080/admin", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://0xa9fea9fe/latest/meta-data/", "metadata"),
        ("http://169.254.1.1/", "link-local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[fd00::1]/", "private"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[::]/", "unspecified"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        ("http://[64:ff9b::a9fe:a9fe]/", "metadata"),
    ],
)
def test_private_link_local_and_special_addresses_are_refused(
    no_sockets: list[object], url: str, reason: str
) -> None:
    with pytest.raises(EgressDenied) as caught:
        fetch("GET", url, timeout_s=2)
    assert reason in caught.value.reason
    assert caught.value.host  # the error names the host
    assert caught.value.host.split(" ")[0] in str(caught.value)
    assert no_sockets == []


def test_metadata_address_stays_refused_even_with_allow_private(no_sockets: list[object]) -> None:
    with pytest.raises(EgressDenied, match="metadata"):
        fetch("GET", "http://169.254.169.254/", allow_private=True, timeout_s=2)
    assert no_sockets == []


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "gopher://x/",
        "http://user:pw@example.com/",
        "http://exa mple.com/",
        "http:///nohost",
    ],
)
def test_bad_schemes_and_urls_are_refused(no_sockets: list[object], url: str) -> None:
    with pytest.raises(EgressDenied):
        fetch("GET", url, timeout_s=2)
    assert no_sockets == []


def test_a_name_resolving_to_public_and_private_addresses_is_refused(
    monkeypatch: pytest.MonkeyPatch, no_sockets: list[object]
) -> None:
    def fake_getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list[object]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    with pytest.raises(EgressDenied, match=r"mixed\.test \(10\.0\.0\.7\)"):
        fetch("GET", "http://mixed.test/", timeout_s=2)
    assert no_sockets == []


# --- redirects ---------------------------------------------------------------------------------


def test_redirect_from_an_allowed_host_to_a_private_address_makes_zero_connections() -> None:
    forbidden = Listener("127.0.0.2")
    same_ip_other_port = Listener("127.0.0.1")
    try:
        routes = {
            "/to-other-ip": redirect_to(f"http://127.0.0.2:{forbidden.port}/secret"),
            "/to-other-port": redirect_to(f"http://127.0.0.1:{same_ip_other_port.port}/secret"),
            "/to-metadata": redirect_to("http://169.254.169.254/latest/meta-data/", 307),
            "/to-decimal": redirect_to(f"http://2130706434:{forbidden.port}/"),
        }
        with serve(routes) as first:
            allow = [f"127.0.0.1:{first.port}"]  # the first hop only
            for path in routes:
                with pytest.raises(EgressDenied):
                    fetch("GET", f"http://127.0.0.1:{first.port}{path}", allow_hosts=allow, timeout_s=3)
            assert len(first.requests) == len(routes)  # the allowed hop was really made
        assert forbidden.connections() == 0
        assert same_ip_other_port.connections() == 0
    finally:
        forbidden.close()
        same_ip_other_port.close()


def test_allowed_redirects_are_followed_and_credentials_dropped_across_origins() -> None:
    with serve({"/final": lambda h: reply(h, 200, b"done")}) as second:
        routes = {
            "/start": redirect_to("/middle", 301),
            "/middle": redirect_to(f"http://127.0.0.1:{second.port}/final", 303),
        }
        with serve(routes) as first:
            response = fetch(
                "POST",
                f"http://127.0.0.1:{first.port}/start",
                body=b"x",
                headers={"Authorization": "Bearer t0ken", "X-Keep": "1"},
                allow_hosts=["127.0.0.1"],
                timeout_s=3,
            )
            assert first.requests[0][0] == "POST"
            assert first.requests[1][0] == "GET"  # a 301 after POST becomes GET, like browsers
        assert response.status == 200
        assert response.body == b"done"
        assert response.url == f"http://127.0.0.1:{second.port}/final"
        assert len(response.redirects) == 2
        method, _path, headers, _body = second.requests[0]
        assert method == "GET"
        lower = {k.lower(): v for k, v in headers.items()}
        assert "authorization" not in lower
        assert lower["x-keep"] == "1"


def test_redirect_loop_stops_after_five_hops() -> None:
    with serve({"/loop": redirect_to("/loop")}) as server:
        with pytest.raises(EgressError, match="too many redirects"):
            fetch("GET", f"http://127.0.0.1:{server.port}/loop", allow_private=True, timeout_s=3)
        assert len(server.requests) == 6


def test_redirects_can_be_returned_instead_of_followed() -> None:
    with serve({"/r": redirect_to("http://10.0.0.1/")}) as server:
        response = fetch(
            "GET",
            f"http://127.0.0.1:{server.port}/r",
            allow_private=True,
            follow_redirects=False,
            timeout_s=3,
        )
    assert response.status == 302
    assert response.headers["location"] == "http://10.0.0.1/"


# --- allowed requests, limits ------------------------------------------------------------------


def test_allowed_request_returns_status_headers_and_body() -> None:
    holder: list[Server] = []

    def echo(h: http.server.BaseHTTPRequestHandler) -> None:
        body = holder[0].requests[-1][3]  # the server already read the request body
        reply(h, 201, b'{"got": "' + body + b'"}', {"Content-Type": "application/json; charset=utf-8"})

    with serve({"/echo": echo}) as server:
        holder.append(server)
        response = fetch(
            "POST",
            f"http://127.0.0.1:{server.port}/echo?q=1",
            body="hello",
            headers={"Content-Type": "text/plain"},
            allow_private=True,
            timeout_s=3,
        )
    assert response.status == 201
    assert response.ok
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"got": "hello"}


def test_response_over_the_size_limit_is_refused() -> None:
    def big(h: http.server.BaseHTTPRequestHandler) -> None:
        reply(h, 200, b"x" * 100_000)

    def big_unsized(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(b"y" * 100_000)

    with serve({"/big": big, "/unsized": big_unsized}) as server:
        for path in ("/big", "/unsized"):
            with pytest.raises(ResponseTooLarge, match="1000-byte limit"):
                fetch(
                    "GET",
                    f"http://127.0.0.1:{server.port}{path}",
                    max_bytes=1000,
                    allow_private=True,
                    timeout_s=3,
                )


def test_slow_server_hits_the_time_limit() -> None:
    def slow(h: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(2.5)
        with contextlib.suppress(OSError):
            reply(h, 200, b"late")

    with serve({"/slow": slow}) as server:
        started = time.monotonic()
        with pytest.raises(EgressTimeout, match="timed out"):
            fetch("GET", f"http://127.0.0.1:{server.port}/slow", allow_private=True, timeout_s=0.5)
        assert time.monotonic() - started < 2


def test_header_injection_is_an_error_not_a_request() -> None:
    with serve({"/": lambda h: reply(h, 200, b"ok")}) as server:
        with pytest.raises(EgressError):
            fetch(
                "GET",
                f"http://127.0.0.1:{server.port}/",
                headers={"X-A": "1\r\nX-B: 2"},
                allow_private=True,
                timeout_s=3,
            )
        assert server.requests == []


def test_host_is_resolved_once_and_the_checked_address_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = socket.getaddrinfo

    def counting(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        calls.append(host)
        return real("127.0.0.1", port, *args, **kwargs)  # type: ignore[arg-type]

    with serve({"/": lambda h: reply(h, 200, b"pinned")}) as server:
        monkeypatch.setattr(socket, "getaddrinfo", counting)
        response = fetch(
            "GET", f"http://pinned.test:{server.port}/", allow_hosts=["pinned.test"], timeout_s=3
        )
    assert response.body == b"pinned"
    assert calls == ["pinned.test"]
    assert server.requests[0][2]["Host"] == f"pinned.test:{server.port}"


def test_parse_ipv4_legacy_spellings() -> None:
    assert str(parse_ipv4_legacy("2130706433")) == "127.0.0.1"
    assert str(parse_ipv4_legacy("0x7f000001")) == "127.0.0.1"
    assert str(parse_ipv4_legacy("0177.0.0.1")) == "127.0.0.1"
    assert str(parse_ipv4_legacy("10.1")) == "10.0.0.1"
    assert parse_ipv4_legacy("example.com") is None
    assert parse_ipv4_legacy("256.0.0.1") is None
    assert parse_ipv4_legacy("4294967296") is None


# --- HTTPS -------------------------------------------------------------------------------------


def _make_cert(tmp_path: Path, name: str) -> tuple[Path, Path]:
    cert, key = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
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
            f"/CN={name}",
            "-addext",
            f"subjectAltName=DNS:{name}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_verifies_the_url_host_name_while_connecting_to_the_resolved_ip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = _make_cert(tmp_path, "secure.test")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))
    real = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: real("127.0.0.1", port, *a, **k),
    )
    with serve({"/": lambda h: reply(h, 200, b"tls ok")}, context=server_context) as server:
        response = fetch(
            "GET",
            f"https://secure.test:{server.port}/",
            allow_hosts=["secure.test"],
            ssl_context=client_context,
            timeout_s=3,
        )
        assert response.body == b"tls ok"
        # The same server under another name fails verification: the URL host is what is checked.
        with pytest.raises(EgressError, match="TLS"):
            fetch(
                "GET",
                f"https://other.test:{server.port}/",
                allow_hosts=["other.test"],
                ssl_context=client_context,
                timeout_s=3,
            )
