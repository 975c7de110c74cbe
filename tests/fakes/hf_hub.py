"""A minimal Hugging Face hub stand-in on loopback, speaking the hub's resolve API the way
`huggingface_hub`'s own client expects it (read from its file_download.py):

- `HEAD /{repo}/resolve/{revision}/{file}` answers 302 to a CDN-like URL (the same server, named
  `localhost` rather than `127.0.0.1`, so the client treats it as another host), with
  `X-Repo-Commit`, `X-Linked-Etag` (the file's sha256, as the hub gives for LFS files),
  `X-Linked-Size` and an `ETag` of its own; unknown repos get 404 + `X-Error-Code: RepoNotFound`,
  unknown files 404 + `X-Error-Code: EntryNotFound`.
- `GET /{repo}/resolve/...` redirects the same way; `GET /cdn/{sha256}` serves the bytes, honouring
  `Range: bytes=N-` with 206 and `Content-Range`.
- Faults for tests: `drop_after` closes the connection after that many body bytes on the next
  `drops` GETs (a dropped connection), `corrupt` serves different bytes than the checksum says,
  `delay_s` slows every chunk (so a test can cancel mid-way), `gated` asks for a token.

Usage: `with FakeHub({"OWNER/REPO": {"file.gguf": Path(...)}}) as hub: os.environ["HF_ENDPOINT"] =
hub.url`.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

COMMIT = "0123456789abcdef0123456789abcdef01234567"
CHUNK = 1024 * 1024


@dataclass
class _File:
    path: Path
    sha256: str
    size: int


@dataclass
class Request:
    method: str
    path: str
    range: str | None


@dataclass
class FakeHub:
    """The stand-in: `repos` maps "OWNER/REPO" to {file name: local path}."""

    repos: dict[str, dict[str, Path]]
    drop_after: int | None = None
    drops: int = 0
    corrupt: bool = False
    delay_s: float = 0.0
    # Gated repositories: repo -> the token a request must carry (`Authorization: Bearer ...`).
    gated: dict[str, str] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    _files: dict[tuple[str, str], _File] = field(default_factory=dict)
    _by_sha: dict[str, _File] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        for repo, files in self.repos.items():
            for name, path in files.items():
                self.add(repo, name, path)

    def add(self, repo: str, name: str, path: Path) -> str:
        """Serve one more file; returns its sha256."""
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while block := handle.read(CHUNK):
                digest.update(block)
        item = _File(path, digest.hexdigest(), path.stat().st_size)
        self._files[(repo, name)] = item
        self._by_sha[item.sha256] = item
        return item.sha256

    @property
    def url(self) -> str:
        """The endpoint to put in HF_ENDPOINT."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def cdn_url(self) -> str:
        """Where the bytes are served: the same server under another host name."""
        assert self._server is not None
        return f"http://localhost:{self._server.server_address[1]}"

    def __enter__(self) -> FakeHub:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_HEAD(self) -> None:
                self._handle(head=True)

            def do_GET(self) -> None:
                self._handle(head=False)

            def _handle(self, head: bool) -> None:
                hub.requests.append(Request(self.command, self.path, self.headers.get("Range")))
                path = unquote(self.path.split("?")[0])
                if path.startswith("/api/models/"):
                    self._api(path[len("/api/models/") :], head)
                elif path.startswith("/cdn/"):
                    self._serve(hub._by_sha.get(path[len("/cdn/") :]), head)
                elif "/resolve/" in path:
                    self._resolve(path)
                else:
                    self._empty(404, {"X-Error-Code": "RepoNotFound"})

            def _api(self, rest: str, head: bool) -> None:
                """model_info / repo_info (`/api/models/REPO[/revision/REV]`) and list_repo_tree
                (`/api/models/REPO/tree/REV`), as snapshot_download and fastembed use them."""
                parts = rest.split("/")
                repo, kind = "/".join(parts[:2]), (parts[2] if len(parts) > 2 else "")
                files = {name: item for (r, name), item in hub._files.items() if r == repo}
                if repo not in hub.repos:
                    self._empty(404, {"X-Error-Code": "RepoNotFound"})
                    return
                if kind == "tree":
                    body: Any = [
                        {"type": "file", "path": name, "size": item.size, "oid": item.sha256[:40],
                         "lfs": {"oid": item.sha256, "size": item.size, "pointerSize": 134}}
                        for name, item in sorted(files.items())
                    ]  # fmt: skip
                else:
                    body = {"id": repo, "modelId": repo, "sha": COMMIT, "private": False,
                            "siblings": [{"rfilename": name} for name in sorted(files)]}  # fmt: skip
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if not head:
                    self.wfile.write(data)

            def _empty(self, status: int, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _resolve(self, path: str) -> None:
                repo, _, rest = path.lstrip("/").partition("/resolve/")
                _revision, _, name = rest.partition("/")
                if repo not in hub.repos:
                    self._empty(404, {"X-Error-Code": "RepoNotFound", "X-Repo-Commit": COMMIT})
                    return
                token = hub.gated.get(repo)
                if token is not None and self.headers.get("Authorization") != f"Bearer {token}":
                    self._empty(401, {"X-Error-Code": "GatedRepo", "X-Repo-Commit": COMMIT})
                    return
                item = hub._files.get((repo, name))
                if item is None:
                    self._empty(404, {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": COMMIT})
                    return
                self._empty(
                    302,
                    {
                        # Another host name, like the hub's CDN: the client does not follow the
                        # redirect on HEAD and reads the metadata from this response.
                        "Location": f"{hub.cdn_url}/cdn/{item.sha256}",
                        "X-Repo-Commit": COMMIT,
                        "X-Linked-Etag": f'"{item.sha256}"',
                        "X-Linked-Size": str(item.size),
                        "ETag": '"pointer-etag"',
                    },
                )

            def _serve(self, item: _File | None, head: bool) -> None:
                if item is None:
                    self._empty(404, {})
                    return
                start = 0
                wanted = self.headers.get("Range")
                if wanted and wanted.startswith("bytes=") and wanted[6:].split("-")[0].isdigit():
                    start = int(wanted[6:].split("-")[0])
                length = item.size - start
                self.send_response(206 if start else 200)
                self.send_header("Content-Length", str(length))
                self.send_header("ETag", f'"{item.sha256}"')
                self.send_header("Accept-Ranges", "bytes")
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{item.size - 1}/{item.size}")
                self.end_headers()
                if head:
                    return
                limit = None
                if hub.drop_after is not None and hub.drops > 0:
                    hub.drops -= 1
                    limit = hub.drop_after
                sent = 0
                with item.path.open("rb") as handle:
                    handle.seek(start)
                    while block := handle.read(CHUNK if limit is None else min(CHUNK, limit - sent)):
                        if hub.corrupt:
                            block = bytes(b ^ 0xFF for b in block[:16]) + block[16:]
                        if hub.delay_s:
                            time.sleep(hub.delay_s)
                        try:
                            self.wfile.write(block)
                        except (BrokenPipeError, ConnectionResetError):
                            return
                        sent += len(block)
                        if limit is not None and sent >= limit:
                            # A dropped connection: the promised length never arrives.
                            self.close_connection = True
                            self.wfile.flush()
                            self.connection.shutdown(2)
                            return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
