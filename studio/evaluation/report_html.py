"""A self-contained HTML report: tables and inline SVG charts, no script and nothing fetched."""

from __future__ import annotations

from html import escape
from typing import Any

from studio.evaluation.report_text import cell_text

_COLOURS = ("#3b6fd8", "#e0822d", "#2e9b5f", "#b0438f", "#7a6cc9", "#c2a12b", "#4aa3b5", "#8c5b3f")

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;
vertical-align:top}th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#777}.bad{color:#b00020}pre{white-space:pre-wrap;margin:0;max-width:480px;font-size:.9em}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{border:1px solid #eee;padding:6px}
"""


def _bar_chart(label: str, report: dict[str, Any]) -> str:
    """Means per variant as bars, with the CI as a whisker; the axis spans the metric's range."""
    info = report["metrics"][label]
    stats = {v: s["metrics"][label] for v, s in report["summary"].items()}
    means = [s["mean"] for s in stats.values() if s["mean"] is not None]
    if not means:
        return ""
    low = info["range"][0] if info["range"][0] is not None else 0.0
    high = info["range"][1]
    if high is None:
        uppers = [s["ci"][1] if s["ci"] else s["mean"] for s in stats.values() if s["mean"] is not None]
        high = max(uppers) * 1.1 or 1.0
    width, height, left, bar = 320, 40 + 28 * len(stats), 110, 18
    span = (high - low) or 1.0

    def x(value: float) -> float:
        return left + (width - left - 20) * max(0.0, min(1.0, (value - low) / span))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(label)}">',
        f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(label)}</text>',
    ]
    for index, (variant, s) in enumerate(stats.items()):
        y = 28 + index * 28
        colour = _COLOURS[index % len(_COLOURS)]
        parts.append(f'<text x="4" y="{y + 13}" font-size="11">{escape(variant[:16])}</text>')
        if s["mean"] is None:
            parts.append(f'<text x="{left}" y="{y + 13}" font-size="11" fill="#777">skipped</text>')
            continue
        parts.append(
            f'<rect x="{left}" y="{y}" width="{x(s["mean"]) - left:.1f}" height="{bar}" fill="{colour}"/>'
        )
        if s["ci"]:
            lo, hi = x(s["ci"][0]), x(s["ci"][1])
            mid = y + bar / 2
            parts.append(f'<line x1="{lo:.1f}" x2="{hi:.1f}" y1="{mid}" y2="{mid}" stroke="#222"/>')
            for edge in (lo, hi):
                parts.append(
                    f'<line x1="{edge:.1f}" x2="{edge:.1f}" y1="{y + 4}" y2="{y + bar - 4}" stroke="#222"/>'
                )
        parts.append(
            f'<text x="{min(x(s["mean"]) + 4, width - 40):.1f}" y="{y + 13}" font-size="11">'
            f"{s['mean']:.3g}</text>"
        )
    parts.append("</svg>")
    return '<div class="chart">' + "".join(parts) + "</div>"


def _scatter(report: dict[str, Any]) -> str:
    """Mean latency against total cost, one dot per variant."""
    points = [(v, s["mean_latency_s"], s["cost_usd"]) for v, s in report["summary"].items()]
    if not points:
        return ""
    width, height, pad = 360, 240, 44
    max_x = max(p[1] for p in points) * 1.15 or 1.0
    max_y = max(p[2] for p in points) * 1.15 or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        'aria-label="cost and latency">',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - 10}" y2="{height - pad}" stroke="#999"/>',
        f'<line x1="{pad}" y1="10" x2="{pad}" y2="{height - pad}" stroke="#999"/>',
        f'<text x="{width / 2}" y="{height - 8}" font-size="11" text-anchor="middle">mean latency (s)</text>',
        f'<text x="12" y="{height / 2}" font-size="11" transform="rotate(-90 12 {height / 2})" '
        'text-anchor="middle">cost (USD)</text>',
        f'<text x="{width - 10}" y="{height - pad + 14}" font-size="10" text-anchor="end">{max_x:.3g}</text>',
        f'<text x="{pad - 4}" y="16" font-size="10" text-anchor="end">{max_y:.3g}</text>',
    ]
    for index, (variant, latency, cost) in enumerate(points):
        px = pad + (width - pad - 10) * latency / max_x
        py = height - pad - (height - pad - 10) * cost / max_y
        colour = _COLOURS[index % len(_COLOURS)]
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="6" fill="{colour}"/>')
        parts.append(f'<text x="{px + 8:.1f}" y="{py + 4:.1f}" font-size="11">{escape(variant[:20])}</text>')
    parts.append("</svg>")
    return '<div class="chart">' + "".join(parts) + "</div>"


