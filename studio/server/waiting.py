"""How the HTTP API shows a run that waits for a person: its questions and the resume URL.

Its own module (standard library only) so that the catalogue's `result_body` and the resume
routes share it without importing each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studio.engine.scheduler import RunResult

__all__ = ["resume_url", "waiting_fields"]


def resume_url(run_id: str) -> str:
    """Where the answers of a waiting run go (a path on this server)."""
    return f"/api/v1/runs/{run_id}/resume"


def waiting_fields(result: RunResult) -> dict[str, Any]:
    """The fields a waiting run's answer adds: its questions by node id and the resume URL."""
    questions: dict[str, Any] = {}
    for node_id, state in result.nodes.items():
        if state.status == "waiting":
            asked = [entry["data"] for entry in state.trace if entry.get("label") == "question"]
            if asked:
                questions[node_id] = asked[-1]
    return {"questions": questions, "resume_url": resume_url(result.run_id)}
