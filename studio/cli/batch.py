"""`studio batch`: run a flow once per row of a dataset (JSONL, JSON list or CSV)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from studio.cli.common import EXIT_BAD_INPUT, EXIT_INVALID_FLOW, EXIT_NODE_FAILED, EXIT_OK


async def run_batch(
    flow_path: Path, rows: list[dict[str, Any]], out: TextIO, *, concurrency: int, use_cache: bool
) -> tuple[int, int]:
    """Run every row, writing one JSON line per row in row order; returns (succeeded, failed)."""
    from studio.engine import BadInput, arun_flow, compile_flow
    from studio.flow import load_flow

    compiled = compile_flow(load_flow(flow_path))
    limit = asyncio.Semaphore(max(1, concurrency))

    async def one(index: int, row: dict[str, Any]) -> dict[str, Any]:
        async with limit:
            try:
                result = await arun_flow(
                    compiled, row, use_cache=use_cache, base_dir=flow_path.parent, flow_path=str(flow_path)
                )
            except BadInput as error:
                return {"row": index + 1, "status": "bad_input", "error": str(error), "outputs": {}}
            return {
                "row": index + 1,
                "status": result.status,
                "outputs": result.outputs,
                "error": result.error,
                "run_id": result.run_id,
                "duration_s": result.duration_s,
            }

    results = await asyncio.gather(*(one(i, row) for i, row in enumerate(rows)))
    for record in results:
        out.write(json.dumps(record, ensure_ascii=False, default=repr) + "\n")
    succeeded = sum(1 for r in results if r["status"] == "succeeded")
    return succeeded, len(results) - succeeded


def cmd_batch(args: argparse.Namespace) -> int:
    """Run a flow over a dataset."""
    from studio.flow import FlowError
    from studio.runtime.datasets import DatasetError, read_rows

    try:
        rows = read_rows(Path(args.dataset))
    except DatasetError as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    try:
        succeeded, failed = asyncio.run(
            run_batch(Path(args.flow), rows, out, concurrency=args.concurrency, use_cache=not args.no_cache)
        )
    except FlowError as error:
        error.source = error.source or args.flow
        print(error.describe(), file=sys.stderr)
        return EXIT_INVALID_FLOW
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"{succeeded} passed, {failed} failed", file=sys.stderr)
    return EXIT_OK if failed == 0 else EXIT_NODE_FAILED


def add_commands(sub: Any) -> None:
    """Add `studio batch` to the CLI."""
    batch = sub.add_parser("batch", help="run a flow once per row of a dataset")
    batch.add_argument("flow", help="the flow file (.json)")
    batch.add_argument("--dataset", "-d", required=True, help="rows of inputs: .jsonl, .json or .csv")
    batch.add_argument("--out", "-o", help="write results (JSON lines) here instead of stdout")
    batch.add_argument("--concurrency", "-c", type=int, default=4, help="rows run at the same time")
    batch.add_argument("--no-cache", action="store_true", help="run every node, ignoring cached outputs")
    batch.set_defaults(handler=cmd_batch)
