"""Terminal output: the progress bar while a run goes, the summary table, and run comparisons."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from studio.evaluation.runner import Progress


class ProgressBar:
    """A one-line progress bar on a terminal (stderr), redrawn at most ten times a second."""

    def __init__(self, stream: TextIO | None = None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self._last = 0.0
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last < 0.1 and progress.done != progress.total):
            return
        self._last = now
        done = progress.done + progress.resumed
        if progress.total:
            share = min(1.0, done / progress.total)
            filled = int(share * self.width)
            bar = "#" * filled + "." * (self.width - filled)
            head = f"[{bar}] {done}/{progress.total}"
        else:
            head = f"{done} cells"
        self.stream.write(f"\r{head}  failed {progress.failed}  cached {progress.cached}  ")
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}" if abs(value) < 1 else f"{value:.2f}"


def cell_text(stats: dict[str, Any]) -> str:
    """ "0.812 [0.75-0.86]" (mean and CI), with the count of skipped cells."""
    if stats["mean"] is None:
        return f"skipped ({stats['skipped']})" if stats["skipped"] else "-"
    text = _number(stats["mean"])
    if stats["ci"]:
        text += f" [{_number(stats['ci'][0])}-{_number(stats['ci'][1])}]"
    if stats["skipped"]:
        text += f" ({stats['skipped']} skipped)"
    return text


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Rows in aligned columns."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def summary_text(report: dict[str, Any]) -> str:
    """The terminal summary: metrics by variant (mean and 95% CI), cells, failures, notes."""
    run = report["run"]
    variants = list(report["summary"])
    rows = []
    for label in run["metrics"]:
        rows.append([label, *(cell_text(report["summary"][v]["metrics"][label]) for v in variants)])
    rows.append(["cells", *(str(report["summary"][v]["cells"]) for v in variants)])
    rows.append(["failed", *(str(report["summary"][v]["failed"]) for v in variants)])
    rows.append(["from cache", *(str(report["summary"][v]["cached"]) for v in variants)])
    lines = [
        f"evaluation {run['run_id']} ({run['status']}): {run['flow_path']} on {run['dataset_path']}",
        "",
        table(["metric", *variants], rows),
    ]
    notes = {
        stats["note"]
        for v in variants
        for stats in report["summary"][v]["metrics"].values()
        if stats["skipped"] and stats["note"]
    }
    if notes:
        lines += ["", "notes:", *(f"  - {note}" for note in sorted(notes))]
    if report["failures"]:
        lines += ["", "failed cells:"]
        lines += [f"  row {f['row']} / {f['variant']}: {f['error']}" for f in report["failures"][:5]]
    return "\n".join(lines)


def compare_text(result: dict[str, Any]) -> str:
    """Deltas per metric and variant, then the rows that got worse."""
    rows = []
    for variant, metrics in result["deltas"].items():
        for label, d in metrics.items():
            rows.append([variant, label, _number(d["before"]), _number(d["after"]), f"{d['delta']:+.3f}"])
    lines = [
        f"{result['first']} -> {result['second']}",
        "",
        table(["variant", "metric", "before", "after", "delta"], rows),
    ]
    if result["worse"]:
        lines += ["", f"rows that got worse ({result['worse_count']}):"]
        lines += [
            f"  row {w['row']} / {w['variant']} {w['metric']}: "
            f"{_number(w['before'])} -> {_number(w['after'])}"
            for w in result["worse"]
        ]
    else:
        lines += ["", "no row got worse"]
    return "\n".join(lines)
