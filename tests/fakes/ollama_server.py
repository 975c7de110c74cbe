"""A fake Ollama on 127.0.0.1: `GET /api/tags` lists the models it was given.

```python
with FakeOllama(["qwen2.5:1.5b"]) as ollama:
    ...  # ollama.url is "http://127.0.0.1:PORT"
```
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOllama:
    """Serves `/api/tags` as Ollama does (a `models` list of `{name, model, size, ...}`)."""

    def __init__(self, models: list[str]):
        self.models = models
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeOllama:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake.requests.append(self.path)
                if self.path == "/api/tags":
                    body = {"models": [{"name": m, "model": m, "size": 1_000_000} for m in fake.models]}
                    status = 200
                else:
                    body, status = {"error": "not found"}, 404
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
