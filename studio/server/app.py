"""The HTTP API of `studio serve`: run flows over REST and Server-Sent Events, list them, health.

- `POST /api/v1/flows/{id}/run` with `{"inputs": {...}}` answers
  `{run_id, status, outputs, usage, cost, error: {node, message} | null}`. A flow that fails is a
  200 with `status: "failed"` and the node and its error; 4xx are the client's mistakes (401 key,
  404 flow id, 409 flow not served, 413 too large, 422 bad JSON or inputs, 429 busy, 504 too
  slow), 500 only a fault of the server itself.
- `?stream=true`: `text/event-stream`, one SSE event per engine event (`run_started`,
  `node_started`, `token`, `node_finished`, `node_failed`, `run_finished`, ...), then `result`
  (the body above) or `error`. A client that disconnects stops the run (recorded as stopped).
- `GET /api/v1/flows`: every flow's interface, whether it runs, and its last reload error.
- `GET /health` (no key: it tells nothing but "up"), OpenAPI at `/docs` and `/openapi.json`.
- OpenAI-compatible `/v1/chat/completions` and `/v1/models`: `openai_compat.py`.
- Human-in-the-loop resume routes: `studio/server/resume_routes.py`, included when it exists
  (it provides `router(state)`, an APIRouter).

Every route but `/health` and the docs needs `Authorization: Bearer KEY`.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import json
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

# At module level because FastAPI reads route annotations from the module's names; this module is
# imported only by `studio serve` (and tests), never at start-up.
from fastapi import Request

from studio.server.catalogue import ServedFlow, result_body
from studio.server.limits import add_cors
from studio.server.web import (
    ApiError,
    ServerState,
    check_inputs,
    ensure_stream_slot,
    error_response,
    guarded_run,
    lookup,
    read_json,
    require_key,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

    from studio.engine.events import Event

__all__ = ["create_app", "sse"]

log = logging.getLogger("studio.server")

RUN_BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"inputs": {"type": "object", "description": "The flow's inputs by name."}},
    "example": {"inputs": {"topic": "tea"}},
}
RESUME_MODULE = "studio.server.resume_routes"


def sse(event: str, data: Any) -> str:
    """One Server-Sent Event."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def _stream_run(state: ServerState, served: ServedFlow, inputs: dict[str, Any]) -> AsyncIterator[str]:
    """The SSE body of a streamed run; closing it (the client went away) stops the run."""
    queue: asyncio.Queue[Event | None] = asyncio.Queue()

    async def run() -> Any:
        try:
            return await guarded_run(
                state, lambda: state.catalogue.run(served.id, inputs, on_event=queue.put_nowait, source="api")
            )
        finally:
            queue.put_nowait(None)

    async def body() -> AsyncIterator[str]:
        task = asyncio.create_task(run())
        try:
            while (event := await queue.get()) is not None:
                yield sse(event.kind, event.to_dict())
            try:
                result = await task
            except ApiError as error:
                yield sse("error", {"status": error.status, "message": error.message, "type": error.kind})
                return
            yield sse("result", result_body(served, result))
        finally:
            if not task.done():  # the client disconnected: stop the run, let it be recorded
                task.cancel()
                while not task.done():
                    with contextlib.suppress(asyncio.CancelledError):
                        await asyncio.wait({task})
            if task.done() and not task.cancelled():
                task.exception()  # retrieved, so a stopped run logs no "never retrieved" warning

    return body()


def create_app(state: ServerState) -> FastAPI:
    """The FastAPI app serving `state.catalogue` under `state.api_key` and `state.limits`."""
    from fastapi import APIRouter, Depends, FastAPI
    from fastapi.responses import JSONResponse, StreamingResponse

    from studio.server.openai_compat import openai_router

    async def authorised(request: Request) -> None:
        # async on purpose: FastAPI runs a plain-def dependency in its thread pool, and that hop
        # was the largest cost of a small request.
        require_key(state, request)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        # Shutdown (SIGTERM): uvicorn stopped accepting and waited for requests; stop what
        # is still running and wait for the records to be written.
        if state.catalogue.running:
            log.info("stopping %d run(s) still under way", state.catalogue.running)
        await state.catalogue.stop_all(grace_s=10.0)

    app = FastAPI(
        title="Chain Studio",
        summary="Chain Studio flows as an HTTP API",
        description="Run Chain Studio flows. Send the server's key as `Authorization: Bearer KEY`.",
        version="1",
        lifespan=lifespan,
    )
    app.state.studio = state

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, error: ApiError) -> JSONResponse:
        return error_response(error)

    @app.exception_handler(Exception)
    async def _server_fault(request: Request, error: Exception) -> JSONResponse:
        log.exception("server fault on %s %s", request.method, request.url.path)
        return error_response(
            ApiError(500, "the server failed on this request; its log says why", "server_error")
        )

    @app.get("/health", tags=["server"])
    async def health() -> dict[str, Any]:
        """Whether the server is up (needs no key)."""
        return {"status": "ok"}

    api = APIRouter(prefix="/api/v1", dependencies=[Depends(authorised)], tags=["flows"])

    @api.get("/flows")
    async def list_flows() -> dict[str, Any]:
        """Every served flow: inputs, outputs, descriptions, whether it runs, its last error."""
        flows = await asyncio.to_thread(state.catalogue.list)  # a reload may read files
        return {"flows": [flow.to_dict() for flow in flows]}

    @api.post(
        "/flows/{flow_id}/run",
        openapi_extra={"requestBody": {"content": {"application/json": {"schema": RUN_BODY_SCHEMA}}}},
    )
    async def run_flow(flow_id: str, request: Request, stream: bool = False) -> Any:
        """Run a flow on `{"inputs": {...}}`; `?stream=true` sends the run's events as SSE."""
        served = lookup(state, flow_id)
        payload = await read_json(state, request)
        if not isinstance(payload, dict):
            raise ApiError(
                422, 'the body must be a JSON object such as {"inputs": {"topic": "tea"}}', "invalid_json"
            )
        unknown = sorted(set(payload) - {"inputs"})
        if unknown:
            raise ApiError(
                422, f'unknown field {unknown[0]!r} in the body; it takes only "inputs"', "invalid_json"
            )
        inputs = check_inputs(state, served, payload.get("inputs", {}))
        if stream:
            ensure_stream_slot(state)
            return StreamingResponse(
                _stream_run(state, served, inputs),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        result = await guarded_run(state, lambda: state.catalogue.run(served.id, inputs, source="api"))
        return JSONResponse(result_body(served, result))

    app.include_router(api)
    app.include_router(openai_router(state, authorised))
    _include_resume_routes(app, state)
    add_cors(app, state.limits.cors_origins)
    return app


def _include_resume_routes(app: FastAPI, state: ServerState) -> None:
    """The human-in-the-loop resume routes, when that module is there (written separately)."""
    if importlib.util.find_spec(RESUME_MODULE) is None:
        return
    module = importlib.import_module(RESUME_MODULE)
    app.include_router(module.router(state))
