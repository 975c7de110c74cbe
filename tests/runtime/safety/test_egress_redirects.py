"""Credentials stay with their origin across redirects; metadata addresses win over the allow list.

Two loopback servers on two ports are two origins: A redirects to B, and B records the headers it
received. Metadata tests resolve an allow-listed name to 169.254.169.254 and check that the guard
refuses it before any socket connects.
"""

from __future__ import annotations

import contextlib
import http.server
import secrets
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from studio.runtime.safety.egress import EgressDenied, check_url, fetch
from studio.runtime.safety.secrets import get_secret

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


class Origin:
    """A loopback HTTP server (one origin) that records every request's headers."""

    def __init__(self, routes: dict[str, Handler]):
        self.received: list[tuple[str, dict[str, str]]] = []
        outer = self

        class _Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                outer.received.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                routes.get(self.path, lambda h: answer(h, 404))(self)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def answer(handler: http.server.BaseHTTPRequestHandler, status: int, location: str | None = None) -> None:
    handler.send_response(status)
    if location:
        handler.send_header("Location", location)
    handler.send_header("Content-Length", "2")
    handler.end_headers()
    handler.wfile.write(b"ok")


@contextlib.contextmanager
def origin(routes: dict[str, Handler]) -> Iterator[Origin]:
    server = Origin(routes)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def resolved_secret(monkeypatch: pytest.MonkeyPatch) -> str:
    """A secret this process resolved (through the environment), with a harmless-looking name."""
    value = "rslv" + secrets.token_hex(12)
    monkeypatch.setenv("EGRESS_TEST_VALUE", value)
    assert get_secret("EGRESS_TEST_VALUE") == value
    return value


def credential_headers(resolved: str) -> dict[str, str]:
    return {
        "Authorization": "Bearer a-token",
        "Cookie": "session=abc",
        "X-Api-Key": "an-api-key",
        "X-Tenant": "a-tenant-secret",  # named in secret_headers; its name looks harmless
        "X-Extra": resolved,  # a value the process resolved as a secret
        "X-Keep": "kept",
    }


DROPPED = ["authorization", "cookie", "x-api-key", "x-tenant", "x-extra"]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_cross_origin_redirect_drops_every_credential_header(status: int, resolved_secret: str) -> None:
    with (
        origin({"/final": lambda h: answer(h, 200)}) as b,
        origin({"/start": lambda h: answer(h, status, f"{b.url}/final")}) as a,
    ):
        response = fetch(
            "GET",
            f"{a.url}/start",
            headers=credential_headers(resolved_secret),
            secret_headers=["X-Tenant"],
            allow_hosts=["127.0.0.1"],
            timeout_s=5,
        )
        sent_to_a = a.received[0][1]
    assert response.status == 200 and response.url == f"{b.url}/final"
    assert all(name in sent_to_a for name in DROPPED)  # the first origin got them all
    (path, received), *_ = b.received
    assert path == "/final"
    leaked = [name for name in DROPPED if name in received]
    assert leaked == [], f"forwarded to another origin: {leaked}"
    assert resolved_secret not in " ".join(received.values())
    assert received["x-keep"] == "kept"


def test_same_origin_redirect_keeps_the_credentials(resolved_secret: str) -> None:
    sent = credential_headers(resolved_secret)
    routes: dict[str, Handler] = {
        "/start": lambda h: answer(h, 302, "/final"),
        "/final": lambda h: answer(h, 200),
    }
    with origin(routes) as a:
        response = fetch(
            "GET",
            f"{a.url}/start",
            headers=sent,
            secret_headers=["X-Tenant"],
            allow_hosts=["127.0.0.1"],
            timeout_s=5,
        )
        final = a.received[1][1]
    assert response.status == 200
    assert {name.lower(): value for name, value in sent.items()}.items() <= final.items()


