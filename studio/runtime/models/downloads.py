"""Pulling GGUF models from the Hugging Face hub (or a mirror in `HF_ENDPOINT`) into the models
folder, resumably, with the hub's checksum checked.

The file's metadata (size, sha256, final URL) comes from `huggingface_hub.get_hf_file_metadata` and
the bytes from `huggingface_hub`'s own `http_get` (Range requests, its retries), written to
`<models>/.downloads/<name>.gguf.part`. Only a complete file whose sha256 matches the hub's and
whose GGUF header is whole is moved (atomically) to `<models>/<name>.gguf`, so a partial download
never shows up as a model; the next pull of the same file resumes from the part file.
`hf_hub_download` itself is not used: it discards a partial file when a download fails.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.runtime.models.catalogue import ChatEntry, chat_entry, close_matches, format_size
from studio.runtime.models.installed import ModelError, staging_folder, validate_gguf

DEFAULT_ENDPOINT = "https://huggingface.co"
# Seconds to wait for the hub's answer to the metadata request before saying it is unreachable.
METADATA_TIMEOUT_S = 10.0
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_GIT_SHA1 = re.compile(r"^[0-9a-f]{40}$")

# (bytes done, total bytes or None); called from the downloading thread.
ProgressCallback = Callable[[int, int | None], None]


class DownloadError(ModelError):
    """A pull failed; the message says why in one sentence and what to do."""


class DownloadCancelled(DownloadError):
    """The user cancelled; the part file stays, so the next pull resumes."""


@dataclass(frozen=True)
class PullTarget:
    """What a pull fetches: a catalogue model or any `hf:OWNER/REPO/FILE.gguf`."""

    name: str
    repo: str
    file: str
    revision: str = "main"
    entry: ChatEntry | None = None

    @property
    def model_string(self) -> str:
        """The model string an LLM node takes once it is pulled."""
        return f"local/{self.name}"


def endpoint() -> str:
    """The hub's address: `HF_ENDPOINT` (a mirror) when set, read now rather than at import."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


_endpoint_lock = threading.Lock()


@contextlib.contextmanager
def hub_endpoint() -> Iterator[None]:
    """Make libraries that call huggingface_hub with its defaults (fastembed) use `endpoint()`:
    huggingface_hub reads HF_ENDPOINT once, at import, so a process that imported it before the
    variable was set (the Studio, a test run) would otherwise still ask the default hub."""
    from huggingface_hub import constants, hf_api

    with _endpoint_lock:
        saved = (constants.ENDPOINT, constants.HUGGINGFACE_CO_URL_TEMPLATE, hf_api.api.endpoint)
        hub = endpoint()
        constants.ENDPOINT = hub
        constants.HUGGINGFACE_CO_URL_TEMPLATE = hub + "/{repo_id}/resolve/{revision}/{filename}"
        hf_api.api.endpoint = hub
        try:
            yield
        finally:
            constants.ENDPOINT, constants.HUGGINGFACE_CO_URL_TEMPLATE, hf_api.api.endpoint = saved


def resolve_target(spec: str) -> PullTarget:
    """The catalogue entry or `hf:` spec a user typed; DownloadError with close matches if unknown.

    `hf:OWNER/REPO/path/FILE.gguf` (optionally `@REVISION` after the repo: `hf:O/R@v1/F.gguf`).
    """
    spec = spec.strip()
    if spec.startswith("hf:"):
        parts = spec[3:].strip("/").split("/")
        if len(parts) < 3 or not parts[-1].lower().endswith(".gguf") or not all(parts):
            raise DownloadError(
                f"{spec!r} is not a hub file: write hf:OWNER/REPO/FILE.gguf, e.g. "
                "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf"
            )
        repo_name, _, revision = parts[1].partition("@")
        file = "/".join(parts[2:])
        return PullTarget(Path(file).stem, f"{parts[0]}/{repo_name}", file, revision or "main")
    entry = chat_entry(spec)
    if entry is None:
        matches = close_matches(spec)
        hint = f"did you mean {', '.join(matches)}?" if matches else "see `studio models list --catalogue`"
        raise DownloadError(
            f"{spec!r} is not in the model catalogue: {hint} (or pull hf:OWNER/REPO/FILE.gguf)"
        )
    if entry.builtin or not entry.hf_repo:
        raise DownloadError(f"{entry.name} is built in: there is nothing to download")
    return PullTarget(entry.name, entry.hf_repo, entry.file, "main", entry)


