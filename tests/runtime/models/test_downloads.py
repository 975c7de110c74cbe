"""Pulling models from the hub stand-in through huggingface_hub's real client (HF_ENDPOINT)."""

from __future__ import annotations

import contextlib
import hashlib
import random
import threading
from pathlib import Path

import pytest

from studio.runtime.llm.local import list_local_models, models_folder
from studio.runtime.models import downloads
from studio.runtime.models.downloads import DownloadCancelled, DownloadError, pull
from tests.fakes.hf_hub import FakeHub
from tests.runtime.models.conftest import REPO, SPEC, closed_port


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pull_completes_and_matches_the_hubs_checksum(hub: FakeHub, gguf: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    path = pull(SPEC, progress=lambda done, total: seen.append((done, total)))
    assert path == models_folder() / "smollm2-135m.gguf"
    assert _sha(path) == _sha(gguf)
    assert "local/smollm2-135m" in list_local_models()
    assert seen[-1] == (gguf.stat().st_size, gguf.stat().st_size)
    # Metadata first (HEAD on the resolve URL), then the bytes from where it redirects.
    kinds = [r.method for r in hub.requests if "/resolve/" in r.path or r.path.startswith("/cdn/")]
    assert kinds[0] == "HEAD" and kinds[-1] == "GET"
    assert not list((models_folder() / ".downloads").glob("*.part"))


def test_a_dropped_connection_is_resumed_with_range_requests(hub: FakeHub, gguf: Path) -> None:
    hub.drop_after, hub.drops = 25_000_000, 2
    path = pull(SPEC)
    assert _sha(path) == _sha(gguf)
    ranges = [r.range for r in hub.requests if r.method == "GET" and r.path.startswith("/cdn/")]
    assert any(r and r.startswith("bytes=") for r in ranges)


def test_cancelled_at_random_points_then_resumed_completes(hub: FakeHub, gguf: Path) -> None:
    size = gguf.stat().st_size
    rng = random.Random(12)
    part = models_folder() / ".downloads" / "smollm2-135m.gguf.part"
    for _ in range(3):
        stop_at = rng.randrange(1, size)
        cancel = threading.Event()

        def progress(
            done: int, total: int | None, stop_at: int = stop_at, cancel: threading.Event = cancel
        ) -> None:
            if done >= stop_at:
                cancel.set()

        with contextlib.suppress(DownloadCancelled):
            pull(SPEC, progress=progress, cancel=cancel)
        # Never listed as a model while partial.
        assert "local/smollm2-135m" not in list_local_models() or not part.exists()
    path = pull(SPEC)
    assert _sha(path) == _sha(gguf)
    resumed = [r.range for r in hub.requests if r.method == "GET" and r.range]
    assert resumed, "a later pull resumed from the part file"


def test_unknown_repo_and_file_are_clear_errors(hub: FakeHub) -> None:
    with pytest.raises(DownloadError, match=r"repository test/nope was not found"):
        pull("hf:test/nope/x.gguf")
    with pytest.raises(DownloadError, match=rf"{REPO} .* has no file missing.gguf"):
        pull(f"hf:{REPO}/missing.gguf")
    assert list_local_models() == ["local/smollm2-135m-instruct"]


def test_no_network_is_a_clear_error_and_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(
        DownloadError, match=r"could not connect to the Hugging Face hub at http://127\.0\.0\.1:\d+"
    ):
        pull(SPEC)
    folder = models_folder()
    assert not folder.exists() or not any(folder.rglob("*"))


def test_a_damaged_download_is_refused_and_deleted(hub: FakeHub) -> None:
    hub.corrupt = True
    with pytest.raises(DownloadError, match="checksum does not match"):
        pull(SPEC)
    assert list_local_models() == ["local/smollm2-135m-instruct"]
    assert not any((models_folder() / ".downloads").glob("*.part"))


def test_a_full_disk_is_said_before_downloading(hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    class Usage:
        free = 1000

    monkeypatch.setattr(downloads.shutil, "disk_usage", lambda _p: Usage())
    with pytest.raises(DownloadError, match="not enough disk space"):
        pull(SPEC)
    assert not any((models_folder() / ".downloads").glob("*.part"))


def test_unknown_catalogue_name_suggests_close_matches() -> None:
    with pytest.raises(DownloadError, match=r"did you mean qwen2\.5-1\.5b-instruct"):
        pull("qwen-1.5b")


def test_catalogue_name_resolves_to_its_repo_and_file() -> None:
    target = downloads.resolve_target("qwen2.5-1.5b-instruct")
    assert (target.repo, target.file) == (
        "Qwen/Qwen2.5-1.5B-Instruct-GGUF",
        "qwen2.5-1.5b-instruct-q4_k_m.gguf",
    )
    assert target.model_string == "local/qwen2.5-1.5b-instruct"


def test_the_pulled_model_loads_and_generates(hub: FakeHub) -> None:
    """Real llama-cpp on the pulled file: a short reply and a finish reason."""
    from studio.runtime.models.check import test_model

    pull(SPEC)
    result = test_model("smollm2-135m", max_tokens=4)
    assert result.model == "local/smollm2-135m"
    assert result.tokens >= 1 and result.finish_reason in {"length", "stop"}


def test_a_gated_repo_needs_hf_token_from_the_environment(
    hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.gated[REPO] = "hf_test_token_0123456789abcdefghij"
    with pytest.raises(DownloadError, match=r"gated repository: accept its licence.*HF_TOKEN"):
        pull(SPEC)
    monkeypatch.setenv("HF_TOKEN", "hf_test_token_0123456789abcdefghij")
    assert pull(SPEC).is_file()


def test_the_keyring_token_is_asked_only_when_the_hub_refuses(
    hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []

    def saved_token() -> str:  # the token Settings saved in the keyring
        asked.append(True)
        return "hf_saved_token_0123456789abcdefghij"

    monkeypatch.setattr(downloads, "hub_token", saved_token)
    pull(SPEC)  # a public repository: the keyring is never opened
    assert not asked
    hub.add(REPO, "gated.gguf", models_folder() / "smollm2-135m.gguf")
    hub.gated[REPO] = "hf_saved_token_0123456789abcdefghij"
    assert pull(f"hf:{REPO}/gated.gguf").is_file()
    assert asked


def test_a_second_pull_of_the_same_model_is_refused_while_one_runs(hub: FakeHub) -> None:
    hub.delay_s = 0.05
    started, cancel = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            pull(SPEC, progress=lambda done, total: started.set(), cancel=cancel)
        except DownloadError as exc:
            errors.append(exc)

    worker = threading.Thread(target=first)
    worker.start()
    assert started.wait(30)
    with pytest.raises(DownloadError, match="already being downloaded"):
        pull(SPEC)
    cancel.set()
    worker.join(30)
    assert isinstance(errors[0], DownloadCancelled)