def test_credentials_dropped_once_never_come_back_on_return_to_the_first_origin(
    resolved_secret: str,
) -> None:
    a_routes: dict[str, Handler] = {"/final": lambda h: answer(h, 200)}
    with origin(a_routes) as a, origin({"/bounce": lambda h: answer(h, 302, f"{a.url}/final")}) as b:
        a_routes["/start"] = lambda h: answer(h, 302, f"{b.url}/bounce")  # A -> B -> back to A
        response = fetch(
            "GET",
            f"{a.url}/start",
            headers=credential_headers(resolved_secret),
            secret_headers=["X-Tenant"],
            allow_hosts=["127.0.0.1"],
            timeout_s=5,
        )
    assert response.status == 200 and len(response.redirects) == 2
    final = next(headers for path, headers in a.received if path == "/final")
    assert [name for name in DROPPED if name in final] == []


# --- the metadata rule wins over the allow list ---------------------------------------------


@pytest.fixture
def metadata_dns(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Names under corp.example resolve to cloud metadata addresses; every connect is recorded."""
    real = socket.getaddrinfo
    answers = {
        "meta.corp.example": [(socket.AF_INET, ("169.254.169.254", 80))],
        "ecs.corp.example": [(socket.AF_INET, ("169.254.170.2", 80))],
        "v6.corp.example": [(socket.AF_INET6, ("fd00:ec2::254", 80, 0, 0))],
        "mapped.corp.example": [(socket.AF_INET6, ("::ffff:169.254.169.254", 80, 0, 0))],
        "mixed.corp.example": [
            (socket.AF_INET, ("93.184.215.14", 80)),
            (socket.AF_INET, ("169.254.169.254", 80)),
        ],
    }

    def fake_getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host in answers:
            return [(family, socket.SOCK_STREAM, 6, "", addr) for family, addr in answers[host]]
        return real(host, port, *args, **kwargs)

    connects: list[object] = []

    def no_connect(*args: Any, **kwargs: Any) -> None:
        connects.append(args)
        raise AssertionError("egress connected to a cloud metadata address")

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", no_connect)
    monkeypatch.setattr(socket.socket, "connect", no_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", no_connect)
    return connects


HOSTS = [
    "meta.corp.example",
    "ecs.corp.example",
    "v6.corp.example",
    "mapped.corp.example",
    "mixed.corp.example",
]
ALLOW_LISTS = [
    pytest.param({"allow_hosts": ["*.corp.example"]}, id="wildcard"),
    pytest.param({"allow_hosts": ["{host}"]}, id="exact-name"),
    pytest.param({"allow_hosts": ["{host}:80"]}, id="name-and-port"),
    pytest.param({"allow_hosts": ["169.254.0.0/16", "fd00::/8", "0.0.0.0/0"]}, id="networks"),
    pytest.param({"allow_hosts": ["*.corp.example"], "allow_private": True}, id="wildcard+private"),
]


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("allow", ALLOW_LISTS)
def test_allow_listed_name_resolving_to_metadata_is_refused_before_connect(
    metadata_dns: list[object], host: str, allow: dict[str, Any]
) -> None:
    options = {
        **allow,
        "allow_hosts": [entry.format(host=host) for entry in allow["allow_hosts"]],
    }
    with pytest.raises(EgressDenied, match="cloud metadata") as refused:
        fetch("GET", f"http://{host}/latest/meta-data/", timeout_s=3, **options)
    assert host in str(refused.value)
    with pytest.raises(EgressDenied, match="cloud metadata"):
        check_url(f"http://{host}/", **options)
    assert metadata_dns == []


def test_redirect_to_an_allow_listed_name_resolving_to_metadata_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first hop really connects (to loopback); only the metadata hop is watched.
    with origin({"/start": lambda h: answer(h, 307, "http://meta.corp.example/latest/")}) as a:
        watched = _watch_metadata(monkeypatch)
        with pytest.raises(EgressDenied, match="cloud metadata"):
            fetch("GET", f"{a.url}/start", allow_hosts=["127.0.0.1", "*.corp.example"], timeout_s=5)
    assert [path for path, _ in a.received] == ["/start"]
    assert watched == []


def _watch_metadata(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Resolve meta.corp.example to 169.254.169.254 and record any connect to a 169.254 address."""
    real_resolve, real_connect = socket.getaddrinfo, socket.socket.connect
    watched: list[object] = []

    def fake_getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host == "meta.corp.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]
        return real_resolve(host, port, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> None:
        if str(address[0]).startswith("169.254."):
            watched.append(address)
            raise AssertionError("egress connected to a cloud metadata address")
        real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return watched