class _NeedsToken(DownloadError):
    """The hub refused without (this) token: a gated or private repository, or a wrong name."""


def hub_token() -> str | None:
    """HF_TOKEN for gated repositories: the keyring (Settings), this session, or the environment."""
    from studio.runtime.safety.secrets import lookup_secret

    return lookup_secret("HF_TOKEN")


def _quick_token() -> str | None:
    """HF_TOKEN from this session or the environment, without asking the keyring (opening it costs
    over half a second, and public repositories need no token)."""
    from studio.runtime.safety.secrets import session_secret_names

    if "HF_TOKEN" in session_secret_names():
        return hub_token()
    return os.environ.get("HF_TOKEN") or None


def _metadata_with_token(target: PullTarget) -> tuple[Any, str | None]:
    """The file's metadata and the token that got it: first without the keyring, then, when the
    hub refuses, with the token saved in the keyring (if there is another one)."""
    token = _quick_token()
    try:
        return _metadata(target, token), token
    except _NeedsToken:
        saved = hub_token()
        if not saved or saved == token:
            raise
        return _metadata(target, saved), saved


class _Progress:
    """A stand-in for tqdm that huggingface_hub's `http_get` drives: reports bytes and stops the
    download (by raising) when the cancel event is set."""

    callback: ProgressCallback | None = None
    cancel: threading.Event | None = None

    def __init__(self, *, total: int | None = None, initial: int = 0, **_: Any):
        self.total = total
        self.n = initial
        self._report()

    def _report(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise DownloadCancelled("the download was cancelled; pull it again to resume where it stopped")
        if self.callback is not None:
            self.callback(self.n, self.total)

    def update(self, n: int | float = 1) -> None:
        self.n += int(n)
        self._report()

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:
        return None


def _progress_class(callback: ProgressCallback | None, cancel: threading.Event | None) -> type[_Progress]:
    return type(
        "Progress", (_Progress,), {"callback": staticmethod(callback) if callback else None, "cancel": cancel}
    )


def _metadata(target: PullTarget, token: str | None) -> Any:
    """The hub's metadata for the file (HEAD): final URL, size, etag; DownloadError in words."""
    import httpx
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub.errors import (
        EntryNotFoundError,
        GatedRepoError,
        HfHubHTTPError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    from studio.runtime.http_client import connection_error_message

    hub = endpoint()
    url = hf_hub_url(target.repo, target.file, revision=target.revision, endpoint=hub)
    try:
        return get_hf_file_metadata(url, token=token or False, timeout=METADATA_TIMEOUT_S, endpoint=hub)
    except GatedRepoError as exc:
        raise _NeedsToken(
            f"{target.repo} is a gated repository: accept its licence on the Hugging Face website, "
            "then set HF_TOKEN (in Settings or the environment) and pull again"
        ) from exc
    except RepositoryNotFoundError as exc:
        raise _NeedsToken(
            f"the repository {target.repo} was not found on {hub} (check its name; a private "
            "repository needs HF_TOKEN)"
        ) from exc
    except RevisionNotFoundError as exc:
        raise DownloadError(
            f"the repository {target.repo} has no revision {target.revision!r} on {hub}"
        ) from exc
    except EntryNotFoundError as exc:
        raise DownloadError(f"the repository {target.repo} on {hub} has no file {target.file}") from exc
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "an error"
        raise DownloadError(
            f"the hub at {hub} answered {status} for {target.repo}/{target.file}; try again later"
        ) from exc
    except (httpx.HTTPError, OSError) as exc:
        raise DownloadError(connection_error_message(hub, exc, what="the Hugging Face hub")) from exc


def check_repo(repo: str) -> None:
    """Ask the hub whether a repository is there (fast, before a library with long retries goes
    to fetch it); DownloadError in words when it is unreachable or missing."""
    import httpx
    from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError
    from huggingface_hub.utils._headers import build_hf_headers
    from huggingface_hub.utils._http import hf_raise_for_status

    from studio.runtime.http_client import connection_error_message

    hub = endpoint()
    try:
        # One plain request (HfApi retries a refused connection for seconds).
        response = httpx.get(
            f"{hub}/api/models/{repo}",
            headers=build_hf_headers(token=_quick_token() or False),
            timeout=METADATA_TIMEOUT_S,
            follow_redirects=True,
        )
        hf_raise_for_status(response)
    except GatedRepoError as exc:
        raise DownloadError(f"{repo} is a gated repository: accept its licence, then set HF_TOKEN") from exc
    except RepositoryNotFoundError as exc:
        raise DownloadError(f"the repository {repo} was not found on {hub}") from exc
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "an error"
        raise DownloadError(f"the hub at {hub} answered {status} for {repo}; try again later") from exc
    except (httpx.HTTPError, OSError) as exc:
        raise DownloadError(connection_error_message(hub, exc, what="the Hugging Face hub")) from exc


def _checksum_matches(path: Path, etag: str | None) -> bool | None:
    """Whether the file matches the hub's etag: sha256 for LFS files, git's blob sha1 for small
    ones; None when the etag is neither (nothing to check against)."""
    etag = (etag or "").strip('"').lower()
    if _SHA256.match(etag):
        digest = hashlib.sha256()
    elif _GIT_SHA1.match(etag):
        digest = hashlib.sha1(usedforsecurity=False)
        digest.update(f"blob {path.stat().st_size}\0".encode())
    else:
        return None
    with path.open("rb") as handle:
        while block := handle.read(4 * 1024 * 1024):
            digest.update(block)
    return digest.hexdigest() == etag


class _HashingFile:
    """The part file as `http_get` writes it, hashed on the way (so a finished download needs no
    second pass over gigabytes); a rewind (a server that ignored Range) drops the running hash."""

    def __init__(self, handle: Any, part: Path, etag: str | None):
        self.handle = handle
        self.digest: Any = None
        if _SHA256.match((etag or "").strip('"').lower()):
            self.digest = hashlib.sha256()
            if part.stat().st_size:  # resuming: the bytes already there first
                with part.open("rb") as done:
                    while block := done.read(4 * 1024 * 1024):
                        self.digest.update(block)

    def write(self, data: bytes) -> int:
        if self.digest is not None:
            self.digest.update(data)
        return int(self.handle.write(data))

    def tell(self) -> int:
        return int(self.handle.tell())

    def seek(self, *args: Any) -> int:
        self.digest = None
        return int(self.handle.seek(*args))

    def truncate(self, *args: Any) -> int:
        self.digest = None
        return int(self.handle.truncate(*args))

    def hexdigest(self) -> str | None:
        return None if self.digest is None else str(self.digest.hexdigest())


def _check_space(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise DownloadError(
            f"not enough disk space in {folder}: the download needs {format_size(needed)} more, "
            f"{format_size(free)} is free; free some space and pull again"
        )


def pull(
    spec: str,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    *,
    folder: Path | None = None,
) -> Path:
    """Download a catalogue model or `hf:` file into the models folder; returns the model file.

    Resumes a part file left by an earlier pull of the same hub file; raises DownloadError (with
    DownloadCancelled when `cancel` is set) in one clear sentence, never leaving a broken model.
    """
    from studio.runtime.llm.local import models_folder

    target = resolve_target(spec)
    folder = models_folder() if folder is None else folder
    final = folder / f"{target.name}.gguf"
    if final.is_file():
        return final
    meta, token = _metadata_with_token(target)  # nothing is written before the hub has answered
    staging = staging_folder(folder)
    with _only_pull(staging, target.name):
        if final.is_file():  # the other pull we waited on has just finished it
            return final
        return _download(target, meta, token, staging, final, progress, cancel)


@contextlib.contextmanager
def _only_pull(staging: Path, name: str) -> Iterator[None]:
    """One pull of a model at a time (the Studio and a shell could both start one): two writers
    appending to one part file would spoil it."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; the checksum still catches a mix-up
        yield
        return
    with (staging / f"{name}.lock").open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise DownloadError(
                f"{name} is already being downloaded (in another window or command); wait for "
                "that download to finish"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _download(
    target: PullTarget,
    meta: Any,
    token: str | None,
    staging: Path,
    final: Path,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> Path:
    """Fetch (or resume) the part file, check it and move it into place."""
    import httpx
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils._headers import build_hf_headers

    folder = final.parent
    part = staging / f"{target.name}.gguf.part"
    record = staging / f"{target.name}.json"
    wanted = {"repo": target.repo, "file": target.file, "etag": meta.etag, "size": meta.size}
    try:
        previous = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = None
    if previous != wanted:  # another file or a new version on the hub: start over
        part.unlink(missing_ok=True)
        record.write_text(json.dumps(wanted), encoding="utf-8")
    done = part.stat().st_size if part.is_file() else 0
    if meta.size is not None:
        if done > meta.size:
            part.unlink(missing_ok=True)
            done = 0
        _check_space(staging, meta.size - done)
    headers = build_hf_headers(token=token or False)
    try:
        with part.open("ab") as raw:
            handle = _HashingFile(raw, part, meta.etag)
            http_get(
                meta.location,
                handle,  # type: ignore[arg-type]
                resume_size=done,
                headers=headers,
                expected_size=meta.size,
                displayed_filename=target.file,
                tqdm_class=_progress_class(progress, cancel),
            )
    except DownloadError:
        raise
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            _discard(part, record)
            raise DownloadError(
                f"the disk filled up while downloading {target.file} into {folder}; free "
                f"{format_size(meta.size or 0)} and pull again"
            ) from exc
        if "Consistency check failed" in str(exc):
            raise DownloadError(
                f"the connection to {endpoint()} ended before {target.file} was complete; pull it "
                "again to resume"
            ) from exc
        raise DownloadError(f"could not write {part}: {exc.strerror or exc}") from exc
    except httpx.HTTPError as exc:
        from studio.runtime.http_client import connection_error_message

        raise DownloadError(
            connection_error_message(endpoint(), exc, what="the Hugging Face hub")
            + f"; {target.file} is partly downloaded: pull it again to resume"
        ) from exc
    return _finish(target, part, record, final, meta.etag, handle.hexdigest())


def _discard(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _finish(
    target: PullTarget, part: Path, record: Path, final: Path, etag: str | None, digest: str | None
) -> Path:
    """Check the complete part file (its sha256 computed while downloading, or now) and move it
    into place as the model."""
    expected = (etag or "").strip('"').lower()
    matches = digest == expected if digest is not None else _checksum_matches(part, etag)
    if matches is False:
        _discard(part, record)
        raise DownloadError(
            f"{target.file} arrived damaged (its checksum does not match the hub's); it was "
            "deleted: pull it again"
        )
    try:
        validate_gguf(part)
    except ModelError as exc:
        _discard(part, record)
        raise DownloadError(f"{target.repo}/{target.file} is not a usable GGUF model ({exc})") from exc
    os.replace(part, final)
    record.unlink(missing_ok=True)
    return final


def partial_downloads(folder: Path | None = None) -> list[tuple[str, int]]:
    """Part files waiting to be resumed: (name, bytes so far)."""
    from studio.runtime.llm.local import models_folder

    staging = (models_folder() if folder is None else folder) / ".downloads"
    if not staging.is_dir():
        return []
    return [
        (p.name.removesuffix(".gguf.part"), p.stat().st_size) for p in sorted(staging.glob("*.gguf.part"))
    ]
