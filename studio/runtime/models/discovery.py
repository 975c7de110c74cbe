"""Model servers running on this machine: Ollama (`/api/tags`) and OpenAI-compatible servers such
as LM Studio and llama.cpp's `llama-server` (`/v1/models`), asked concurrently with a short timeout.

Only loopback addresses are ever contacted: an `OLLAMA_HOST` pointing elsewhere is skipped.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Per server; all servers are asked at once, so nothing running costs about this much in total.
TIMEOUT_S = 0.6
OLLAMA_DEFAULT = "http://127.0.0.1:11434"
OPENAI_DEFAULTS = {"LM Studio": "http://127.0.0.1:1234/v1", "llama.cpp server": "http://127.0.0.1:8080/v1"}


@dataclass(frozen=True)
class ServerModel:
    """A model a local server offers, as an LLM node uses it."""

    provider: str  # "Ollama", "LM Studio", "llama.cpp server"
    name: str
    model: str  # the litellm model string
    api_base: str


@dataclass
class ServerStatus:
    """One server asked: whether it answered, and its models."""

    provider: str
    url: str
    found: bool
    models: list[ServerModel] = field(default_factory=list)
    problem: str = ""


def is_loopback_url(url: str) -> bool:
    """Whether a URL's host is this machine (127.0.0.0/8, ::1 or localhost)."""
    from studio.runtime.http_client import is_loopback_host

    return is_loopback_host(urlsplit(url).hostname or "")


def ollama_url() -> str:
    """Ollama's address: `OLLAMA_HOST` ("127.0.0.1:11434", "http://localhost:11434") or the default."""
    value = os.environ.get("OLLAMA_HOST", "").strip()
    if not value:
        return OLLAMA_DEFAULT
    if "://" not in value:
        value = f"http://{value}"
    parts = urlsplit(value)
    host = parts.hostname or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # "listen everywhere" is reachable on loopback
        host = "127.0.0.1"
    return f"{parts.scheme}://{host}:{parts.port or 11434}"


def _get_json(url: str, timeout: float) -> object:
    # No proxies: a loopback server must never be asked through an HTTP proxy.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(
        urllib.request.Request(url, headers={"Accept": "application/json"}), timeout=timeout
    ) as r:
        return json.loads(r.read(2_000_000).decode("utf-8", "replace"))


def _ask_ollama(base: str, timeout: float) -> ServerStatus:
    status = ServerStatus("Ollama", base, False)
    if not is_loopback_url(base):
        status.problem = f"OLLAMA_HOST {base} is not on this machine; only loopback servers are listed"
        return status
    try:
        data = _get_json(f"{base}/api/tags", timeout)
    except (OSError, ValueError, urllib.error.URLError):
        return status
    status.found = True
    items = data.get("models", []) if isinstance(data, dict) else []
    for item in items if isinstance(items, list) else []:
        name = item.get("name") or item.get("model") if isinstance(item, dict) else None
        if isinstance(name, str) and name:
            status.models.append(ServerModel("Ollama", name, f"ollama_chat/{name}", base))
    return status


def _ask_openai(provider: str, base: str, timeout: float) -> ServerStatus:
    status = ServerStatus(provider, base, False)
    if not is_loopback_url(base):
        status.problem = f"{base} is not on this machine; only loopback servers are listed"
        return status
    try:
        data = _get_json(f"{base.rstrip('/')}/models", timeout)
    except (OSError, ValueError, urllib.error.URLError):
        return status
    status.found = True
    items = data.get("data", []) if isinstance(data, dict) else []
    for item in items if isinstance(items, list) else []:
        name = item.get("id") if isinstance(item, dict) else None
        if isinstance(name, str) and name:
            status.models.append(ServerModel(provider, name, f"openai/{name}", base))
    return status


def discover(
    *,
    ollama: str | None = None,
    openai_servers: dict[str, str] | None = None,
    timeout: float = TIMEOUT_S,
) -> list[ServerStatus]:
    """Ask Ollama and the OpenAI-compatible servers at once; a server that is not running is
    listed with `found=False` (connection refused returns at once, a silent port after `timeout`)."""
    servers = OPENAI_DEFAULTS if openai_servers is None else openai_servers
    base = ollama or ollama_url()
    with ThreadPoolExecutor(max_workers=1 + len(servers), thread_name_prefix="model-discovery") as pool:
        futures = [pool.submit(_ask_ollama, base, timeout)]
        futures += [pool.submit(_ask_openai, name, url, timeout) for name, url in servers.items()]
        return [future.result() for future in futures]


def reachable_models(**options: object) -> list[ServerModel]:
    """Every model the running local servers offer."""
    return [model for status in discover(**options) for model in status.models]  # type: ignore[arg-type]
