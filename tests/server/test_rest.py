"""The REST and SSE API with httpx against the app: runs, listing, and every kind of bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.fakes.openai_server import FakeOpenAI
from tests.server.conftest import (
    AUTH,
    asgi_client,
    code_flow,
    make_app,
    prompt_flow_on,
    run_async,
    runs,
    sse_events,
)


def test_a_run_answers_outputs_and_lands_in_the_run_history(flows_dir: Path) -> None:
    app = make_app(flows_dir)

    async def main() -> None:
        async with asgi_client(app) as client:
            answer = await client.post(
                "/api/v1/flows/echo/run", json={"inputs": {"topic": "tea"}}, headers=AUTH
            )
            assert answer.status_code == 200
            body = answer.json()
            assert body["status"] == "succeeded"
            assert body["outputs"] == {"result": "about: tea"}
            assert body["error"] is None
            assert set(body) >= {"run_id", "usage", "cost"}
            history = runs()
            assert [r.run_id for r in history] == [body["run_id"]]
            assert history[0].outputs == {"result": "about: tea"}

    run_async(main)


def test_flows_are_listed_with_their_interface(flows_dir: Path, fake: FakeOpenAI) -> None:
    prompt_flow_on(fake, flows_dir / "basic_prompt.json")
    app = make_app(flows_dir)

    async def main() -> None:
        async with asgi_client(app) as client:
            listing = (await client.get("/api/v1/flows", headers=AUTH)).json()["flows"]
            by_id = {flow["id"]: flow for flow in listing}
            assert set(by_id) == {"echo", "basic-prompt"}
            topic = by_id["basic-prompt"]["inputs"][0]
            assert topic["name"] == "topic" and topic["description"] == "What to explain"
            assert by_id["echo"]["inputs"][0]["required"] is True
            assert by_id["echo"]["input_schema"]["required"] == ["topic"]
            assert [o["name"] for o in by_id["basic-prompt"]["outputs"]] == ["answer"]
            assert all(flow["runnable"] and flow["error"] is None for flow in listing)
            assert (await client.get("/health")).json() == {"status": "ok"}
            docs = await client.get("/openapi.json")
            assert "/api/v1/flows/{flow_id}/run" in docs.json()["paths"]

    run_async(main)


def test_streaming_sends_the_engine_events_then_the_result(flows_dir: Path, fake: FakeOpenAI) -> None:
    prompt_flow_on(fake, flows_dir / "basic_prompt.json")
    fake.reply("Tea is a drink made from leaves.")
    app = make_app(flows_dir)

    async def main() -> None:
        async with asgi_client(app) as client:
            answer = await client.post(
                "/api/v1/flows/basic-prompt/run?stream=true", json={"inputs": {"topic": "tea"}}, headers=AUTH
            )
            assert answer.headers["content-type"].startswith("text/event-stream")
            events = sse_events(answer.text)
            names = [name for name, _ in events]
            assert names[0] == "run_started"
            assert "node_started" in names and "node_finished" in names
            tokens = "".join(data["text"] for name, data in events if name == "token")
            assert tokens == "Tea is a drink made from leaves."
            assert names[-2:] == ["run_finished", "result"]
            result = events[-1][1]
            assert result["status"] == "succeeded" and result["outputs"]["answer"] == tokens

    run_async(main)


def test_unknown_flow_is_404_listing_the_ids(flows_dir: Path) -> None:
    app = make_app(flows_dir)

    async def main() -> None:
        async with asgi_client(app) as client:
            answer = await client.post("/api/v1/flows/ecko/run", json={"inputs": {}}, headers=AUTH)
            assert answer.status_code == 404
            error = answer.json()["error"]
            assert "'ecko'" in error["message"] and "echo" in error["message"]
            assert error["flows"] == ["echo"]

    run_async(main)


def test_missing_or_wrong_key_is_401_and_runs_nothing(flows_dir: Path) -> None:
    app = make_app(flows_dir)

    async def main() -> None:
        async with asgi_client(app) as client:
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
                answer = await client.post(
                    "/api/v1/flows/echo/run", json={"inputs": {"topic": "x"}}, headers=headers
                )
                assert answer.status_code == 401
                assert answer.headers["www-authenticate"] == "Bearer"
                assert "API key" in answer.json()["error"]["message"]
            assert (await client.get("/api/v1/flows")).status_code == 401
            assert (await client.get("/v1/models")).status_code == 401
        assert runs() == []

    run_async(main)


def test_malformed_json_and_wrong_inputs_are_422_naming_the_input(flows_dir: Path) -> None:
    app = make_app(flows_dir)

    async def main() -> None:
        async with asgi_client(app) as client:
            post = client.post
            bad_json = await post("/api/v1/flows/echo/run", content=b'{"inputs": {', headers=AUTH)
            assert bad_json.status_code == 422
            assert "not valid JSON" in bad_json.json()["error"]["message"]
            wrong_type = await post("/api/v1/flows/echo/run", json={"inputs": {"topic": 42}}, headers=AUTH)
            assert wrong_type.status_code == 422
            assert wrong_type.json()["error"]["input"] == "topic"
            assert "'topic' expects text" in wrong_type.json()["error"]["message"]
            unknown = await post("/api/v1/flows/echo/run", json={"inputs": {"topc": "x"}}, headers=AUTH)
            assert unknown.status_code == 422 and "'topc'" in unknown.json()["error"]["message"]
            missing = await post("/api/v1/flows/echo/run", json={"inputs": {}}, headers=AUTH)
            assert missing.status_code == 422 and missing.json()["error"]["input"] == "topic"
            not_object = await post("/api/v1/flows/echo/run", json={"inputs": ["x"]}, headers=AUTH)
            assert not_object.status_code == 422
        assert runs() == []

    run_async(main)


def test_a_body_over_the_limit_is_413(flows_dir: Path) -> None:
    app = make_app(flows_dir, max_body_bytes=1000, max_input_chars=100)

    async def main() -> None:
        async with asgi_client(app) as client:
            big = await client.post(
                "/api/v1/flows/echo/run", json={"inputs": {"topic": "x" * 2000}}, headers=AUTH
            )
            assert big.status_code == 413
            assert "1,000" in big.json()["error"]["message"]
            long_input = await client.post(
                "/api/v1/flows/echo/run", json={"inputs": {"topic": "x" * 500}}, headers=AUTH
            )
            assert long_input.status_code == 413 and "'topic'" in long_input.json()["error"]["message"]
        assert runs() == []

    run_async(main)


def test_a_failing_flow_is_200_failed_naming_the_node(flows_dir: Path, fake: FakeOpenAI) -> None:
    prompt_flow_on(fake, flows_dir / "basic_prompt.json")
    fake.fail(3, status=400, error_message="model 'fake' does not exist")
    app = make_app(flows_dir)

    async def main() -> None:
        async with asgi_client(app) as client:
            answer = await client.post(
                "/api/v1/flows/basic-prompt/run", json={"inputs": {"topic": "tea"}}, headers=AUTH
            )
            assert answer.status_code == 200
            body = answer.json()
            assert body["status"] == "failed"
            assert body["error"]["node"] == "llm"
            assert body["error"]["message"]
            assert "Traceback" not in body["error"]["message"]
        assert [r.status for r in runs()] == ["failed"]

    run_async(main)


def test_a_flow_edited_into_an_invalid_state_keeps_serving_its_last_version(flows_dir: Path) -> None:
    app = make_app(flows_dir)
    path = flows_dir / "echo.json"

    async def main() -> None:
        async with asgi_client(app) as client:
            first = await client.post("/api/v1/flows/echo/run", json={"inputs": {"topic": "a"}}, headers=AUTH)
            assert first.json()["outputs"] == {"result": "about: a"}
            data = json.loads(path.read_text())
            data["nodes"][1]["type"] = "text.formatt"  # a typo saved from an editor
            path.write_text(json.dumps(data))
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
            listing = (await client.get("/api/v1/flows", headers=AUTH)).json()["flows"]
            assert "text.formatt" in listing[0]["error"] and "echo.json" in listing[0]["error"]
            again = await client.post("/api/v1/flows/echo/run", json={"inputs": {"topic": "b"}}, headers=AUTH)
            assert again.status_code == 200 and again.json()["outputs"] == {"result": "about: b"}
            # Fixed again: the error goes, the new version serves.
            data["nodes"][1]["type"] = "text.format"
            data["nodes"][1]["config"]["template"] = "on {topic}"
            path.write_text(json.dumps(data))
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
            fixed = await client.post("/api/v1/flows/echo/run", json={"inputs": {"topic": "c"}}, headers=AUTH)
            assert fixed.json()["outputs"] == {"result": "on c"}
            assert (await client.get("/api/v1/flows", headers=AUTH)).json()["flows"][0]["error"] is None

    run_async(main)


def test_code_flows_are_served_only_with_allow_code(flows_dir: Path) -> None:
    code_flow(flows_dir / "code_tool.json")

    async def main() -> None:
        async with asgi_client(make_app(flows_dir)) as client:
            refused = await client.post(
                "/api/v1/flows/code-tool/run", json={"inputs": {"topic": "x"}}, headers=AUTH
            )
            assert refused.status_code == 409
            assert "--allow-code" in refused.json()["error"]["message"]
            listing = (await client.get("/api/v1/flows", headers=AUTH)).json()["flows"]
            assert {f["id"]: f["needs_code"] for f in listing} == {"code-tool": True, "echo": False}
        assert runs() == []
        async with asgi_client(make_app(flows_dir, allow_code=True)) as client:
            allowed = await client.post(
                "/api/v1/flows/code-tool/run", json={"inputs": {"topic": "x"}}, headers=AUTH
            )
            assert allowed.json()["outputs"] == {"result": "x"}

    run_async(main)


def test_a_full_server_answers_429_with_retry_after(flows_dir: Path, fake: FakeOpenAI) -> None:
    import asyncio

    prompt_flow_on(fake, flows_dir / "basic_prompt.json")
    fake.delay_s = 1.0
    app = make_app(flows_dir, max_concurrency=1, max_waiting=0)

    async def main() -> None:
        async with asgi_client(app) as client:
            first = asyncio.create_task(
                client.post("/api/v1/flows/basic-prompt/run", json={"inputs": {"topic": "a"}}, headers=AUTH)
            )
            while not fake.active:
                await asyncio.sleep(0.02)
            busy = await client.post("/api/v1/flows/echo/run", json={"inputs": {"topic": "b"}}, headers=AUTH)
            assert busy.status_code == 429
            assert busy.headers["retry-after"] == "1"
            assert (await first).json()["status"] == "succeeded"
            after = await client.post("/api/v1/flows/echo/run", json={"inputs": {"topic": "b"}}, headers=AUTH)
            assert after.status_code == 200

    run_async(main)


def test_a_run_past_the_time_limit_is_stopped_and_recorded(flows_dir: Path, fake: FakeOpenAI) -> None:
    prompt_flow_on(fake, flows_dir / "basic_prompt.json")
    fake.stall_next(1)
    app = make_app(flows_dir, timeout_s=0.5)

    async def main() -> None:
        async with asgi_client(app) as client:
            answer = await client.post(
                "/api/v1/flows/basic-prompt/run", json={"inputs": {"topic": "a"}}, headers=AUTH
            )
            assert answer.status_code == 504
            assert "--timeout" in answer.json()["error"]["message"]
        assert [r.status for r in runs()] == ["cancelled"]

    run_async(main)


def test_cors_is_off_unless_an_origin_is_given(flows_dir: Path) -> None:
    preflight = {
        "Origin": "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }

    async def main() -> None:
        async with asgi_client(make_app(flows_dir)) as client:
            closed = await client.options("/api/v1/flows/echo/run", headers=preflight)
            assert "access-control-allow-origin" not in closed.headers
        async with asgi_client(make_app(flows_dir, cors_origins=("http://localhost:3000",))) as client:
            opened = await client.options("/api/v1/flows/echo/run", headers=preflight)
            assert opened.headers["access-control-allow-origin"] == "http://localhost:3000"
            other = await client.options(
                "/api/v1/flows/echo/run", headers={**preflight, "Origin": "http://evil.example"}
            )
            assert "access-control-allow-origin" not in other.headers
            # CORS lets the browser ask; the key is still needed.
            assert (
                await client.get("/api/v1/flows", headers={"Origin": "http://localhost:3000"})
            ).status_code == 401

    run_async(main)
