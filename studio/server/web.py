"""What the server's routes share: its state, the key check, error answers, reading a JSON body.

Errors go out as `{"error": {"message": ..., "type": ..., ...}}` (the shape the openai client
reads), one sentence naming the flow, input or limit at fault; Python exception text never does.
Imported by the server only (fastapi is installed with Chain Studio, imported here on demand).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from studio.server.auth import ApiKey, bearer_token
from studio.server.catalogue import BadInputs, FlowCatalogue, FlowNotServed, ServedFlow, UnknownFlow
from studio.server.limits import Busy, Limits, RunSlots, TooLarge, check_input_sizes, read_body

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import JSONResponse

__all__ = [
    "ApiError",
    "ServerState",
    "ensure_stream_slot",
    "error_response",
    "guarded_run",
    "lookup",
    "read_json",
    "require_key",
]

log = logging.getLogger("studio.server")
T = TypeVar("T")


class ApiError(Exception):
    """An answer other than 200: status, one-sentence message, error type and extra fields."""

    def __init__(
        self,
        status: int,
        message: str,
        kind: str,
        *,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.headers = dict(headers or {})
        self.extra = extra


@dataclass
class ServerState:
    """Everything the routes need: the flows, the key, the limits and the run slots."""

    catalogue: FlowCatalogue
    api_key: ApiKey
    limits: Limits = field(default_factory=Limits)
    slots: RunSlots = field(init=False)

    def __post_init__(self) -> None:
        self.slots = RunSlots(self.limits.max_concurrency, self.limits.max_waiting)


def error_response(error: ApiError) -> JSONResponse:
    """The JSON answer for an ApiError."""
    from starlette.responses import JSONResponse

    body = {"error": {"message": error.message, "type": error.kind, "code": error.kind, **error.extra}}
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def ensure_stream_slot(state: ServerState) -> None:
    """Refuse a streamed run up front when every run slot is taken (429 with Retry-After): once
    the stream has started, its status can no longer say so."""
    if state.slots.taken >= state.slots.capacity:
        raise ApiError(
            429,
            "the server is full; try again shortly",
            "too_many_requests",
            headers={"Retry-After": str(state.limits.retry_after_s)},
        )


def require_key(state: ServerState, request: Request) -> None:
    """401 unless the request carries the server's key (`Authorization: Bearer KEY`)."""
    if not state.api_key.matches(bearer_token(request.headers.get("authorization"))):
        raise ApiError(
            401,
            "missing or wrong API key: send it as 'Authorization: Bearer KEY' "
            "(`studio serve` prints the key when it creates one; the Studio's API dialog shows it)",
            "invalid_api_key",
            headers={"WWW-Authenticate": "Bearer"},
        )


def lookup(state: ServerState, flow_id: str) -> ServedFlow:
    """The runnable flow with this id; 404 listing the ids, or 409 saying why it cannot run."""
    try:
        return state.catalogue.runnable(flow_id)
    except UnknownFlow as error:
        raise ApiError(404, str(error), "unknown_flow", flows=error.known_ids) from None
    except FlowNotServed as error:
        raise ApiError(409, str(error), "flow_not_served", flow=flow_id) from None


async def read_json(state: ServerState, request: Request) -> Any:
    """The request's JSON body: 413 past the size limit, 422 when it is not JSON."""
    try:
        raw = await read_body(request, state.limits.max_body_bytes)
    except TooLarge as error:
        raise ApiError(413, str(error), "request_too_large") from None
    try:
        return json.loads(raw or b"{}")
    except (ValueError, RecursionError) as error:
        where = (
            f" at line {error.lineno}, column {error.colno}"
            if isinstance(error, json.JSONDecodeError)
            else ""
        )
        raise ApiError(422, f"the request body is not valid JSON{where}", "invalid_json") from None


def check_inputs(state: ServerState, served: ServedFlow, inputs: Any) -> dict[str, Any]:
    """Inputs checked against the flow and the size limit: 422 / 413 naming the input."""
    if not isinstance(inputs, dict):
        raise ApiError(422, '"inputs" must be a JSON object such as {"topic": "tea"}', "invalid_inputs")
    try:
        checked = state.catalogue.check_inputs(served, inputs)
        check_input_sizes(checked, state.limits.max_input_chars)
    except BadInputs as error:
        raise ApiError(422, f"flow {served.id!r}: {error}", "invalid_inputs", input=error.input) from None
    except TooLarge as error:
        raise ApiError(413, f"flow {served.id!r}: {error}", "input_too_large") from None
    return checked


async def guarded_run(state: ServerState, run: Callable[[], Awaitable[T]]) -> T:
    """Run under the server's limits: 429 when full, 504 (the run stopped) past the time limit."""
    try:
        async with state.slots.slot():
            async with asyncio.timeout(state.limits.timeout_s):
                return await run()
    except Busy as error:
        raise ApiError(
            429,
            f"{error}; try again shortly",
            "too_many_requests",
            headers={"Retry-After": str(state.limits.retry_after_s)},
        ) from None
    except TimeoutError:
        raise ApiError(
            504,
            f"the run took longer than this server's {state.limits.timeout_s:g} s limit and was stopped "
            "(start the server with a larger --timeout)",
            "timeout",
        ) from None
    except BadInputs as error:
        raise ApiError(422, str(error), "invalid_inputs", input=error.input) from None
