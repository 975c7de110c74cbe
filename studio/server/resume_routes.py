"""Human in the loop over HTTP: a run that waits for a person, and the route that continues it.

A run that reaches a Human Input node (or a tool call to approve) answers like any run, with
`status: "waiting"`, its `questions` by node id and a `resume_url`. Then:

- `GET /api/v1/runs/{run_id}`: the run's status, and its questions while it waits.
- `POST /api/v1/runs/{run_id}/resume` with `{"answers": {"NODE": "VALUE"}}` continues it from
  its checkpoint in the run store (finished nodes are not run again, even after a restart) and
  answers as a run does: 404 unknown run, 409 a run that is not waiting, 422 an answer that does
  not fit (not one of the choices, a node that is not waiting), 429/504 as for runs.

`app.py` includes `router(state)`; `catalogue.result_body` adds `waiting.waiting_fields` to a
waiting run.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import TYPE_CHECKING, Any

# At module level because FastAPI reads route annotations from the module's names; this module is
# imported only by the server.
from fastapi import Request

from studio.server.waiting import resume_url
from studio.server.web import ApiError, ServerState, guarded_run, lookup, read_json

if TYPE_CHECKING:
    from fastapi import APIRouter

    from studio.engine.scheduler import RunResult
    from studio.server.catalogue import ServedFlow

__all__ = ["router"]


def _served_for(state: ServerState, flow_id: str, flow_path: str | None) -> ServedFlow:
    """The served flow a paused run belongs to (by its file, else its flow id)."""
    from pathlib import Path

    flows = state.catalogue.list()
    for served in flows:
        if flow_path and served.path.resolve() == Path(flow_path).resolve():
            return lookup(state, served.id)
    for served in flows:
        if served.compiled is not None and served.compiled.flow.id == flow_id:
            return lookup(state, served.id)
    raise ApiError(409, "this run's flow is not served here any more", "flow_not_served", flow=flow_id)


async def _resume(state: ServerState, served: ServedFlow, run_id: str, answers: dict[str, Any]) -> RunResult:
    """Continue the run; a request that goes away (or runs out of time) stops it, recorded."""
    from studio.engine.human import aresume_run, human_extras

    assert served.compiled is not None  # lookup() made sure
    cancel = threading.Event()
    extras = {
        "flow_id": served.compiled.flow.id,
        "subflow_stack": [str(served.path)],
        "allowed_folders": [str(served.path.parent)],
        "run_source": "api",
        **human_extras(),
        **state.catalogue.extras,
    }
    task = asyncio.ensure_future(
        aresume_run(
            run_id,
            answers,
            flow=served.compiled,
            store=state.catalogue.store,
            base_dir=served.path.parent,
            cancel=cancel,
            extras=extras,
            scrubber=served.scrubber,
        )
    )
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        cancel.set()  # the engine records the run as stopped, then the cancellation goes on
        while not task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait({task})
        if not task.cancelled():
            task.exception()
        raise


def router(state: ServerState) -> APIRouter:
    """The resume routes, behind the server's key."""
    from fastapi import APIRouter, Depends
    from fastapi.responses import JSONResponse

    from studio.engine.errors import BadInput
    from studio.engine.human import load_checkpoint, pending_questions, resolve_answers
    from studio.server.catalogue import result_body

    def authorised(request: Request) -> None:
        from studio.server.web import require_key

        require_key(state, request)

    api = APIRouter(prefix="/api/v1", dependencies=[Depends(authorised)], tags=["human input"])

    def unknown(run_id: str) -> ApiError:
        return ApiError(404, f"no run with id {run_id!r} in this server's run history", "unknown_run")

    @api.get("/runs/{run_id}")
    async def get_run(run_id: str) -> dict[str, Any]:
        """A run's status; while it waits, its questions and where to send the answers."""
        store = state.catalogue.store
        found = await asyncio.to_thread(store.get_run, run_id)
        if found is None:
            raise unknown(run_id)
        summary = found[0]
        body: dict[str, Any] = {"run_id": run_id, "flow": summary.flow_id, "status": summary.status}
        if summary.status == "waiting":
            body["questions"] = await asyncio.to_thread(pending_questions, store, run_id)
            body["resume_url"] = resume_url(run_id)
        return body

    @api.post("/runs/{run_id}/resume")
    async def resume(run_id: str, request: Request) -> Any:
        """Continue a waiting run with `{"answers": {"NODE": "VALUE"}}`."""
        payload = await read_json(state, request)
        answers = payload.get("answers", {}) if isinstance(payload, dict) else None
        if not isinstance(answers, dict) or set(payload) - {"answers"}:
            raise ApiError(
                422, 'the body must be a JSON object such as {"answers": {"approve": "yes"}}', "invalid_json"
            )
        store = state.catalogue.store
        if await asyncio.to_thread(store.get_run, run_id) is None:
            raise unknown(run_id)
        try:
            checkpoint = await asyncio.to_thread(load_checkpoint, store, run_id)
        except BadInput as error:
            raise ApiError(409, str(error), "run_not_waiting") from None
        try:
            resolve_answers(checkpoint, answers)
        except BadInput as error:
            raise ApiError(422, str(error), "invalid_answers") from None
        served = _served_for(state, checkpoint.flow_id, checkpoint.flow_path)
        try:
            result = await guarded_run(state, lambda: _resume(state, served, run_id, answers))
        except BadInput as error:  # taken by another resume since the check above
            raise ApiError(409, str(error), "run_not_waiting") from None
        return JSONResponse(result_body(served, result))

    return api
