"""Batches on a real local Ray (2 CPUs): same ordered output as local, worker death, bad addresses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from studio.engine.batch import RowOutcome

ROOT = Path(__file__).resolve().parents[2]
ECHO = ROOT / "tests" / "fixtures" / "flows" / "echo.json"
STUDIO = Path(sys.executable).parent / "studio"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ray_local() -> Iterator[Any]:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def _rows(count: int) -> list[tuple[int, Any]]:
    return [(number, {"topic": f"t{number}"}) for number in range(1, count + 1)]


def test_ray_batch_gives_the_same_ordered_outcomes_as_local(ray_local: Any) -> None:
    import asyncio

    from studio.engine.batch import BatchOptions, run_rows
    from studio.engine.graph import compile_flow
    from studio.engine.ray_batch import RayOptions, run_rows_on_ray
    from studio.flow import load_flow

    got: list[RowOutcome] = []
    run_rows_on_ray(ECHO.read_text(), str(ECHO), _rows(300), got.append, RayOptions(workers=2, block_rows=16))
    local: list[RowOutcome] = []
    compiled = compile_flow(load_flow(ECHO))
    asyncio.run(run_rows(compiled, _rows(300), local.append, BatchOptions(record=False, use_cache=False)))
    assert [(o.number, o.row_hash, o.status, o.outputs) for o in got] == [
        (o.number, o.row_hash, o.status, o.outputs) for o in local
    ]
    assert [o.number for o in got] == list(range(1, 301))


def test_a_worker_killed_mid_run_loses_and_doubles_no_row(ray_local: Any) -> None:
    from studio.engine.ray_batch import RayOptions, run_rows_on_ray

    got: list[RowOutcome] = []
    killed = threading.Event()

    def kill_one(workers: list[Any]) -> None:
        pid = ray_local.get(workers[0].pid.remote())

        def later() -> None:
            while len(got) < 64:  # once the batch is under way
                threading.Event().wait(0.01)
            os.kill(pid, signal.SIGKILL)
            killed.set()

        threading.Thread(target=later, daemon=True).start()

    options = RayOptions(workers=2, block_rows=32, on_workers=kill_one)
    run_rows_on_ray(ECHO.read_text(), str(ECHO), _rows(3000), got.append, options)
    assert killed.is_set()
    numbers = [o.number for o in got]
    assert len(numbers) == 3000 and len(set(numbers)) == 3000
    assert numbers == list(range(1, 3001))
    assert all(o.status == "succeeded" for o in got)


def test_a_failing_row_is_reported_once_and_the_rest_run(ray_local: Any) -> None:
    from studio.engine.ray_batch import RayOptions, run_rows_on_ray

    rows: list[tuple[int, Any]] = [(1, {"topic": "a"}), (2, {"wrong": 1}), (3, {"topic": "c"})]
    got: list[RowOutcome] = []
    run_rows_on_ray(ECHO.read_text(), str(ECHO), rows, got.append, RayOptions(workers=2, block_rows=1))
    assert [o.number for o in got] == [1, 2, 3]  # reported once, not retried
    assert got[0].status == "succeeded" and got[2].status == "succeeded"
    assert got[1].status != "succeeded" and got[1].error


def test_unreachable_address_fails_with_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text('{"topic": "a"}\n')
    done = subprocess.run(
        [str(STUDIO), "batch", str(ECHO), "-d", str(data), "--ray", "ray://127.0.0.1:1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "CHAIN_STUDIO_HOME": str(tmp_path)},
    )
    assert done.returncode != 0
    assert "cannot reach the Ray cluster at ray://127.0.0.1:1" in done.stderr
    assert "Traceback" not in done.stderr


def test_ray_not_installed_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from studio.cli import main

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    monkeypatch.setenv("CHAIN_STUDIO_HOME", str(tmp_path))
    data = tmp_path / "rows.jsonl"
    data.write_text('{"topic": "a"}\n')
    code = main(["batch", str(ECHO), "-d", str(data), "--ray"])
    assert code != 0
    assert "chain-studio[ray]" in capsys.readouterr().err


def test_studio_help_does_not_import_ray() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom studio.cli import main\ntry:\n main(['--help'])\n"
            "except SystemExit:\n pass\nprint('ray' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.strip().splitlines()[-1] == "False"
