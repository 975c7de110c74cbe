"""OpenAI-compatible endpoints: chat flows as models for any OpenAI client.

- `GET /v1/models`: the flows with a Chat Input, by flow id.
- `POST /v1/chat/completions` (`stream` true or false): the last message (it must be the
  user's) is the flow's chat input; the earlier ones are the conversation so far, handed to the
  flow's memory nodes through a store that holds just this request's history, so the client owns
  the conversation as with any OpenAI model and nothing is kept between requests. Sampling
  settings in the request (temperature, max_tokens...) are ignored: the flow's nodes decide.
  The reply is the flow's `reply` (or `answer`, `response`, `result`, `text`, or only) output.
- A flow that fails answers 502 (`type: "flow_failed"`, naming the node); streamed, an
  `{"error": ...}` chunk ends the stream, which the openai client raises as an APIError.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

# At module level because FastAPI reads route annotations from the module's names; this module is
# imported only by `studio serve` (and tests), never at start-up.
from fastapi import Request

from studio.runtime.memory import MemoryStore
from studio.server.catalogue import ServedFlow, UnknownFlow
from studio.server.web import (
    ApiError,
    ServerState,
    check_inputs,
    ensure_stream_slot,
    guarded_run,
    lookup,
    read_json,
)

if TYPE_CHECKING:
    from fastapi import APIRouter

    from studio.engine.events import Event
    from studio.engine.scheduler import RunResult

__all__ = ["RequestMemory", "openai_router"]

REPLY_NAMES = ("reply", "answer", "response", "result", "text")


class RequestMemory(MemoryStore):
    """A memory store holding one request's conversation, in memory (no file).

    Recalling gives the messages the client sent; saving keeps nothing, since the client sends
    the whole conversation again with its next request.
    """

    def __init__(self, history: list[dict[str, str]]):  # no super().__init__: there is no file
        self.history = history

    def messages(self, flow_id: str, session_id: str, *, last: int | None = None) -> list[dict[str, str]]:
        """The conversation so far (its `last` turns)."""
        return list(self.history[-last:] if last else self.history)

    def turns(
        self, flow_id: str, session_id: str, *, last: int | None = None, after_id: int | None = None
    ) -> list[dict[str, Any]]:
        """The conversation as numbered turns."""
        turns = [{"id": i, **m} for i, m in enumerate(self.history, start=1) if i > (after_id or 0)]
        return turns[-last:] if last else turns

    def summary(self, flow_id: str, session_id: str) -> dict[str, Any] | None:
        """No summary is kept between requests."""
        return None

    def set_summary(self, flow_id: str, session_id: str, text: str, covered_up_to: int) -> None:
        """Nothing is kept between requests."""

    def add_turn(self, *args: Any, **kwargs: Any) -> int:
        """Nothing is kept between requests."""
        return 0

    def add_turns(self, flow_id: str, session_id: str, turns: list[dict[str, Any]]) -> list[int]:
        """Nothing is kept between requests."""
        return []


def _text_of(content: Any) -> str | None:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict) and p.get("type") == "text"]
        if parts and all(isinstance(p, str) for p in parts):
            return "".join(parts)  # type: ignore[arg-type]
    return None


def _conversation(body: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """(the user's new message, the messages before it) of a chat completion request; 422 if malformed."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ApiError(
            422, '"messages" must be a non-empty list of {"role", "content"} objects', "invalid_messages"
        )
    history: list[dict[str, str]] = []
    for index, message in enumerate(messages):
        role = message.get("role") if isinstance(message, dict) else None
        text = _text_of(message.get("content")) if isinstance(message, dict) else None
        if not isinstance(role, str) or text is None:
            raise ApiError(
                422,
                f"messages[{index}] must have a string role and a text content",
                "invalid_messages",
                param=f"messages[{index}]",
            )
        history.append({"role": "system" if role == "developer" else role, "content": text})
    last = history.pop()
    if last["role"] != "user":
        raise ApiError(422, "the last message must be the user's (role 'user')", "invalid_messages")
    return last["content"], history


def _reply_name(served: ServedFlow) -> str | None:
    names = served.output_names()
    for name in REPLY_NAMES:
        if name in names:
            return name
    return names[0] if len(names) == 1 else None


def _reply_text(served: ServedFlow, result: RunResult) -> str:
    name = _reply_name(served)
    value = result.outputs.get(name) if name else result.outputs
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return served.scrubber.text(text) if served.scrubber is not None else text


def _reply_sources(served: ServedFlow) -> set[str]:
    """Nodes whose streamed tokens make the reply: the reply output's upstream nodes."""
    compiled = served.compiled
    name = _reply_name(served)
    if compiled is None or name is None:
        return set()
    for node in compiled.nodes.values():
        if node.node_class.interface == "output" and node.node_class.interface_name(node.config) == name:
            return compiled.ancestors(node.id)
    return set()


def _failure(served: ServedFlow, result: RunResult) -> ApiError:
    if result.status == "waiting":  # a Human Input node: the answer goes to the REST resume route
        from studio.server.waiting import resume_url

        return ApiError(
            409,
            f"flow {served.id!r} is waiting for a person's answer; send it to {resume_url(result.run_id)}",
            "run_waiting",
            run_id=result.run_id,
            resume_url=resume_url(result.run_id),
        )
    failures = result.failures()
    if failures:
        node_id, state = next(iter(failures.items()))
        label = served.compiled.label(node_id) if served.compiled else node_id
        scrub = served.scrubber
        message = f"flow {served.id!r}: node {label} failed: {state.error}"
        return ApiError(
            502,
            scrub.text(message) if scrub is not None else message,
            "flow_failed",
            node=node_id,
            run_id=result.run_id,
        )
    return ApiError(502, f"flow {served.id!r}: the run was stopped", "flow_stopped", run_id=result.run_id)


