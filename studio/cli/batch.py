"""`studio batch`: run a flow once per row of a dataset, streamed, resumable, with progress.

Rows are read lazily (JSONL, CSV, XLSX; a JSON list is parsed whole), at most `--concurrency`
run at once, and each result is written as one JSON line as soon as every row before it is done
(`--unordered`: as it finishes). Every line carries the row number, the row's content hash and the
flow's hash, so `--resume` skips rows already written (a torn last line from a killed run is
detected and redone) and refuses an output file that came from another flow or dataset.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from studio.cli.common import (
    EXIT_CANCELLED,
    EXIT_NODE_FAILED,
    EXIT_OK,
    CliError,
    compile_or_fail,
)

if TYPE_CHECKING:
    from studio.engine.batch import BatchTotals, RowOutcome


def count_rows(path: Path) -> int | None:
    """How many rows a dataset has, counted cheaply (None where that needs parsing the file)."""
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".csv"):
        return None
    lines = 0
    last = b"\n"
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    lines += last != b"\n"
    return max(0, lines - (suffix == ".csv"))


def read_done(out: Path, flow_digest: str) -> dict[int, str]:
    """Rows already in a results file (number -> row hash); a torn last line is cut off.

    Refuses a file written by another flow (its hash is named beside this flow's).
    """
    done: dict[int, str] = {}
    if not out.exists():
        return done
    good_end = 0
    with open(out, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                record = json.loads(line)
                ended = line.endswith(b"\n")
            except (json.JSONDecodeError, UnicodeDecodeError):
                record, ended = None, False
            if record is None or not ended:
                if handle.read(1):  # not the last line: the file is damaged, not just cut short
                    raise CliError(f"{out}: line {number} is not a result line; cannot resume from it")
                break
            if not isinstance(record, dict) or "row" not in record:
                raise CliError(f"{out}: line {number} is not a result line; cannot resume from it")
            if record.get("flow_hash") != flow_digest:
                raise CliError(
                    f"{out} was written by a different flow (flow hash {record.get('flow_hash')}, "
                    f"this flow's is {flow_digest}): use another --out, or run without --resume"
                )
            done[int(record["row"])] = str(record.get("row_hash", ""))
            good_end += len(line)
    if good_end != out.stat().st_size:
        with open(out, "r+b") as handle:
            handle.truncate(good_end)
    return done


def _rows(dataset: Path, done: Mapping[int, str], skip_bad: bool) -> Iterator[tuple[int, Any]]:
    """(row number, values) for rows not done yet; a bad row is (number, error) with skip_bad."""
    from studio.engine.batch import row_hash
    from studio.runtime.datasets import iter_rows

    bad: list[tuple[int, str]] = []
    for row in iter_rows(dataset, on_bad_row=(lambda n, e: bad.append((n, e))) if skip_bad else None):
        while bad:
            yield bad.pop(0)
        if row.number in done:
            if done[row.number] != row_hash(row.values):
                raise CliError(
                    f"{dataset}: row {row.number} has hash {row_hash(row.values)} but the results file "
                    f"has {done[row.number]} for it: the dataset changed since; use another --out"
                )
            continue
        yield row.number, row.values
    yield from bad


class Progress:
    """A one-line progress bar on stderr: rows, rows/s, ETA, failures, tokens and cost."""

    def __init__(self, total: int | None, skipped: int, stream: TextIO):
        self.total = total
        self.skipped = skipped
        self.stream = stream
        self.shown = 0.0

    def __call__(self, totals: BatchTotals, final: bool = False) -> None:
        import time

        now = time.monotonic()
        if not final and now - self.shown < 0.2:
            return
        self.shown = now
        rate = totals.rows_per_s
        done = totals.done + self.skipped
        if self.total:
            parts = [f"{done}/{self.total} rows ({100 * done / max(1, self.total):.0f}%)"]
            if rate > 0 and not final:
                parts.append(f"ETA {max(0.0, (self.total - done) / rate):.0f}s")
        else:
            parts = [f"{done} rows"]
        parts.append(f"{rate:.0f} rows/s")
        parts.append(f"{totals.failed} failed")
        tokens = totals.prompt_tokens + totals.completion_tokens
        if tokens:
            parts.append(f"{tokens} tokens")
        if totals.cost_usd:
            parts.append(f"${totals.cost_usd:.4f}")
        self.stream.write("\r" + " · ".join(parts) + ("\n" if final else ""))
        self.stream.flush()


def cmd_batch(args: argparse.Namespace) -> int:
    """Run a flow over a dataset."""
    import asyncio

    from studio.engine.batch import BatchOptions, BatchTotals, flow_hash, run_rows
    from studio.runtime.datasets import DatasetError

    dataset = Path(args.dataset)
    _, compiled = compile_or_fail(args.flow)
    digest = flow_hash(compiled)
    if args.resume and not args.out:
        raise CliError("--resume needs --out: the results file to continue")
    out_path = Path(args.out) if args.out else None
    done = read_done(out_path, digest) if (out_path and args.resume) else {}
    if not dataset.is_file():
        raise CliError(f"{dataset}: file not found" if not dataset.exists() else f"{dataset}: not a file")
    show_progress = args.progress or (args.progress is None and sys.stderr.isatty())
    progress = Progress(count_rows(dataset), len(done), sys.stderr) if show_progress else None
    out: TextIO = (
        open(out_path, "a" if args.resume else "w", encoding="utf-8", errors="surrogatepass")  # noqa: SIM115
        if out_path
        else sys.stdout
    )
    cancel = threading.Event()
    flow_file = Path(args.flow).resolve()
    options = BatchOptions(
        concurrency=args.concurrency,
        ordered=not args.unordered,
        use_cache=not args.no_cache,
        base_dir=flow_file.parent,
        flow_path=str(flow_file),
        extras={"subflow_stack": [str(flow_file)]},
        cancel=cancel,
    )
    totals = BatchTotals()

    def write(outcome: RowOutcome) -> None:
        out.write(json.dumps(outcome.to_record(digest), ensure_ascii=False, default=repr) + "\n")
        if outcome.number % 64 == 0:
            out.flush()
        if progress is not None:
            progress(totals)

    async def main() -> BatchTotals:
        loop = asyncio.get_running_loop()
        if threading.current_thread() is threading.main_thread():
            loop.add_signal_handler(signal.SIGINT, cancel.set)
            loop.add_signal_handler(signal.SIGTERM, cancel.set)
        rows = _rows(dataset, done, args.skip_bad_rows)
        return await run_rows(compiled, rows, write, options, totals)

    try:
        if args.ray is not None:
            _run_on_ray(args, compiled_path=flow_file, done=done, write=write, cancel=cancel, totals=totals)
        else:
            asyncio.run(main())
    except DatasetError as error:
        raise CliError(str(error)) from None
    finally:
        out.flush()
        if out is not sys.stdout:
            os.fsync(out.fileno())
            out.close()
    if progress is not None:
        progress(totals, final=True)
    passed = totals.done - totals.failed
    print(
        f"{passed} passed, {totals.failed} failed" + (f", {len(done)} already done" if done else ""),
        file=sys.stderr,
    )
    if cancel.is_set():
        print("stopped: run again with --resume to continue", file=sys.stderr)
        return EXIT_CANCELLED
    return EXIT_OK if totals.failed == 0 else EXIT_NODE_FAILED


def _run_on_ray(
    args: argparse.Namespace,
    *,
    compiled_path: Path,
    done: Mapping[int, str],
    write: Any,
    cancel: threading.Event,
    totals: BatchTotals,
) -> None:
    """The same batch on Ray workers: same rows, same output lines, same resume and progress."""
    from studio.engine.ray_batch import RayOptions, RayUnavailable, run_rows_on_ray

    def stop(_signum: int, _frame: Any) -> None:
        cancel.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    options = RayOptions(
        address=args.ray or None,  # bare --ray: RAY_ADDRESS when set, else a local Ray
        workers=args.workers,
        concurrency=args.concurrency,
        use_cache=not args.no_cache,
        cancel=cancel,
    )
    rows = _rows(Path(args.dataset), done, args.skip_bad_rows)
    try:
        run_rows_on_ray(
            compiled_path.read_text(encoding="utf-8"), str(compiled_path), rows, write, options, totals
        )
    except RayUnavailable as error:
        raise CliError(str(error)) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def add_commands(sub: Any) -> None:
    """Add `studio batch` to the CLI."""
    batch = sub.add_parser("batch", help="run a flow once per row of a dataset")
    batch.add_argument("flow", help="the flow file (.json)")
    batch.add_argument("--dataset", "-d", required=True, help="rows of inputs: .jsonl, .json, .csv or .xlsx")
    batch.add_argument("--out", "-o", help="write results (JSON lines) here instead of stdout")
    batch.add_argument("--concurrency", "-c", type=int, default=8, help="rows run at the same time")
    batch.add_argument("--resume", action="store_true", help="skip rows already in --out, append the rest")
    batch.add_argument("--unordered", action="store_true", help="write results as rows finish")
    batch.add_argument(
        "--skip-bad-rows", action="store_true", help="report unreadable rows and go on (default: stop)"
    )
    batch.add_argument("--no-cache", action="store_true", help="run every node, ignoring cached outputs")
    batch.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )
    batch.add_argument(
        "--ray",
        nargs="?",
        const="",
        default=None,
        metavar="ADDRESS",
        help="run on Ray: a cluster address (ray://head:10001), else RAY_ADDRESS, else a local Ray",
    )
    batch.add_argument("--workers", type=int, default=2, help="Ray worker processes (with --ray)")
    batch.set_defaults(handler=cmd_batch)
