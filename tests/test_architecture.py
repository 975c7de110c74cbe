"""Project rules a reviewer would otherwise check by hand."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_import_contracts_hold() -> None:
    """Every import-linter contract in pyproject.toml holds, the no-circles one included."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"][
        "contracts"
    ]
    assert any(c["type"] == "acyclic_siblings" for c in contracts)
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts)} kept, 0 broken" in result.stdout


def test_no_source_file_is_over_600_lines() -> None:
    too_long = {}
    for folder in ("studio", "nodes"):
        for path in (ROOT / folder).rglob("*.py"):
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines > 600:
                too_long[str(path.relative_to(ROOT))] = lines
    assert too_long == {}


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block is not None
    setup_and_run, setup_and_test = block.group(1).strip().splitlines()[:2]
    assert "studio run flows/basic_prompt.json" in setup_and_run
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_and_test in ci.splitlines()
    assert "pytest" in setup_and_test


def test_node_modules_import_nothing_heavy_at_top_level() -> None:
    code = (
        "import sys, importlib.metadata as m\n"
        "for ep in m.entry_points(group='studio.nodes'): ep.load()\n"
        "heavy = [x for x in ('litellm', 'lancedb', 'fastembed', 'onnxruntime', 'PySide6', 'llama_cpp',"
        " 'pyarrow', 'jieba', 'pypdf', 'docx') if x in sys.modules]\n"
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_ruff_is_clean() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "studio", "nodes", "tests", "benchmarks", "scripts"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_format_is_applied() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "format", "--check", "studio", "nodes", "tests", "benchmarks", "scripts", "packaging"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_mypy_strict_is_clean_on_studio_and_nodes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "studio", "nodes"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]
