"""Fixtures for the server tests: a folder of flows to serve, the app, real servers on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from studio.engine.runstore import RunStore, RunSummary
from studio.flow import load_flow, save_flow
from tests.builders import FlowBuilder
from tests.fakes.openai_server import FakeOpenAI

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "flows" / "serve"
KEY = "cs-test-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
T = TypeVar("T")


def run_async(main: Callable[[], Awaitable[T]]) -> T:
    """Run one test's coroutine on its own event loop."""
    return asyncio.run(main())  # type: ignore[arg-type]


def runs() -> list[RunSummary]:
    """Every run in this test's run history."""
    return RunStore().list_runs(limit=1000)


def wait_for(predicate: Callable[[], Any], what: str, limit_s: float = 30.0) -> Any:
    """Poll until `predicate()` is truthy (a deadline only against hanging, not a timing check)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def chat_flow_on(server: FakeOpenAI, path: Path) -> Path:
    """flows/memory_chatbot.json with its LLM on the fake provider, saved at `path`."""
    flow = load_flow(ROOT / "flows" / "memory_chatbot.json")
    llm = next(node for node in flow.nodes if node.type == "llm.chat")
    llm.config.update(model="openai/fake", api_base=server.base_url, timeout_s=30.0, retries=0)
    save_flow(flow, path)
    return path


def prompt_flow_on(server: FakeOpenAI, path: Path) -> Path:
    """flows/basic_prompt.json with its LLM on the fake provider, saved at `path`."""
    flow = load_flow(ROOT / "flows" / "basic_prompt.json")
    llm = next(node for node in flow.nodes if node.type == "llm.chat")
    llm.config.update(model="openai/fake", api_base=server.base_url, timeout_s=30.0, retries=0)
    save_flow(flow, path)
    return path


def code_flow(path: Path) -> Path:
    """A flow holding a Python code tool: not served without --allow-code."""
    builder = FlowBuilder("code")
    builder.node("in", "io.text_input", name="topic")
    builder.node("code", "tool.python", code="result = input")
    builder.node("out", "io.output", name="result")
    builder.wire("in.text", "out.value")
    save_flow(builder.build(), path)
    return path


@pytest.fixture
def flows_dir(tmp_path: Path) -> Path:
    """A folder to serve, holding the echo flow (input -> template -> output)."""
    folder = tmp_path / "flows"
    folder.mkdir()
    shutil.copy(FIXTURES / "echo.json", folder / "echo.json")
    return folder


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """The fake OpenAI-compatible provider on loopback."""
    with FakeOpenAI() as server:
        yield server


def make_app(folder: Path, **limits: Any) -> Any:
    """The server app for a folder, with the test key."""
    from studio.server.app import create_app
    from studio.server.auth import ApiKey
    from studio.server.catalogue import FlowCatalogue
    from studio.server.limits import Limits
    from studio.server.web import ServerState

    allow_code = limits.pop("allow_code", False)
    catalogue = FlowCatalogue([folder], allow_code=allow_code)
    return create_app(ServerState(catalogue, ApiKey(KEY, "environment"), Limits(**limits)))


def asgi_client(app: Any) -> httpx.AsyncClient:
    """An httpx client talking to the app in process."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ThreadServer:
    """The app under uvicorn on 127.0.0.1 in a thread: a real HTTP server for one test."""

    def __init__(self, app: Any):
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        wait_for(lambda: self.server.started, "the server to start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)


class StudioServe:
    """A real `studio serve` process on a free loopback port."""

    def __init__(self, *args: str, home: Path):
        env = {
            **os.environ,
            "CHAIN_STUDIO_API_KEY": KEY,
            "CHAIN_STUDIO_HOME": str(home),
            "CHAIN_STUDIO_NO_KEYRING": "1",
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "studio.cli", "serve", *args, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # "serving N flow(s) on http://127.0.0.1:PORT ..."
        if "http://" not in line:
            self.process.kill()
            raise AssertionError(f"studio serve did not start: {line}{self.process.communicate()[1]}")
        self.url = line.split(" on ", 1)[1].split()[0]
        wait_for(self._healthy, "studio serve to answer /health")

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> tuple[int, str]:
        """SIGTERM, then the exit code and stderr."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return self.process.returncode, err


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(event name, data) of each Server-Sent Event in a body."""
    events = []
    for block in text.split("\n\n"):
        name, data = "message", None
        for line in block.splitlines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
        if data is not None:
            events.append((name, json.loads(data)))
    return events
