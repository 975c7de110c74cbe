"""A canary secret, echoed back by a model and by an HTTP server, reaches no sink unscrubbed.

The canary is resolved from the environment through `{"secret": NAME}` references only: its
variable's name is not secret-shaped, so nothing but the flow's own references can scrub it. The
flow runs with the real `studio run` command (a fresh process each time, so the second, cached
run has resolved nothing itself) against loopback servers that echo it back; then every file in
the data folder and every byte printed is searched for it.
"""

from __future__ import annotations

import http.server
import json
import os
import secrets
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from studio.engine import run_flow
from studio.engine.cache import OutputCache
from studio.engine.events import Event
from studio.engine.runstore import RunStore
from studio.flow import save_flow
from studio.flow.schema import Flow
from studio.runtime.safety.secrets import REDACTED
from tests.builders import FlowBuilder
from tests.conftest import ROOT
from tests.fakes.openai_server import FakeOpenAI

SECRET_NAME = "STUDIO_SINK_CANARY"  # not *_KEY / *_TOKEN: only the flow's reference scrubs it


def echo_headers(handler: http.server.BaseHTTPRequestHandler) -> None:
    """Reply with the request's headers as JSON (what httpbin's /headers does)."""
    body = json.dumps({"headers": dict(handler.headers.items())}).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class EchoServer:
    """A loopback HTTP server that echoes request headers in its body."""

    def __init__(self, handler: Callable[[http.server.BaseHTTPRequestHandler], None] = echo_headers):
        class _Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                handler(self)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def canary_flow(model_base: str, echo_port: int) -> Flow:
    """An LLM node whose key is the canary (the model echoes it; its reply is saved to chat
    memory) and an HTTP tool whose secret header is the canary (the server echoes it)."""
    ref = {"secret": SECRET_NAME}
    return (
        FlowBuilder("canary flow")
        .node("question", "io.text_input", name="question")
        .node(
            "llm",
            "llm.chat",
            model="openai/gpt-4o-mini",
            api_base=model_base,
            api_key=ref,
            temperature=0,  # deterministic: a candidate for the cache
        )
        .node("memory", "memory.save", session_id="canary")  # memory.sqlite is a sink too
        .node("answer", "io.output", name="answer")
        .node("args", "io.text_input", name="arguments")
        .node(
            "http",
            "tool.http_request",
            url=f"http://127.0.0.1:{echo_port}/",
            secret_headers={"X-Api-Key": ref},
            allow_hosts=[f"127.0.0.1:{echo_port}"],
        )
        .node("echo", "io.output", name="echo")
        .chain("question.text", "llm.prompt", "llm.text", "memory.reply", "memory.reply", "answer.value")
        .chain("args.text", "http.arguments", "http.result", "echo.value")
        .build()
    )


@dataclass
class Sinks:
    """What the runs left behind: the canary, printed streams and the data folder."""

    canary: str
    home: Path
    printed: dict[str, bytes] = field(default_factory=dict)
    model_requests: int = 0
    model_keys: list[str] = field(default_factory=list)


def _studio(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "studio.cli", *args], capture_output=True, env=env, cwd=ROOT, timeout=300
    )


@pytest.fixture(scope="module")
def sinks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sinks]:
    """Three `studio run`s of the canary flow: --json, --json again (cache warm), --events jsonl."""
    canary = "cnry" + secrets.token_hex(16)
    home = tmp_path_factory.mktemp("sink-home")
    env = {**os.environ, "CHAIN_STUDIO_HOME": str(home), SECRET_NAME: canary, "CHAIN_STUDIO_NO_KEYRING": "1"}
    echo = EchoServer()
    try:
        with FakeOpenAI(default_text=f"the key is {canary} ok") as model:
            path = tmp_path_factory.mktemp("sink-flow") / "canary.json"
            save_flow(canary_flow(model.base_url, echo.port), path)
            inputs = json.dumps({"question": "what is the key?", "arguments": json.dumps({"url": "headers"})})
            found = Sinks(canary, home)
            runs = {
                "run --json": ["run", str(path), "--inputs", inputs, "--json"],
                "run --json, cached re-run": ["run", str(path), "--inputs", inputs, "--json"],
                "run --events jsonl": ["run", str(path), "--inputs", inputs, "--events", "jsonl"],
            }
            for label, args in runs.items():
                result = _studio(args, env)
                assert result.returncode == 0, result.stderr.decode(errors="replace")
                found.printed[f"{label} stdout"] = result.stdout
                found.printed[f"{label} stderr"] = result.stderr
            found.model_requests = model.count
            found.model_keys = [r.headers.get("authorization", "") for r in model.requests]
        yield found
    finally:
        echo.close()


def _file_bytes(home: Path, name: str) -> bytes:
    path = home / name
    return path.read_bytes() if path.exists() else b""


