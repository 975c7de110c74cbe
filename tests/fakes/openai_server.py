"""A fake OpenAI-compatible chat server on 127.0.0.1 for tests and benchmarks.

```python
with FakeOpenAI() as server:
    server.fail(2, status=429)         # the first two requests get HTTP 429
    server.reply("hello there")        # the third gets this text (streamed or not)
    server.reply({"name": "Ada"})      # the fourth gets this JSON, serialised
    ...  # call f"{server.base_url}" (ends in /v1) with model "openai/anything"
    assert server.count == 4
```
Replies are served in the order queued; when the queue is empty every request gets
`default_text`. `delay_s` delays every answer; `stall=True` accepts requests and never answers
(until the server stops); `send_usage=False` streams without a usage chunk;
`reject_json_schema=True` refuses response_format json_schema as llama.cpp's server does;
`Reply(cut_after_chunks=n)` drops the connection after n streamed chunks. Each request handler
runs in its own thread, so concurrent requests are answered concurrently. Every request is
logged (`server.requests`) with its headers and body.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeOpenAI", "LoggedRequest", "Reply"]


@dataclass
class Reply:
    """One scripted answer: a text (or JSON value), or an HTTP error, or a stall."""

    content: Any = None  # str, or any JSON value (sent as its JSON text)
    status: int = 200
    error_message: str = "scripted failure"
    retry_after: float | None = None  # Retry-After header on an error
    delay_s: float = 0.0  # before answering
    chunk_delay_s: float = 0.0  # between streamed chunks
    stall: bool = False  # accept, then never answer
    stall_after_chunks: int | None = None  # stream this many chunks, then go silent
    finish_reason: str = "stop"
    send_usage: bool = True  # False: a stream ends without the usage chunk, even if asked
    cut_after_chunks: int | None = None  # stream this many chunks, then drop the connection

    @property
    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return json.dumps(self.content, ensure_ascii=False)


@dataclass
class LoggedRequest:
    """What the fake server received."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: Any
    raw: str
    time: float = field(default_factory=time.monotonic)

    @property
    def stream(self) -> bool:
        return bool(isinstance(self.body, dict) and self.body.get("stream"))


def _pieces(text: str) -> list[str]:
    """Split text into word-sized stream chunks (the whitespace stays with the word after it)."""
    pieces: list[str] = []
    current = ""
    for char in text:
        if char.isspace() and current and not current.isspace():
            pieces.append(current)
            current = ""
        current += char
    if current:
        pieces.append(current)
    return pieces


def _word_count(messages: Any) -> int:
    if not isinstance(messages, list):
        return 0
    total = 0
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            total += len(content.split())
    return total + 3 * len(messages)


