"""The one guarded HTTP function nodes use: no loopback, private or link-local targets unless allowed.

Why this shape:
- The host is resolved ONCE per hop and the socket connects to that checked address, so a DNS
  answer that changes between the check and the connect (DNS rebinding) cannot reach a new target.
- Every resolved address must be allowed; a name that resolves to one public and one private
  address is refused rather than "trying the public one".
- Legacy IPv4 spellings (2130706433, 0x7f000001, 0177.0.0.1, 127.1) are normalised before the check,
  and IPv6 forms that embed an IPv4 address (::ffff:127.0.0.1, 64:ff9b::/96, 2002::/16) are checked
  as the embedded IPv4 address.
- Redirects are followed here, by hand, and each hop goes through the same check. A hop to another
  origin drops every header that may carry a credential: the standard ones, any header named like
  one (X-Api-Key, X-Auth-Token, ...), the ones the caller says hold secrets, and any whose value
  is a secret this process resolved.
- Cloud metadata addresses are refused before the allow list is consulted: an allow-list entry
  comes from a shared flow file, and a wildcard host can resolve to anything.
- HTTPS verifies the certificate against the host name from the URL (SNI too) while connecting to
  the resolved address.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import re
import socket
import ssl
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from studio.runtime.http_client import connection_error_message
from studio.runtime.safety.secrets import process_scrubber

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT_S",
    "EgressDenied",
    "EgressError",
    "EgressTimeout",
    "Response",
    "ResponseTooLarge",
    "check_url",
    "classify_address",
    "fetch",
    "parse_ipv4_legacy",
]

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# Headers that carry credentials: dropped when a redirect leaves the original origin.
_CREDENTIAL_HEADERS = {"authorization", "cookie", "proxy-authorization"}
# Non-standard credential headers are recognised by name: X-Api-Key, Api-Key, X-Auth-Token,
# Private-Token, X-Goog-Api-Key, Ocp-Apim-Subscription-Key, X-Amz-Security-Token, X-CSRF-Token...
_CREDENTIAL_NAME = re.compile(
    r"auth|token|key|secret|passw|session|cookie|credential|signature|csrf|xsrf|jwt|bearer", re.IGNORECASE
)

_V4_RULES: list[tuple[ipaddress.IPv4Network, str]] = [
    (ipaddress.IPv4Network("0.0.0.0/8"), "unspecified"),
    (ipaddress.IPv4Network("127.0.0.0/8"), "loopback"),
    (ipaddress.IPv4Network("10.0.0.0/8"), "private"),
    (ipaddress.IPv4Network("172.16.0.0/12"), "private"),
    (ipaddress.IPv4Network("192.168.0.0/16"), "private"),
    (ipaddress.IPv4Network("100.64.0.0/10"), "carrier-grade NAT (shared)"),
    (ipaddress.IPv4Network("169.254.0.0/16"), "link-local"),
    (ipaddress.IPv4Network("224.0.0.0/4"), "multicast"),
    (ipaddress.IPv4Network("255.255.255.255/32"), "broadcast"),
]
_V6_RULES: list[tuple[ipaddress.IPv6Network, str]] = [
    (ipaddress.IPv6Network("::/128"), "unspecified"),
    (ipaddress.IPv6Network("::1/128"), "loopback"),
    (ipaddress.IPv6Network("fc00::/7"), "private (unique local)"),
    (ipaddress.IPv6Network("fe80::/10"), "link-local"),
    (ipaddress.IPv6Network("fec0::/10"), "site-local"),
    (ipaddress.IPv6Network("ff00::/8"), "multicast"),
]
# Cloud metadata and host-agent services: refused always, whatever allow_private or allow_hosts say.
_METADATA = {
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, GCP, Azure, Oracle, DigitalOcean, OpenStack, ...
        "169.254.170.2",  # AWS ECS task credentials
        "169.254.170.23",  # AWS EKS pod identity
        "169.254.0.23",  # Tencent Cloud
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure host agent (WireServer), a public-looking address
        "fd00:ec2::254",  # AWS over IPv6
        "fd00:ec2::23",  # AWS EKS pod identity over IPv6
        "fd20:ce::254",  # GCP over IPv6
    )
}
_NEVER = {"unspecified", "multicast", "broadcast"}  # no allow switch makes these sensible targets


class EgressError(Exception):
    """An outgoing HTTP request failed (connection, protocol, limits)."""


class EgressDenied(EgressError):
    """The request was refused before any connection was made; names the host and the reason."""

    def __init__(self, host: str, reason: str):
        self.host = host
        self.reason = reason
        super().__init__(f"request to {host!r} refused: {reason}")


class EgressTimeout(EgressError):
    """The request ran past its time limit."""


class ResponseTooLarge(EgressError):
    """The response body is larger than the allowed size."""


@dataclass
class Response:
    """A finished HTTP response. `headers` has lower-case names; `url` is the final URL."""

    status: int
    headers: dict[str, str]
    body: bytes
    url: str
    redirects: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def text(self) -> str:
        """The body decoded with the charset from Content-Type (UTF-8 by default)."""
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.text())


def parse_ipv4_legacy(host: str) -> ipaddress.IPv4Address | None:
    """Read an IPv4 address in any inet_aton spelling (127.1, 2130706433, 0x7f000001, 0177.0.0.1).

    Returns None when `host` is not such a spelling (a name, or out of range).
    """
    parts = host.split(".")
    if host.endswith(".") and len(parts) > 1:  # "127.0.0.1." is the same address
        parts = parts[:-1]
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        text = part.lower()
        try:
            if text.startswith("0x"):
                value = int(text[2:] or "0", 16)
            elif len(text) > 1 and text.startswith("0"):
                value = int(text, 8)
            elif text.isdigit():
                value = int(text, 10)
            else:
                return None
        except ValueError:
            return None
        numbers.append(value)
    # The last part fills all remaining bytes (a.b.c.d, a.b.cd, a.bcd, abcd).
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(value)


def classify_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not a public internet destination, or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = classify_address(embedded)
            return f"{reason} (IPv4 {embedded} inside IPv6)" if reason else None
        for network, reason in _V6_RULES:
            if address in network:
                return reason
    else:
        for network4, reason in _V4_RULES:
            if address in network4:
                return reason
    if not address.is_global:
        return "reserved (not a public address)"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d
        return address.ipv4_mapped
    if address.sixtofour is not None:  # 2002:AABB:CCDD::/16
        return address.sixtofour
    value = int(address)
    if address in ipaddress.IPv6Network("64:ff9b::/96"):  # NAT64
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if value >> 32 == 0 and value > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(value)
    return None


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # as it goes into the Host header / SNI (IDNA-encoded, no brackets)
    port: int
    path: str  # path + query

    @property
    def url(self) -> str:
        """The URL as it is requested (for messages)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return f"{self.scheme}://{host}{'' if self.port == default else f':{self.port}'}{self.path}"


