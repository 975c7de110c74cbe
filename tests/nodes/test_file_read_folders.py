"""`tool.file_read` reads only its own folders; relative paths in a flow follow the flow file; the
folders allowed in Settings widen what flow files may load."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodes.data_tools import FileReadTool
from nodes.loaders import FolderLoaderNode, LoadFileNode
from studio.cli import main
from studio.engine.errors import NodeError
from studio.runtime.knowledge.vectorstore import KnowledgeBase
from studio.runtime.preferences import set_preference
from tests.nodes.rag_helpers import run_node
from tests.nodes.test_tools import call_tool

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A flow folder (with a docs folder and a private file) and a working folder elsewhere."""
    flow_dir = tmp_path / "project"
    (flow_dir / "docs").mkdir(parents=True)
    (flow_dir / "docs" / "a.md").write_text("# A\n\nalpha", encoding="utf-8")
    (flow_dir / "private.txt").write_text("flow folder secret", encoding="utf-8")
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    (cwd / "notes.txt").write_text("working folder secret", encoding="utf-8")
    monkeypatch.chdir(cwd)
    return {"flow": flow_dir, "cwd": cwd}


def test_file_read_reads_only_the_folders_it_was_given(places: dict[str, Path]) -> None:
    flow, cwd = places["flow"], places["cwd"]
    host = {"allowed_folders": [str(cwd), str(flow)]}  # what `studio run` hands every node
    config = {"folders": ["docs"]}
    assert call_tool(FileReadTool, config, {"path": "a.md"}, base_dir=flow, extras=host) == "# A\n\nalpha"
    for path in (str(flow / "private.txt"), str(cwd / "notes.txt")):
        with pytest.raises(NodeError, match="outside the allowed folders"):
            call_tool(FileReadTool, config, {"path": path}, base_dir=flow, extras=host)
    for path in ("private.txt", "notes.txt"):  # relative names are looked up in its folders only
        with pytest.raises(NodeError, match="no file or folder"):
            call_tool(FileReadTool, config, {"path": path}, base_dir=flow, extras=host)
    # The default folder "." is the flow's folder, resolved against the flow file, not the cwd.
    assert call_tool(FileReadTool, {}, {"path": "private.txt"}, base_dir=flow) == "flow folder secret"
    with pytest.raises(NodeError, match="outside the allowed folders"):
        call_tool(FileReadTool, {}, {"path": str(cwd / "notes.txt")}, base_dir=flow)


def test_relative_paths_in_a_flow_resolve_against_the_flow_file(places: dict[str, Path]) -> None:
    flow = places["flow"]
    out, _ = run_node(FolderLoaderNode, {"folder": "docs"}, base_dir=flow)
    assert [d["metadata"]["source"] for d in out["documents"]] == ["a.md"]
    out, _ = run_node(LoadFileNode, {"path": "docs/a.md"}, base_dir=flow)
    assert out["documents"][0]["text"].endswith("alpha")


def test_a_flow_loads_outside_its_folder_only_from_folders_allowed_in_settings(
    places: dict[str, Path], tmp_path: Path
) -> None:
    flow, cwd = places["flow"], places["cwd"]
    # Without a host list the flow's own folder is allowed, the working folder is not.
    with pytest.raises(NodeError, match=r"outside the allowed folders.*Settings > Folders"):
        run_node(LoadFileNode, {"path": str(cwd / "notes.txt")}, base_dir=flow)
    set_preference("allowed_folders", [str(cwd)])
    out, _ = run_node(LoadFileNode, {"path": str(cwd / "notes.txt")}, base_dir=flow)
    assert out["documents"][0]["text"] == "working folder secret"


def test_the_ingest_template_runs_from_another_working_folder(
    places: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # `../assets/sample_docs` in the template is relative to flows/, whatever the working folder.
    assert (
        main(["run", str(ROOT / "flows" / "ingest_documents.json"), "--input", "kb=samples", "--json"]) == 0
    )
    capsys.readouterr()
    assert KnowledgeBase.open("samples").count() > 5
