"""`studio eval`: evaluate a flow on a dataset (variants, metrics, judge), and list, show, compare runs.

```
studio eval FLOW --dataset qa.jsonl [--variants v.yaml] [--metrics a,b] [--judge MODEL]
                 [--out report.html] [--json] [--fail-under m=0.7 ...] | --resume RUN_ID
                 [--ray [ADDRESS] --workers N]   (cells on Ray: a cluster, RAY_ADDRESS, or a local Ray)
studio eval compare RUN_A RUN_B [--json]
studio eval list [--json]
studio eval show RUN_ID [--json] [--out report.html]
studio eval generate KB --n 50 [--model M] --out qa.jsonl
```
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import Any

from studio.cli.common import EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_INVALID_FLOW, EXIT_OK, CliError

# A --fail-under threshold was not met: distinct from the other codes so CI can tell.
EXIT_BELOW_THRESHOLD = 4
DEFAULT_METRICS = "latency,tokens,length"
_ACTIONS = ("compare", "list", "show", "generate")


def _parse_thresholds(items: list[str]) -> dict[str, float]:
    thresholds: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            thresholds[name.strip()] = float(value)
        except ValueError:
            raise CliError(f"--fail-under {item!r}: expected METRIC=NUMBER, e.g. faithfulness=0.7") from None
    return thresholds


def check_thresholds(report: dict[str, Any], thresholds: dict[str, float]) -> list[str]:
    """One sentence per variant and metric whose mean misses its --fail-under threshold."""
    problems = []
    for label, limit in thresholds.items():
        info = report["metrics"][label]
        for variant, summary in report["summary"].items():
            mean = summary["metrics"][label]["mean"]
            if mean is None:
                problems.append(f"{label} ({variant}): no scores (every cell was skipped or failed)")
            elif info["higher_is_better"] and mean < limit:
                problems.append(f"{label} ({variant}): mean {mean:.3f} is below {limit:g}")
            elif not info["higher_is_better"] and mean > limit:
                problems.append(f"{label} ({variant}): mean {mean:.3f} is above {limit:g}")
    return problems


def _write_report(report: dict[str, Any], out: str) -> None:
    from studio.evaluation.report_html import html_report

    text = json.dumps(report, ensure_ascii=False, indent=2) if out.endswith(".json") else html_report(report)
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as error:
        raise CliError(f"--out {out}: cannot write ({error.strerror or error})") from None


def _emit(report: dict[str, Any], args: argparse.Namespace) -> None:
    from studio.evaluation.report_text import summary_text

    if args.out:
        _write_report(report, args.out)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=repr))
    else:
        print(summary_text(report))
        if args.out:
            print(f"\nreport written to {args.out}")


def cmd_run(args: argparse.Namespace, flow: str | None) -> int:
    """Run or resume an evaluation, print the summary, and check the thresholds."""
    from studio.evaluation import EvalError, EvalSpec, Variant, load_run, load_variants, run_evaluation
    from studio.evaluation.metrics.registry import split_specs
    from studio.evaluation.report_text import ProgressBar
    from studio.evaluation.variants import VariantsError

    thresholds = _parse_thresholds(args.fail_under or [])
    if args.resume:
        if flow or args.dataset:
            raise CliError("--resume RUN_ID continues a stored run: give no flow or --dataset with it")
        spec = None
    else:
        if not flow:
            raise CliError("give the flow file: studio eval FLOW --dataset FILE (or --resume RUN_ID)")
        if not args.dataset:
            raise CliError("--dataset FILE is needed (.jsonl, .json, .csv or .xlsx)")
        variants = [Variant("default")]
        if args.variants:
            try:
                variants = load_variants(args.variants)
            except VariantsError as error:
                raise CliError(str(error)) from None
        spec = EvalSpec(
            flow=flow,
            dataset=args.dataset,
            metrics=split_specs(args.metrics or DEFAULT_METRICS),
            variants=variants,
            judge=args.judge,
            concurrency=args.concurrency,
            use_cache=not args.no_cache,
            answer_output=args.answer_output,
            limit=args.limit,
            variants_source=args.variants or "variants",
        )
    backend = None
    if args.ray is not None:
        from studio.evaluation.ray_cells import RayEvalOptions

        if args.workers < 1:
            raise CliError("--workers must be at least 1")
        # bare --ray: RAY_ADDRESS when set, else a local Ray on this machine's cores
        backend = RayEvalOptions(
            address=None if args.ray == "local" else args.ray, workers=args.workers
        ).start
    bar = ProgressBar(sys.stderr)
    started: list[str] = []
    try:
        outcome = run_evaluation(
            spec,
            resume=args.resume,
            on_progress=bar,
            on_start=started.append,
            cancel=threading.Event(),
            backend=backend,
        )
    except EvalError as error:
        if started:
            bar.close()
        raise CliError(str(error), EXIT_INVALID_FLOW if error.invalid_flow else EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        bar.close()
        if started:
            print(f"stopped; finished cells are kept: studio eval --resume {started[0]}", file=sys.stderr)
        return EXIT_CANCELLED
    bar.close()
    report = load_run(outcome.run_id)
    unknown = sorted(set(thresholds) - set(report["metrics"]))
    _emit(report, args)
    if unknown:
        raise CliError(f"--fail-under: {', '.join(unknown)} is not one of this run's metrics")
    problems = check_thresholds(report, thresholds)
    for problem in problems:
        print(f"below threshold: {problem}", file=sys.stderr)
    return EXIT_BELOW_THRESHOLD if problems else EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    """List stored evaluation runs."""
    import time

    from studio.evaluation import list_runs
    from studio.evaluation.report_text import table

    runs = list_runs(args.limit or 50)
    if args.json:
        print(json.dumps([r.as_dict() for r in runs], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not runs:
        print("no evaluation runs yet")
        return EXIT_OK
    rows = [
        [
            r.run_id,
            time.strftime("%Y-%m-%d %H:%M", time.localtime(r.created)),
            r.status,
            r.flow_path,
            r.dataset_path,
            ",".join(v["name"] for v in r.config.get("variants", [])),
        ]
        for r in runs
    ]
    print(table(["run", "started", "status", "flow", "dataset", "variants"], rows))
    return EXIT_OK


def cmd_show(args: argparse.Namespace, run_id: str) -> int:
    """Show a stored run's report."""
    from studio.evaluation import EvalError, load_run

    try:
        report = load_run(run_id)
    except EvalError as error:
        raise CliError(str(error)) from None
    _emit(report, args)
    return EXIT_OK