def _parse_url(url: str) -> _Target:
    if any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in url):
        raise EgressDenied(url[:80], "the URL contains spaces, control characters or backslashes")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise EgressDenied(url[:80], f"the URL does not parse ({exc})") from None
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in ("http", "https"):
        shown = scheme or "no scheme"
        raise EgressDenied(host or url[:80], f"only http and https are allowed, not {shown!r}")
    if not host:
        raise EgressDenied(url[:80], "the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise EgressDenied(host, "credentials inside the URL are not allowed; send an Authorization header")
    if "%" in host:
        raise EgressDenied(host, "IPv6 zone ids and percent-encoded host names are not allowed")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise EgressDenied(host, "the host name is not a valid international domain name") from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return _Target(scheme, host.lower(), port or (443 if scheme == "https" else 80), path)


@dataclass(frozen=True)
class _Allow:
    names: frozenset[str]  # "host" or "host:port"
    networks: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, int | None], ...]

    @classmethod
    def parse(cls, entries: Iterable[str]) -> _Allow:
        names: set[str] = set()
        networks: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, int | None]] = []
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            host, port = _split_host_port(entry)
            try:
                networks.append((ipaddress.ip_network(host, strict=False), port))
                continue
            except ValueError:
                pass
            legacy = parse_ipv4_legacy(host)
            if legacy is not None:
                networks.append((ipaddress.ip_network(legacy), port))
            else:
                names.add(f"{host}:{port}" if port else host)
        return cls(frozenset(names), tuple(networks))

    def allows(self, host: str, port: int, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        if host in self.names or f"{host}:{port}" in self.names:
            return True
        for name in self.names:
            if name.startswith("*.") and ":" not in name and host.endswith(name[1:]):
                return True
        candidates = [address]
        if isinstance(address, ipaddress.IPv6Address) and _embedded_ipv4(address) is not None:
            candidates.append(_embedded_ipv4(address))  # type: ignore[arg-type]
        return any(
            candidate.version == network.version and candidate in network and allowed_port in (None, port)
            for candidate in candidates
            for network, allowed_port in self.networks
        )


def _split_host_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        if port.isdigit():
            return host, int(port)
    return entry, None


def _resolve(host: str, port: int, timeout_s: float) -> list[tuple[int, Any]]:
    """(family, sockaddr) for every address of `host`; literal IPs (any spelling) skip DNS."""
    legacy = parse_ipv4_legacy(host)
    if legacy is not None:
        return [(socket.AF_INET, (str(legacy), port))]
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        if literal.version == 4:
            return [(socket.AF_INET, (str(literal), port))]
        return [(socket.AF_INET6, (str(literal), port, 0, 0))]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise EgressError(f"cannot resolve host {host!r}: {exc}") from None
    seen: list[tuple[int, Any]] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6) and (family, sockaddr) not in seen:
            seen.append((family, sockaddr))
    if not seen:
        raise EgressError(f"host {host!r} has no IPv4 or IPv6 address")
    return seen