# Each sink: how to read its bytes, and the placeholder expected where the canary was (or None).
SINKS: dict[str, tuple[Callable[[Sinks], bytes], bytes | None]] = {
    "runs.sqlite + wal": (
        lambda s: _file_bytes(s.home, "runs.sqlite") + _file_bytes(s.home, "runs.sqlite-wal"),
        f"the key is {REDACTED} ok".encode(),
    ),
    "cache.sqlite + wal": (
        lambda s: _file_bytes(s.home, "cache.sqlite") + _file_bytes(s.home, "cache.sqlite-wal"),
        None,
    ),
    "every other file in the data folder": (
        lambda s: b"".join(
            p.read_bytes()
            for p in sorted(s.home.rglob("*"))
            if p.is_file() and not p.name.startswith(("runs.sqlite", "cache.sqlite"))
        ),
        None,
    ),
    "run --json stdout": (lambda s: s.printed["run --json stdout"], f"the key is {REDACTED} ok".encode()),
    "run --json, cached re-run stdout": (
        lambda s: s.printed["run --json, cached re-run stdout"],
        f"the key is {REDACTED} ok".encode(),
    ),
    "run --events jsonl stdout": (
        lambda s: s.printed["run --events jsonl stdout"],
        f'"X-Api-Key": "{REDACTED}"'.encode(),
    ),
    "stderr of every run": (
        lambda s: b"".join(v for k, v in s.printed.items() if k.endswith("stderr")),
        None,
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("sink", list(SINKS))
def test_canary_is_absent_from_every_sink(sinks: Sinks, sink: str) -> None:
    read, placeholder = SINKS[sink]
    data = read(sinks)
    assert sinks.canary.encode() not in data, f"the canary secret leaked into {sink}"
    if placeholder is not None:
        assert placeholder in data, f"{sink} lacks {placeholder!r} where the secret was"


@pytest.mark.slow
def test_the_canary_was_really_sent_and_echoed(sinks: Sinks) -> None:
    """Guards the table above: the secret did go out, so its absence is the scrubbing's doing."""
    assert sinks.model_keys and all(key == f"Bearer {sinks.canary}" for key in sinks.model_keys)
    # A reply holding a secret is never cached: every run asked the model again.
    assert sinks.model_requests == 3
    printed = json.loads(sinks.printed["run --json stdout"])
    assert printed["answer"] == f"the key is {REDACTED} ok"
    assert printed["echo"]["status"] == 200
    assert printed["echo"]["body"]["headers"]["X-Api-Key"] == REDACTED
    # The reply was saved to chat memory, scrubbed.
    from studio.runtime.memory import MemoryStore

    saved = MemoryStore(sinks.home / "memory" / "memory.sqlite").messages("test-flow", "canary")
    assert saved[-1] == {"role": "assistant", "content": f"the key is {REDACTED} ok"}


def test_in_process_run_scrubs_events_run_record_and_cache(
    monkeypatch: pytest.MonkeyPatch, studio_home: Path
) -> None:
    """run_flow returns the real value to its caller; every sink it writes gets `***`."""
    canary = "cnry" + secrets.token_hex(16)
    monkeypatch.setenv(SECRET_NAME, canary)
    echo = EchoServer()
    events: list[Event] = []
    try:
        with FakeOpenAI(default_text=f"the key is {canary} ok") as model:
            flow = canary_flow(model.base_url, echo.port)
            cache = OutputCache(studio_home / "cache.sqlite")
            inputs = {"question": "key?", "arguments": json.dumps({"url": "headers"})}
            for _ in range(2):
                result = run_flow(flow, inputs, cache=cache, on_event=events.append)
                assert result.status == "succeeded", result.error
            cache.flush()
    finally:
        echo.close()
    assert result.outputs["answer"] == f"the key is {canary} ok"  # the caller gets the real reply
    assert canary not in json.dumps([event.to_dict() for event in events], default=repr)
    store = RunStore()
    recorded: list[Any] = []
    for summary in store.list_runs():
        run = store.get_run(summary.run_id)
        assert run is not None
        recorded.append([summary.outputs, summary.inputs, run[1]])
    store.close()
    assert len(recorded) == 2
    text = json.dumps(recorded, default=repr)
    assert canary not in text and f"the key is {REDACTED} ok" in text
    for name in ("runs.sqlite", "runs.sqlite-wal", "cache.sqlite", "cache.sqlite-wal"):
        assert canary.encode() not in _file_bytes(studio_home, name), name


def test_an_older_cache_file_holding_a_secret_is_emptied_when_opened(studio_home: Path) -> None:
    """cache.sqlite from before entries were checked may hold secrets: once a Studio process has
    opened it (and ended), neither its rows nor its free pages hold them."""
    import sqlite3

    canary = "cnry" + secrets.token_hex(16)
    path = studio_home / "cache.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE outputs (key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL)")
    db.execute("INSERT INTO outputs VALUES ('k', ?, 0)", (json.dumps({"text": canary}),))
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    assert canary.encode() in path.read_bytes()
    # A child process, as `studio run` would be: the emptied file is checkpointed when it ends.
    code = (
        "import sys; from pathlib import Path; from studio.engine.cache import OutputCache; "
        "print(OutputCache(Path(sys.argv[1])).get('k'))"
    )
    child = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "None"
    for name in ("cache.sqlite", "cache.sqlite-wal"):
        assert canary.encode() not in _file_bytes(studio_home, name), name


def test_an_older_cache_file_is_clean_while_it_is_still_open(studio_home: Path) -> None:
    """A long GUI session keeps the cache open: the emptied file is clean on disk at once."""
    import sqlite3

    from studio.engine.cache import OutputCache

    canary = "cnry" + secrets.token_hex(16)
    path = studio_home / "cache-open.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE outputs (key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL)")
    db.execute("INSERT INTO outputs VALUES ('k', ?, 0)", (json.dumps({"text": canary}),))
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    cache = OutputCache(path)
    assert cache.get("k") is None
    for name in ("cache-open.sqlite", "cache-open.sqlite-wal"):
        assert canary.encode() not in _file_bytes(studio_home, name), name