def cmd_compare(args: argparse.Namespace, first: str, second: str) -> int:
    """Per-metric deltas between two runs and the rows that got worse."""
    from studio.evaluation import EvalError, compare_runs
    from studio.evaluation.report_text import compare_text

    try:
        result = compare_runs(first, second)
    except EvalError as error:
        raise CliError(str(error)) from None
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else compare_text(result))
    return EXIT_OK


def cmd_generate(args: argparse.Namespace, kb: str) -> int:
    """Draft a test set from a knowledge base."""
    from studio.evaluation import EvalError
    from studio.evaluation.generate import agenerate, write_jsonl
    from studio.runtime.llm.types import BUILTIN_MODEL

    if not args.out:
        raise CliError("--out FILE.jsonl is needed for the drafted rows")
    if args.n < 1:
        raise CliError("--n must be at least 1")

    def tell(done: int, total: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\rdrafted {done}/{total}")
            sys.stderr.flush()

    try:
        import asyncio  # not at the top: `studio --help` imports this module

        rows = asyncio.run(agenerate(kb, args.n, args.model or BUILTIN_MODEL, seed=args.seed, on_row=tell))
    except EvalError as error:
        raise CliError(str(error)) from None
    write_jsonl(rows, args.out)
    print(f"{len(rows)} rows written to {args.out} (review them before trusting the scores)", file=sys.stderr)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    """Dispatch `studio eval ...` by its first word."""
    words: list[str] = args.words
    action = words[0] if words and words[0] in _ACTIONS else None
    try:
        if action is None:
            if len(words) > 1:
                raise CliError(f"give one flow file, not {len(words)}: {' '.join(words)}")
            return cmd_run(args, words[0] if words else None)
        rest = words[1:]
        wanted = {"compare": 2, "list": 0, "show": 1, "generate": 1}[action]
        if len(rest) != wanted:
            usage = {
                "compare": "studio eval compare RUN_A RUN_B",
                "list": "studio eval list",
                "show": "studio eval show RUN_ID [--json]",
                "generate": "studio eval generate KB --n 50 --out qa.jsonl",
            }[action]
            raise CliError(f"usage: {usage}")
        if action == "compare":
            return cmd_compare(args, rest[0], rest[1])
        if action == "list":
            return cmd_list(args)
        if action == "show":
            return cmd_show(args, rest[0])
        return cmd_generate(args, rest[0])
    except CliError as error:
        print(str(error), file=sys.stderr)
        return error.code


def add_commands(sub: Any) -> None:
    """Add `studio eval` to the CLI."""
    command = sub.add_parser(
        "eval",
        help="evaluate a flow on a dataset; list, show and compare evaluation runs",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("words", nargs="*", help="FLOW, or compare A B, list, show RUN_ID, generate KB")
    command.add_argument("--dataset", "-d", help="rows: .jsonl, .json, .csv or .xlsx")
    command.add_argument(
        "--variants", help="named overrides {name: {node_id: {setting: value}}} (.json/.yaml)"
    )
    command.add_argument("--metrics", "-m", help=f"comma-separated metric names (default {DEFAULT_METRICS})")
    command.add_argument("--judge", help="the judge model for *_judge, geval and pairwise metrics")
    command.add_argument("--out", "-o", help="write the report here (.html, or .json); generate: the .jsonl")
    command.add_argument("--json", action="store_true", help="print the report as JSON")
    command.add_argument(
        "--fail-under", action="append", metavar="METRIC=VALUE", help="exit 4 if a mean misses it"
    )
    command.add_argument("--resume", metavar="RUN_ID", help="continue a stopped evaluation run")
    command.add_argument("--concurrency", "-c", type=int, default=4, help="cells run at the same time")
    command.add_argument("--no-cache", action="store_true", help="run every node, ignoring cached outputs")
    command.add_argument(
        "--answer-output", help="the flow output metrics score (default: 'answer' or the first)"
    )
    command.add_argument("--limit", type=int, help="evaluate only the first N rows")
    command.add_argument(
        "--ray",
        nargs="?",
        const="local",
        default=None,
        metavar="ADDRESS",
        help="run the cells on Ray: a cluster address (ray://head:10001), else RAY_ADDRESS, else a local Ray",
    )
    command.add_argument("--workers", type=int, default=2, help="Ray worker processes (with --ray)")
    command.add_argument("--n", type=int, default=50, help="generate: how many rows to draft")
    command.add_argument(
        "--model", help="generate: the model that drafts the rows (default: the built-in one)"
    )
    command.add_argument("--seed", type=int, default=0, help="generate: which chunks are sampled")
    command.set_defaults(handler=cmd_eval)
