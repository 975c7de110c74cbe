"""Evaluation cells on a real local Ray (2 CPUs): the same scores as a local run, failed rows, no Ray."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from studio.cli import main
from studio.evaluation import EvalSpec, load_cells, run_evaluation
from studio.evaluation.variants import Variant
from tests.evaluation.helpers import echo_flow, jsonl

pytestmark = pytest.mark.slow

ROWS = [
    {"question": "one", "reference": "Answer: one"},
    {"question": "two", "reference": "Reply two"},
    {"reference": "no question: this row fails"},
    {"question": "four", "reference": "Answer: four"},
    {"question": "five"},
]
VARIANTS = [Variant("plain"), Variant("reply", {"fmt": {"template": "Reply {q}"}})]


@pytest.fixture(scope="module")
def ray_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    ray = pytest.importorskip("ray")
    # The workers inherit this environment: their caches and run records go to a scratch home.
    previous = os.environ.get("CHAIN_STUDIO_HOME")
    os.environ["CHAIN_STUDIO_HOME"] = str(tmp_path_factory.mktemp("ray-home"))
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    finally:
        if previous is None:
            os.environ.pop("CHAIN_STUDIO_HOME", None)
        else:
            os.environ["CHAIN_STUDIO_HOME"] = previous
    yield ray
    ray.shutdown()


def _grid(run_id: str) -> dict[tuple[int, str], tuple[str, str, dict[str, Any]]]:
    return {
        (c["row"], c["variant"]): (c["status"], c["sample"]["answer"], c["scores"])
        for c in load_cells(run_id)
    }


def test_cells_on_ray_score_the_same_as_local_and_a_failing_row_is_marked_failed(
    ray_local: Any, tmp_path: Path
) -> None:
    from studio.evaluation.ray_cells import RayEvalOptions

    flow, data = echo_flow(tmp_path), jsonl(tmp_path / "d.jsonl", ROWS)
    spec = EvalSpec(
        str(flow), str(data), metrics=["exact_match", "length", "contains:Answer"], variants=VARIANTS
    )
    local = run_evaluation(spec)
    spec = EvalSpec(
        str(flow), str(data), metrics=["exact_match", "length", "contains:Answer"], variants=VARIANTS
    )
    on_ray = run_evaluation(spec, backend=RayEvalOptions(workers=2, block_cells=3).start)
    assert on_ray.status == "finished"
    assert on_ray.progress.done == len(ROWS) * len(VARIANTS) and on_ray.progress.failed == 2
    grid = _grid(on_ray.run_id)
    assert grid == _grid(local.run_id)
    assert sorted(grid) == [(row, v.name) for row in range(1, 6) for v in VARIANTS]
    assert grid[(1, "plain")][2]["exact_match"]["value"] == 1.0
    assert grid[(2, "reply")][2]["exact_match"]["value"] == 1.0
    for variant in VARIANTS:  # row 3 failed under each variant; rows 4 and 5 still ran
        status, _, scores = grid[(3, variant.name)]
        assert status == "failed" and scores["length"]["value"] is None
        assert grid[(5, variant.name)][0] == "succeeded"
    failed = [c for c in load_cells(on_ray.run_id) if c["status"] == "failed"]
    assert all("missing required input 'question'" in c["error"] for c in failed)


def test_studio_eval_ray_cli_reports_like_a_local_run(
    ray_local: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow, data = echo_flow(tmp_path), jsonl(tmp_path / "d.jsonl", ROWS)
    variants = tmp_path / "v.yaml"
    variants.write_text("plain: {}\nreply: {fmt: {template: 'Reply {q}'}}\n", encoding="utf-8")
    common = [str(flow), "--dataset", str(data), "--variants", str(variants), "-m", "exact_match", "--json"]
    assert main(["eval", *common]) == 0
    local = json.loads(capsys.readouterr().out)
    assert main(["eval", *common, "--ray", "--workers", "2"]) == 0
    on_ray = json.loads(capsys.readouterr().out)
    for name in ("plain", "reply"):
        assert on_ray["summary"][name]["metrics"] == local["summary"][name]["metrics"]
    assert on_ray["summary"]["plain"]["metrics"]["exact_match"]["mean"] == pytest.approx(
        2 / 3
    )  # rows 1, 4 of 1, 2, 4
    assert main(["eval", "compare", local["run"]["run_id"], on_ray["run"]["run_id"]]) == 0
    assert "exact_match" in capsys.readouterr().out


def test_ray_not_installed_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    flow, data = echo_flow(tmp_path), jsonl(tmp_path / "d.jsonl", ROWS[:1])
    code = main(["eval", str(flow), "--dataset", str(data), "-m", "length", "--ray"])
    err = capsys.readouterr().err
    assert code != 0
    assert "chain-studio[ray]" in err and "Traceback" not in err
    assert main(["eval", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # refused before a run was created


def test_a_worker_killed_mid_run_loses_and_doubles_no_cell(ray_local: Any, tmp_path: Path) -> None:
    import signal
    import threading

    from studio.evaluation.ray_cells import RayEvalOptions

    flow = echo_flow(tmp_path)
    data = jsonl(
        tmp_path / "d.jsonl", [{"question": f"q{n}", "reference": f"Answer: q{n}"} for n in range(400)]
    )
    stored: list[int] = []
    killed = threading.Event()

    def kill_one(workers: list[Any]) -> None:
        pid = ray_local.get(workers[0].pid.remote())

        def later() -> None:
            while len(stored) < 40:  # once the run is under way
                threading.Event().wait(0.01)
            os.kill(pid, signal.SIGKILL)
            killed.set()

        threading.Thread(target=later, daemon=True).start()

    spec = EvalSpec(str(flow), str(data), metrics=["exact_match"], variants=VARIANTS, use_cache=False)
    options = RayEvalOptions(workers=2, block_cells=8, on_workers=kill_one)
    outcome = run_evaluation(spec, backend=options.start, on_progress=lambda p: stored.append(p.done))
    assert killed.is_set() and outcome.status == "finished"
    cells = [(c["row"], c["variant"]) for c in load_cells(outcome.run_id)]
    assert len(cells) == 800 and len(set(cells)) == 800
    assert {c["status"] for c in load_cells(outcome.run_id)} == {"succeeded"}


def test_unreachable_address_fails_with_a_clear_error_and_no_run(tmp_path: Path) -> None:
    import subprocess

    flow, data = echo_flow(tmp_path), jsonl(tmp_path / "d.jsonl", ROWS[:1])
    studio = [str(Path(sys.executable).parent / "studio"), "eval"]
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "CHAIN_STUDIO_HOME": str(tmp_path / "home")}
    done = subprocess.run(  # a fresh process: this one already has a local Ray
        [*studio, str(flow), "--dataset", str(data), "-m", "length", "--ray", "ray://127.0.0.1:1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert done.returncode != 0
    assert "cannot reach the Ray cluster at ray://127.0.0.1:1" in done.stderr
    assert "Traceback" not in done.stderr
    listed = subprocess.run(
        [*studio, "list", "--json"], capture_output=True, text=True, timeout=60, check=True, env=env
    )
    assert json.loads(listed.stdout) == []  # refused before a run was created