def _usage(result: RunResult) -> dict[str, int]:
    return {
        "prompt_tokens": result.usage.prompt_tokens,
        "completion_tokens": result.usage.completion_tokens,
        "total_tokens": result.usage.total_tokens,
    }


def _chunk(cid: str, created: int, model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "system_fingerprint": None,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }


def _data(payload: Any) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False, default=str)}\n\n"


def _stream(
    state: ServerState,
    served: ServedFlow,
    inputs: dict[str, Any],
    extras: dict[str, Any],
    include_usage: bool,
) -> AsyncIterator[str]:
    queue: asyncio.Queue[Event | None] = asyncio.Queue()
    sources = _reply_sources(served)
    created = int(time.time())

    def listen(event: Event) -> None:
        if event.kind == "token" and getattr(event, "node_id", None) in sources:
            queue.put_nowait(event)

    async def run() -> RunResult:
        try:
            return await guarded_run(
                state,
                lambda: state.catalogue.run(
                    served.id, inputs, on_event=listen, source="openai", extras=extras
                ),
            )
        finally:
            queue.put_nowait(None)

    async def body() -> AsyncIterator[str]:
        task = asyncio.create_task(run())
        cid = "chatcmpl-stream"
        streamed = ""
        try:
            yield _data(_chunk(cid, created, served.id, {"role": "assistant", "content": ""}, None))
            while (event := await queue.get()) is not None:
                text = getattr(event, "text", "")
                streamed += text
                yield _data(_chunk(cid, created, served.id, {"content": text}, None))
            try:
                result = await task
            except ApiError as refused:
                yield _data(
                    {"error": {"message": refused.message, "type": refused.kind, "code": refused.kind}}
                )
                return
            if result.status != "succeeded":
                failed = _failure(served, result)
                yield _data({"error": {"message": failed.message, "type": failed.kind, "code": failed.kind}})
                return
            reply = _reply_text(served, result)
            # What the tokens did not carry (a flow whose reply is not streamed, or ends later).
            rest = reply[len(streamed) :] if reply.startswith(streamed) else ("" if streamed else reply)
            if rest:
                yield _data(_chunk(cid, created, served.id, {"content": rest}, None))
            yield _data(_chunk(cid, created, served.id, {}, "stop"))
            if include_usage:
                final = _chunk(cid, created, served.id, {}, None)
                final["choices"] = []
                final["usage"] = _usage(result)
                yield _data(final)
            yield "data: [DONE]\n\n"
        finally:
            if not task.done():  # the client went away: stop the run (recorded as stopped)
                task.cancel()
                while not task.done():
                    with contextlib.suppress(asyncio.CancelledError):
                        await asyncio.wait({task})
            if task.done() and not task.cancelled():
                task.exception()

    return body()


def openai_router(state: ServerState, authorised: Callable[..., Awaitable[None]]) -> APIRouter:
    """The `/v1` routes; `authorised` is the key check every route depends on."""
    from fastapi import APIRouter, Depends
    from fastapi.responses import JSONResponse, StreamingResponse

    router = APIRouter(prefix="/v1", dependencies=[Depends(authorised)], tags=["openai"])

    @router.get("/models")
    async def models() -> dict[str, Any]:
        """The chat flows, as models."""
        flows = await asyncio.to_thread(state.catalogue.list)
        data = [
            {
                "id": flow.id,
                "object": "model",
                "created": int(flow.stamp[0] // 1_000_000_000) if flow.stamp else 0,
                "owned_by": "chain-studio",
            }
            for flow in flows
            if flow.chat_input is not None and flow.compiled is not None
        ]
        return {"object": "list", "data": data}

    @router.post("/chat/completions")
    async def chat_completions(request: Request) -> Any:
        """A chat completion from a chat flow (`model` is the flow id)."""
        body = await read_json(state, request)
        if not isinstance(body, dict):
            raise ApiError(422, "the body must be a JSON object", "invalid_json")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise ApiError(422, '"model" must name a chat flow (GET /v1/models lists them)', "invalid_model")
        try:
            served = lookup(state, model)
        except ApiError as error:
            if error.status == 404:
                known = [f.id for f in state.catalogue.list() if f.chat_input is not None]
                error = ApiError(
                    404,
                    str(UnknownFlow(model, known)).replace("served flows", "chat flows"),
                    "model_not_found",
                )
            raise error from None
        if served.chat_input is None:
            raise ApiError(
                404, f"flow {model!r} has no Chat Input, so it is not a chat model", "model_not_found"
            )
        message, history = _conversation(body)
        inputs = check_inputs(state, served, {served.chat_input: message})
        extras = {"chat_history": history, "memory_store": RequestMemory(history), "session_id": "api"}
        stream = body.get("stream") is True
        if stream:
            options = body.get("stream_options")
            include_usage = isinstance(options, dict) and options.get("include_usage") is True
            ensure_stream_slot(state)
            return StreamingResponse(
                _stream(state, served, inputs, extras, include_usage),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache"},
            )
        result = await guarded_run(
            state, lambda: state.catalogue.run(served.id, inputs, source="openai", extras=extras)
        )
        if result.status != "succeeded":
            raise _failure(served, result)
        return JSONResponse(
            {
                "id": f"chatcmpl-{result.run_id}",
                "object": "chat.completion",
                "created": int(result.started),
                "model": served.id,
                "system_fingerprint": None,
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": _reply_text(served, result),
                            "refusal": None,
                        },
                        "finish_reason": "stop",
                        "logprobs": None,
                    }
                ],
                "usage": _usage(result),
            }
        )

    return router
