"""A report as a text table, JSON, CSV, or a self-contained HTML page with SVG charts."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from html import escape

from ...views.report.figures import Figures, Report
from .times import moment_text

STATUS_COLOURS = {
    "Open": "#9e9e9e",
    "Resolved": "#2e7d32",
    "Answered": "#1565c0",
    "Unresolved": "#c62828",
    "Unanswered": "#ef6c00",
    "Unpursuable": "#6a1b9a",
    "Closed with explanation": "#00838f",
    "Closed with monetary relief": "#558b2f",
    "Closed with non-monetary relief": "#827717",
    "Closed": "#5d4037",
    "Closed with relief": "#0288d1",
    "Closed without relief": "#ad1457",
    "Untimely response": "#d84315",
}
"""Colours of the outcomes the built-in profiles publish; a section shows only the outcomes of its own profiles."""
BAR = "#546e7a"
"""Bars that are no outcome (types, days to first response): a colour no outcome has."""
PALETTE = ("#37474f", "#0277bd", "#7cb342", "#f9a825", "#8e24aa", "#e53935")
"""Colours for the outcomes of other profiles, in turn."""


def colours(statuses: Iterable[str]) -> dict[str, str]:
    """A colour for each of `statuses`, in their order."""
    found = {}
    for i, status in enumerate(statuses):
        found[status] = STATUS_COLOURS.get(status) or PALETTE[i % len(PALETTE)]
    return found


def prefixes(f: Figures) -> dict[str, str]:
    """Each `by_status` key -> the vocabulary it belongs to (`Open`, common to every profile: `outcome`)."""
    found: dict[str, str] = {}
    for vocabulary, names in f.vocabularies.items():
        for name in names:
            found.setdefault(name, vocabulary)
    return {s: found.get(s, "outcome") for s in f.by_status}


def vocabulary_lines(f: Figures) -> list[str]:
    """One line per vocabulary: what it is called and its outcomes."""
    return [f"{vocabulary}: {', '.join(names)}" for vocabulary, names in f.vocabularies.items()]


def sections(report: Report) -> list[Figures]:
    """The businesses, the complaints naming no company, then the whole store."""
    return [*report.businesses, *([report.unattributed] if report.unattributed else []), report.total]


def share(value: float | None) -> str:
    """A share as a percentage, or a dash."""
    return "-" if value is None else f"{value * 100:.1f}%"


def days(value: float | None) -> str:
    """Days with one decimal, or a dash."""
    return "-" if value is None else f"{value:.1f}"


def as_json(report: Report) -> str:
    """The report as one JSON document."""
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"


SUMMARY = (
    "business",
    "aliases",
    "complaints",
    "closed_12m",
    "response_rate",
    "median_days_to_response",
    "p90_days_to_response",
    "timely_share",
    "resolution_share",
    "reopen_count",
    "overdue",
    "unpublished",
    "declined",
)


def _summary(f: Figures) -> list[object]:
    values = {**f.as_dict(), "business": f.business or "(all)", "aliases": " | ".join(f.aliases)}
    return [values[k] for k in SUMMARY]


def as_csv(report: Report) -> str:
    """One row per business, the complaints naming no company, the whole store; counts as columns.

    Outcome columns are named by vocabulary: `status:Resolved`, `company response:Closed`; `outcome:Open`."""
    rows = sections(report)
    statuses = prefixes(report.total)
    states = sorted({s for f in rows for s in f.by_state})
    types = sorted({t for f in rows for t in f.by_type})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "as_of",
            "window",
            "since",
            *SUMMARY,
            *(f"{prefix}:{s}" for s, prefix in statuses.items()),
            *(f"state:{s}" for s in states),
            "timely:Yes",
            "timely:No",
            *(f"type:{t}" for t in types),
        ]
    )
    for f in rows:
        writer.writerow(
            [
                report.as_of,
                f.window,
                f.since or "",
                *_summary(f),
                *(f.by_status.get(s, "") for s in statuses),  # empty: not an outcome of its profiles
                *(f.by_state.get(s, 0) for s in states),
                f.timely_counts.get("Yes", 0),
                f.timely_counts.get("No", 0),
                *(f.by_type.get(t, 0) for t in types),
            ]
        )
    return out.getvalue()


WINDOW_WORDS = {"filed": "filed", "closed": "open or closed"}


def as_table(report: Report) -> str:
    """A fixed-width table for a terminal: one outcome column per outcome of the profiles in the report."""
    statuses = list(report.total.by_status)
    head = ("business", "complaints", "closed 12m", *statuses, "overdue", "responded", "median d", "p90 d")
    head += ("timely", "resolved")
    since, words = report.total.since, WINDOW_WORDS.get(report.window, report.window)
    since_text = f"since {moment_text(since, report.zone)}" if since else "at any time"
    lines = [f"as of {moment_text(report.as_of, report.zone)}; complaints {words} {since_text}"]
    lines += [f"  {line}" for line in vocabulary_lines(report.total)]
    rows: list[tuple[str, ...]] = [head]
    for f in sections(report):
        rows.append(
            (
                f.business or "(all)",
                str(f.complaints),
                str(f.closed_12m),
                *(str(f.by_status.get(k, "")) for k in statuses),  # blank: not its profiles' outcome
                str(f.overdue),
                share(f.response_rate),
                days(f.median_days_to_response),
                days(f.p90_days_to_response),
                share(f.timely_share),
                share(f.resolution_share),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for row in rows:
        lines.append(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    lines += [f"{f.business} also spelled: {'; '.join(f.aliases)}" for f in report.businesses if f.aliases]
    return "\n".join(lines) + "\n"


def _bars(title: str, counts: dict[str, int], colours: dict[str, str] | None = None) -> str:
    """A horizontal bar chart as inline SVG."""
    items = list(counts.items())
    top = max((v for _, v in items), default=0) or 1
    height = 24 * len(items) + 30
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="560" height="{height}" '
        f'viewBox="0 0 560 {height}"><text x="0" y="16" class="title">{escape(title)}</text>'
    ]
    for i, (label, value) in enumerate(items):
        y = 28 + 24 * i
        width = 300 * value / top
        colour = (colours or {}).get(label, BAR)
        parts.append(
            f'<text x="0" y="{y + 14}">{escape(label)}</text>'
            f'<rect x="200" y="{y}" width="{width:.1f}" height="18" fill="{colour}"/>'
            f'<text x="{205 + width:.1f}" y="{y + 14}">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _months(title: str, by_month: dict[str, dict[str, int]], palette: dict[str, str]) -> str:
    """Stacked columns: complaints per filing month, by their outcome as of the report (legend: `palette`)."""
    months = list(by_month)
    top = max((sum(c.values()) for c in by_month.values()), default=0) or 1
    step = max(8, min(40, 520 // max(1, len(months))))
    legend = [list(palette.items())[i : i + 4] for i in range(0, len(palette), 4)]
    height = 244 + 14 * len(legend)
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{max(560, 60 + step * len(months))}" '
        f'height="{height}"><text x="0" y="16" class="title">{escape(title)}</text>'
    ]
    for i, month in enumerate(months):
        x, base = 40 + step * i, 220.0
        for status, colour in palette.items():
            value = by_month[month].get(status, 0)
            h = 180 * value / top
            if value:
                parts.append(
                    f'<rect x="{x}" y="{base - h:.1f}" width="{step - 2}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{month} {escape(status)}: {value}</title></rect>'
                )
            base -= h
        if i % max(1, math.ceil(50 / step), len(months) // 12) == 0:
            parts.append(f'<text x="{x}" y="240" class="small">{month}</text>')
    for row, entries in enumerate(legend):
        spans = "".join(f'<tspan fill="{c}">■ {escape(s)} </tspan>' for s, c in entries)
        parts.append(f'<text x="40" y="{256 + 14 * row}" class="small">{spans}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _facts(f: Figures) -> list[tuple[str, str]]:
    window = WINDOW_WORDS.get(f.window, f.window)
    return [
        *([("also spelled", "; ".join(f.aliases))] if f.aliases else []),
        (f"complaints {window}" + (f" since {f.since[:10]}" if f.since else ""), str(f.complaints)),
        ("closed, last 12 months", str(f.closed_12m)),
        *((f"outcomes ({vocabulary})", ", ".join(names)) for vocabulary, names in f.vocabularies.items()),
        ("overdue (open, an expected window lapsed)", str(f.overdue)),
        ("not published (declined, routed elsewhere)", str(f.unpublished)),
        ("response rate", share(f.response_rate)),
        ("median days to first response", days(f.median_days_to_response)),
        ("90th percentile days", days(f.p90_days_to_response)),
        ("timely first responses", share(f.timely_share)),
        (
            "timely: yes / no (late or none in time)",
            f"{f.timely_counts.get('Yes', 0)} / {f.timely_counts.get('No', 0)}",
        ),
        ("consumer-confirmed among closed (where consumers confirm)", share(f.resolution_share)),
        ("re-opened by a late response", str(f.reopen_count)),
    ]


def _open(f: Figures) -> str:
    if not f.open:
        return ""
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(str(o.get(k) or '-'))}</td>" for k in OPEN_COLUMNS) + "</tr>"
        for o in f.open[:50]
    )
    head = "".join(f"<th>{escape(k.replace('_', ' '))}</th>" for k in OPEN_COLUMNS)
    return f"<h3>Open complaints ({len(f.open)})</h3><table><tr>{head}</tr>{rows}</table>"


OPEN_COLUMNS = ("reference", "state", "deadline", "due_on", "overdue")


def _section(f: Figures, name: str) -> str:
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in _facts(f))
    states = "".join(f"<tr><td>{escape(k)}</td><td>{v}</td></tr>" for k, v in f.by_state.items())
    state_table = f"<h3>By state</h3><table><tr><th>state</th><th>complaints</th></tr>{states}</table>"
    palette = colours(f.by_status)
    outcome = " / ".join(f.vocabularies) or "status"
    return (
        f"<section><h2>{escape(name)}</h2><table>{rows}</table>{state_table}<div class='charts'>"
        f"{_months(f'Complaints per month by {outcome}', f.by_month, palette)}"
        f"{_bars(f'By {outcome}', f.by_status, palette)}{_bars('By type', f.by_type)}"
        f"{_bars('Days from filing to first response', f.response_days_histogram)}</div>{_open(f)}</section>"
    )


def as_html(report: Report) -> str:
    """A self-contained page: no scripts, no external files; opens offline in any browser."""
    parts = [_section(report.total, "All businesses"), *(_section(f, f.business or "") for f in report.businesses)]
    if report.unattributed:
        parts.append(_section(report.unattributed, "Company not in export"))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Complaint report</title><style>"
        "body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}"
        "th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #ddd}section{margin-bottom:40px}"
        ".charts{display:flex;flex-wrap:wrap;gap:24px}.chart text{font-size:12px}.chart .title{font-weight:bold}"
        ".chart .small{font-size:10px}</style></head><body>"
        f"<h1>Complaint report</h1><p>As of {escape(moment_text(report.as_of, report.zone))}. "
        "Counts use the effective times of events; "
        "no personal data is shown.</p>" + "".join(parts) + "</body></html>\n"
    )