def _pre(text: Any, limit: int = 1200) -> str:
    text = "" if text is None else str(text)
    if len(text) > limit:
        text = text[:limit] + "…"
    return f"<pre>{escape(text)}</pre>"


def html_report(report: dict[str, Any]) -> str:
    """The whole report as one HTML document."""
    run = report["run"]
    variants = list(report["summary"])
    out = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Evaluation {escape(run['run_id'])}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Evaluation {escape(run['run_id'])}</h1>",
        f"<p>Flow <b>{escape(run['flow_name'])}</b> ({escape(run['flow_path'])}), dataset "
        f"{escape(run['dataset_path'])}; status <b>{escape(run['status'])}</b>"
        + (f"; judge {escape(str(run['config'].get('judge')))}" if run["config"].get("judge") else "")
        + ".</p>",
        "<h2>Summary</h2><p class='muted'>Mean [95% bootstrap confidence interval] per variant.</p>",
        "<table><tr><th>metric</th>" + "".join(f"<th>{escape(v)}</th>" for v in variants) + "</tr>",
    ]
    for label in run["metrics"]:
        info = report["metrics"][label]
        arrow = "" if not info["directional"] else (" ↑" if info["higher_is_better"] else " ↓")
        out.append(f"<tr><td title='{escape(info.get('description', ''))}'>{escape(label)}{arrow}</td>")
        out += [
            f"<td class='num'>{escape(cell_text(report['summary'][v]['metrics'][label]))}</td>"
            for v in variants
        ]
        out.append("</tr>")
    for key, name in (("cells", "cells"), ("failed", "failed cells"), ("cached", "from cache")):
        out.append(f"<tr><td>{name}</td>")
        out += [f"<td class='num'>{report['summary'][v][key]}</td>" for v in variants]
        out.append("</tr>")
    out.append("</table>")
    notes = sorted(
        {
            s["note"]
            for v in variants
            for s in report["summary"][v]["metrics"].values()
            if s["skipped"] and s["note"]
        }
    )
    if notes:
        out.append("<p class='muted'>Skipped scores: " + "; ".join(escape(n) for n in notes) + "</p>")
    out.append("<h2>Charts</h2><div class='charts'>")
    out += [_bar_chart(label, report) for label in run["metrics"]]
    out.append(_scatter(report))
    out.append("</div>")
    for label, rows in report["worst"].items():
        if not rows:
            continue
        out.append(
            f"<h2>Worst rows: {escape(label)}</h2><table><tr><th>row</th><th>variant</th>"
            "<th>score</th><th>question</th><th>answer</th><th>reference</th><th>why</th></tr>"
        )
        for row in rows:
            out.append(
                f"<tr><td class='num'>{row['row']}</td><td>{escape(row['variant'])}</td>"
                f"<td class='num'>{row['value']:.3g}</td><td>{_pre(row['question'], 300)}</td>"
                f"<td>{_pre(row['answer'])}</td><td>{_pre(row['reference'], 600)}</td>"
                f"<td>{_pre(row['reason'], 400)}</td></tr>"
            )
        out.append("</table>")
    if report["failures"]:
        out.append("<h2>Failed cells</h2><table><tr><th>row</th><th>variant</th><th>error</th></tr>")
        out += [
            f"<tr><td class='num'>{f['row']}</td><td>{escape(f['variant'])}</td>"
            f"<td class='bad'>{_pre(f['error'])}</td></tr>"
            for f in report["failures"]
        ]
        out.append("</table>")
    out.append("</body></html>\n")
    return "".join(out)