class FakeOpenAI:
    """The server; use as a context manager (or call start()/stop())."""

    def __init__(self, default_text: str = "Hello from the fake server.", delay_s: float = 0.0):
        self.default_text = default_text
        self.delay_s = delay_s
        self.stall = False
        # Like llama.cpp's server: response_format json_schema gets HTTP 500 "Input should be
        # 'text' or 'json_object'" (json_object is accepted).
        self.reject_json_schema = False
        # False: streams never carry a usage chunk (servers that ignore stream_options).
        self.send_usage = True
        self.requests: list[LoggedRequest] = []
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.active = 0  # requests being answered right now
        self.max_active = 0  # the most answered at once

    # --- scripting -------------------------------------------------------------------------

    def reply(self, *contents: Any, **options: Any) -> FakeOpenAI:
        """Queue one reply per content (text or JSON value); options as in `Reply`."""
        with self._lock:
            for content in contents:
                self._queue.append(content if isinstance(content, Reply) else Reply(content, **options))
        return self

    def fail(self, times: int = 1, status: int = 500, **options: Any) -> FakeOpenAI:
        """Queue `times` HTTP errors with this status."""
        with self._lock:
            for _ in range(times):
                self._queue.append(Reply(status=status, **options))
        return self

    def stall_next(self, times: int = 1) -> FakeOpenAI:
        """Queue `times` requests that are accepted and never answered."""
        with self._lock:
            for _ in range(times):
                self._queue.append(Reply(stall=True))
        return self

    def _next(self) -> Reply:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        return Reply(self.default_text, stall=self.stall)

    # --- inspection ------------------------------------------------------------------------

    @property
    def count(self) -> int:
        """How many chat completion requests arrived."""
        with self._lock:
            return sum(1 for r in self.requests if r.path.endswith("/chat/completions"))

    def log_text(self) -> str:
        """Everything received (headers and bodies), for asserting what was or was not sent."""
        with self._lock:
            return "\n".join(f"{r.method} {r.path}\n{json.dumps(r.headers)}\n{r.raw}" for r in self.requests)

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, ending in /v1."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def port(self) -> int:
        assert self._server is not None, "the fake server is not running"
        return int(self._server.server_address[1])

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeOpenAI:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        server.daemon_threads = True
        server.request_queue_size = 128  # a burst of concurrent connects must not be dropped
        server.allow_reuse_address = True
        server.server_bind()
        server.server_activate()
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()  # releases stalled handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Real servers (uvicorn, llama.cpp's, Ollama's) send without Nagle's delay; without this a
    # reused keep-alive connection waits ~40 ms for a delayed ACK between headers and body.
    disable_nagle_algorithm = True
    server_fake: FakeOpenAI

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def _log(self, body: Any, raw: str) -> None:
        fake = self.server_fake
        with fake._lock:
            fake.requests.append(
                LoggedRequest(
                    self.command,
                    self.path,
                    {name.lower(): value for name, value in self.headers.items()},
                    body,
                    raw,
                )
            )

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def do_GET(self) -> None:
        self._log(None, "")
        if self.path.rstrip("/").endswith("/models"):
            self._send_json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            body = None
        self._log(body, raw)
        fake = self.server_fake
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        if not isinstance(body, dict):
            self._send_json(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
            return
        response_format = body.get("response_format")
        if (
            fake.reject_json_schema
            and isinstance(response_format, dict)
            and response_format.get("type") == "json_schema"
        ):
            # llama.cpp's server words it this way, with a 500 although the request is at fault.
            message = "1 validation error: response_format.type: Input should be 'text' or 'json_object'"
            self._send_json(500, {"error": {"message": message, "type": "server_error", "code": 500}})
            return
        reply = fake._next()
        with fake._lock:
            fake.active += 1
            fake.max_active = max(fake.max_active, fake.active)
        try:
            self._answer(fake, reply, body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): fine
        finally:
            with fake._lock:
                fake.active -= 1

    def _answer(self, fake: FakeOpenAI, reply: Reply, body: dict[str, Any]) -> None:
        if reply.stall:
            fake._closing.wait(timeout=600)
            self.close_connection = True
            return
        delay = reply.delay_s or fake.delay_s
        if delay and fake._closing.wait(timeout=delay):
            return
        if reply.status != 200:
            headers = {}
            if reply.retry_after is not None:
                headers["Retry-After"] = f"{reply.retry_after:g}"
            kind = "rate_limit_error" if reply.status == 429 else "server_error"
            self._send_json(
                reply.status,
                {"error": {"message": reply.error_message, "type": kind, "code": str(reply.status)}},
                headers,
            )
            return
        model = str(body.get("model", "fake-model"))
        text = reply.text
        pieces = _pieces(text)
        usage = {
            "prompt_tokens": _word_count(body.get("messages")),
            "completion_tokens": len(pieces),
            "total_tokens": _word_count(body.get("messages")) + len(pieces),
        }
        created = int(time.time())
        if not body.get("stream"):
            self._send_json(
                200,
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": created,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": reply.finish_reason,
                        }
                    ],
                    "usage": usage,
                },
            )
            return
        self._stream(fake, reply, body, model, pieces, usage, created)

    def _stream(
        self,
        fake: FakeOpenAI,
        reply: Reply,
        body: dict[str, Any],
        model: str,
        pieces: list[str],
        usage: dict[str, int],
        created: int,
    ) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

        def event(choices: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> None:
            payload = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": choices,
                **(extra or {}),
            }
            self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
            self.wfile.flush()

        event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
        for index, piece in enumerate(pieces):
            if reply.stall_after_chunks is not None and index >= reply.stall_after_chunks:
                fake._closing.wait(timeout=600)
                return
            if reply.cut_after_chunks is not None and index >= reply.cut_after_chunks:
                # The connection drops mid-reply (a proxy timeout, a crashed server).
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if reply.chunk_delay_s and fake._closing.wait(timeout=reply.chunk_delay_s):
                return
            event([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
        event([{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}])
        options = body.get("stream_options") or {}
        if options.get("include_usage") and reply.send_usage and fake.send_usage:
            event([], {"usage": usage})
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
