"""`studio serve` refuses what it cannot serve with one clear line, before it listens."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.cli import main


def test_a_missing_path_or_an_empty_folder_is_a_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", str(tmp_path / "nope")]) == 2
    assert "nope: no such file or folder" in capsys.readouterr().err
    assert main(["serve", str(tmp_path)]) == 2
    assert "no flow files (.json)" in capsys.readouterr().err


def test_bad_limits_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", str(tmp_path), "--max-concurrency", "0"]) == 2
    assert "--max-concurrency" in capsys.readouterr().err


def test_serve_is_listed_with_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = capsys.readouterr().out
    for option in (
        "--host",
        "--port",
        "--allow-code",
        "--allow-mcp",
        "--max-concurrency",
        "--timeout",
        "--cors",
    ):
        assert option in text
    assert "127.0.0.1" in text
