"""A long batch killed with SIGKILL three times, then resumed: every row exactly once, in order."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ECHO = ROOT / "tests" / "fixtures" / "flows" / "echo.json"
ROWS = 20_000
STUDIO = Path(sys.executable).parent / "studio"  # the console script beside this interpreter


def _start(data: Path, out: Path, home: Path, resume: bool) -> subprocess.Popen[bytes]:
    command = [str(STUDIO), "batch", str(ECHO), "-d", str(data), "-o", str(out)]
    command += ["--no-cache", "--no-progress", "-c", "32"] + (["--resume"] if resume else [])
    env = {**os.environ, "CHAIN_STUDIO_HOME": str(home), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _lines(out: Path) -> int:
    return out.read_bytes().count(b"\n") if out.exists() else 0


@pytest.mark.slow
def test_sigkilled_three_times_then_resumed_has_every_row_once_in_order(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    with open(data, "w", encoding="utf-8") as handle:
        for number in range(ROWS):
            handle.write(json.dumps({"topic": f"t{number}"}) + "\n")
    out = tmp_path / "out.jsonl"
    chance = random.Random()
    kills = 0
    for attempt in range(3):
        process = _start(data, out, tmp_path / "home", resume=attempt > 0)
        before = _lines(out)
        # Kill at a random moment once this attempt has written something (so each kill lands
        # mid-run, usually mid-write), but well before it could finish.
        deadline = time.monotonic() + 60
        target = before + chance.randint(500, 4000)
        while _lines(out) < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(chance.uniform(0.005, 0.05))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    assert kills == 3, "every attempt was still running when killed"
    assert _lines(out) < ROWS

    final = _start(data, out, tmp_path / "home", resume=True)
    _, stderr = final.communicate(timeout=120)
    assert final.returncode == 0, stderr.decode()
    assert "already done" in stderr.decode()

    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    numbers = [record["row"] for record in records]
    assert len(numbers) == ROWS
    assert numbers == list(range(1, ROWS + 1))  # every row once, in order
    assert all(record["status"] == "succeeded" for record in records)
    assert records[-1]["outputs"] == {"result": f"about: t{ROWS - 1}"}