def _checked_addresses(
    target: _Target, allow_private: bool, allow: _Allow, timeout_s: float
) -> list[tuple[int, Any]]:
    """Resolve once and refuse unless every address is public or explicitly allowed."""
    addresses = _resolve(target.host, target.port, timeout_s)
    for _family, sockaddr in addresses:
        address = ipaddress.ip_address(sockaddr[0])
        shown = target.host if target.host == str(address) else f"{target.host} ({address})"
        if _is_metadata(address):  # before the allow list: no entry may open it
            raise EgressDenied(shown, "cloud metadata address; never allowed, not even by the allow list")
        reason = classify_address(address)
        if reason is None:
            continue
        if allow.allows(target.host, target.port, address):
            continue
        if reason.split(" ")[0] in _NEVER:
            raise EgressDenied(shown, f"{reason} addresses are never allowed")
        if not allow_private:
            raise EgressDenied(
                shown, f"{reason} address; allow private addresses or add the host to the allow list"
            )
    return addresses


def _is_metadata(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address in _METADATA:
        return True
    return isinstance(address, ipaddress.IPv6Address) and _embedded_ipv4(address) in _METADATA


def _credential_free(headers: dict[str, str], secret_names: set[str]) -> dict[str, str]:
    """The headers that may follow a redirect to another origin (see the module docstring)."""
    scrubber = process_scrubber()
    return {
        name: value
        for name, value in headers.items()
        if name.lower() not in _CREDENTIAL_HEADERS
        and name.lower() not in secret_names
        and not _CREDENTIAL_NAME.search(name)
        and not scrubber.contains(value)
    }


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an address resolved and checked beforehand (no second DNS look-up)."""

    def __init__(self, host: str, port: int, addresses: list[tuple[int, Any]], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def _open_socket(self) -> socket.socket:
        last: OSError | None = None
        for family, sockaddr in self._addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(sockaddr)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return sock
            except OSError as exc:
                sock.close()
                last = exc
        assert last is not None
        raise last

    def connect(self) -> None:
        self.sock = self._open_socket()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """HTTPS to a pinned address, verifying the certificate for the URL's host name (SNI too)."""

    default_port = 443

    def __init__(
        self, host: str, port: int, addresses: list[tuple[int, Any]], timeout: float, context: ssl.SSLContext
    ):
        super().__init__(host, port, addresses, timeout)
        self._context = context

    def connect(self) -> None:
        sock = self._open_socket()
        try:
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def check_url(url: str, *, allow_private: bool = False, allow_hosts: Iterable[str] = ()) -> None:
    """Raise EgressDenied if `url` may not be fetched (resolves the host; makes no connection)."""
    target = _parse_url(url)
    _checked_addresses(target, allow_private, _Allow.parse(allow_hosts), DEFAULT_TIMEOUT_S)


def fetch(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_private: bool = False,
    allow_hosts: Iterable[str] = (),
    follow_redirects: bool = True,
    max_redirects: int = MAX_REDIRECTS,
    ssl_context: ssl.SSLContext | None = None,
    secret_headers: Iterable[str] = (),
) -> Response:
    """Make one HTTP(S) request under the egress rules; redirects re-checked hop by hop.

    `allow_hosts` entries are host names ("api.local", "*.corp.example"), "host:port", IP
    addresses or CIDR networks that may be reached even though they are private (never a cloud
    metadata address). `timeout_s` bounds the whole request including redirects; `max_bytes`
    bounds the body. `secret_headers` names headers whose values are secrets: like every
    credential header, they are not sent on after a redirect to another origin.
    """
    method = method.upper().strip()
    if not method.isalpha():
        raise EgressError(f"invalid HTTP method {method!r}")
    allow = _Allow.parse(allow_hosts)
    payload = body.encode("utf-8") if isinstance(body, str) else body
    send_headers = {str(k): str(v) for k, v in (headers or {}).items()}
    secret_names = {name.lower() for name in secret_headers}
    deadline = time.monotonic() + timeout_s
    context = ssl_context or ssl.create_default_context()
    visited: list[str] = []
    current = url
    origin = _parse_url(url)
    while True:
        target = _parse_url(current)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise EgressTimeout(f"request to {target.host!r} timed out after {timeout_s:g} s")
        addresses = _checked_addresses(target, allow_private, allow, remaining)
        if (target.scheme, target.host, target.port) != (origin.scheme, origin.host, origin.port):
            # Once dropped, never sent again, even if a later hop returns to the first origin.
            send_headers = _credential_free(send_headers, secret_names)
        status, response_headers, data = _one_request(
            target, addresses, method, send_headers, payload, deadline, timeout_s, max_bytes, context
        )
        location = response_headers.get("location")
        if not (follow_redirects and status in _REDIRECT_STATUSES and location):
            return Response(status, response_headers, data, current, visited)
        if len(visited) >= max_redirects:
            raise EgressError(f"too many redirects (more than {max_redirects}) starting at {url}")
        visited.append(current)
        current = urljoin(current, location)
        if status == 303 or (status in (301, 302) and method not in ("GET", "HEAD")):
            method, payload = "GET", None
            send_headers = {k: v for k, v in send_headers.items() if k.lower() != "content-type"}


def _one_request(
    target: _Target,
    addresses: list[tuple[int, Any]],
    method: str,
    headers: dict[str, str],
    payload: bytes | None,
    deadline: float,
    timeout_s: float,
    max_bytes: int,
    context: ssl.SSLContext,
) -> tuple[int, dict[str, str], bytes]:
    remaining = max(0.01, deadline - time.monotonic())
    connection: _PinnedHTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(target.host, target.port, addresses, remaining, context)
    else:
        connection = _PinnedHTTPConnection(target.host, target.port, addresses, remaining)
    try:
        try:
            connection.request(method, target.path, body=payload, headers=headers)
            response = connection.getresponse()
        except TimeoutError:
            raise EgressTimeout(f"request to {target.host!r} timed out after {timeout_s:g} s") from None
        except ssl.SSLError as exc:
            raise EgressError(f"TLS error talking to {target.host!r}: {exc}") from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise EgressError(connection_error_message(target.url, exc)) from None
        response_headers: dict[str, str] = {}
        for name, value in response.getheaders():
            key = name.lower()
            response_headers[key] = f"{response_headers[key]}, {value}" if key in response_headers else value
        declared = response_headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise ResponseTooLarge(
                f"response from {target.host!r} is {int(declared)} bytes, over the {max_bytes}-byte limit"
            )
        chunks: list[bytes] = []
        size = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EgressTimeout(f"request to {target.host!r} timed out after {timeout_s:g} s")
            if connection.sock is not None:
                connection.sock.settimeout(remaining)
            try:
                chunk = response.read1(65536) if method != "HEAD" else b""
            except TimeoutError:
                raise EgressTimeout(f"request to {target.host!r} timed out after {timeout_s:g} s") from None
            except (OSError, http.client.HTTPException) as exc:
                raise EgressError(f"reading the response from {target.host!r} failed: {exc}") from None
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise ResponseTooLarge(f"response from {target.host!r} is over the {max_bytes}-byte limit")
            chunks.append(chunk)
        return response.status, response_headers, b"".join(chunks)
    finally:
        connection.close()
