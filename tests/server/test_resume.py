"""Human in the loop over HTTP: a run answers `status: waiting` with a resume URL; POST answers there."""

from __future__ import annotations

from pathlib import Path

import httpx

from studio.flow import save_flow
from tests.builders import FlowBuilder
from tests.server.conftest import AUTH, StudioServe, asgi_client, make_app, run_async


def _approval_flow(folder: Path) -> Path:
    """note -> ask (publish? yes/no) -> reply template -> output: served as `approve-note`."""
    builder = FlowBuilder("approve note")
    builder.node("note", "io.text_input", name="note")
    builder.node("ask", "human.input", question="Publish {{ note }}?", choices=["yes", "no"])
    builder.node("reply", "prompt.template", template="publish={{ answer }}")
    builder.node("out", "io.output", name="result")
    builder.wire("note.text", "ask.note").wire("ask.answer", "reply.answer").wire("reply.prompt", "out.value")
    path = folder / "approve_note.json"
    save_flow(builder.build(), path)
    return path


def test_a_waiting_run_gives_its_questions_and_resumes_at_the_url(flows_dir: Path) -> None:
    _approval_flow(flows_dir)

    async def main() -> None:
        async with asgi_client(make_app(flows_dir)) as client:
            paused = await client.post(
                "/api/v1/flows/approve-note/run", json={"inputs": {"note": "the memo"}}, headers=AUTH
            )
            assert paused.status_code == 200
            body = paused.json()
            run_id = body["run_id"]
            assert body["status"] == "waiting" and body["error"] is None
            assert body["questions"]["ask"]["text"] == "Publish the memo?"
            assert body["questions"]["ask"]["choices"] == ["yes", "no"]
            assert body["resume_url"] == f"/api/v1/runs/{run_id}/resume"

            status = await client.get(f"/api/v1/runs/{run_id}", headers=AUTH)
            assert status.json()["status"] == "waiting" and "ask" in status.json()["questions"]

            no_key = await client.post(body["resume_url"], json={"answers": {"ask": "yes"}})
            assert no_key.status_code == 401
            wrong = await client.post(body["resume_url"], json={"answers": {"ask": "maybe"}}, headers=AUTH)
            assert wrong.status_code == 422
            assert "answer 'maybe' is not one of the choices: yes, no" in wrong.json()["error"]["message"]
            bad = await client.post(body["resume_url"], json={"answer": "yes"}, headers=AUTH)
            assert bad.status_code == 422
            missing = await client.post("/api/v1/runs/nope/resume", json={"answers": {}}, headers=AUTH)
            assert (
                missing.status_code == 404 and "no run with id 'nope'" in missing.json()["error"]["message"]
            )

            done = await client.post(body["resume_url"], json={"answers": {"ask": "yes"}}, headers=AUTH)
            assert done.status_code == 200, done.text
            assert done.json()["status"] == "succeeded" and done.json()["outputs"] == {
                "result": "publish=yes"
            }
            assert done.json()["run_id"] == run_id and "resume_url" not in done.json()

            again = await client.post(body["resume_url"], json={"answers": {"ask": "no"}}, headers=AUTH)
            assert again.status_code == 409 and "not waiting" in again.json()["error"]["message"]

    run_async(main)


def test_a_run_paused_by_one_server_resumes_on_the_next(flows_dir: Path, studio_home: Path) -> None:
    """The checkpoint is in the run store: a restarted `studio serve` continues the run."""
    _approval_flow(flows_dir)
    first = StudioServe(str(flows_dir), home=studio_home)
    try:
        paused = httpx.post(
            f"{first.url}/api/v1/flows/approve-note/run",
            json={"inputs": {"note": "x"}},
            headers=AUTH,
            timeout=30,
        ).json()
    finally:
        code, _ = first.stop()
    assert paused["status"] == "waiting" and code in (0, -15)
    second = StudioServe(str(flows_dir), home=studio_home)
    try:
        done = httpx.post(
            second.url + paused["resume_url"], json={"answers": {"ask": "no"}}, headers=AUTH, timeout=30
        )
    finally:
        second.stop()
    assert done.status_code == 200, done.text
    assert done.json()["outputs"] == {"result": "publish=no"}
