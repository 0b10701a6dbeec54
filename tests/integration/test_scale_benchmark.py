"""benchmarks/scale.py end to end on a tiny store: every figure reported, each sane, the events counted the store's."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from benchmarks.scale import ROWS
from lifecycle import Lifecycle

ROOT = Path(__file__).parents[2]


def figures(report: str) -> dict[str, str]:
    """The first table's rows: label -> value."""
    found: dict[str, str] = {}
    for line in report.split("### ", 2)[1].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] not in ("figure", "---"):
            found.setdefault(cells[0], cells[1])
    return found


def number(text: str) -> float:
    return float(re.split(r"[ (/]", text.replace(",", ""))[0])


def test_the_scale_benchmark_reports_every_figure_of_a_tiny_store(tmp_path: Path) -> None:
    out = tmp_path / "scale.md"
    args = ["--sizes", "2000", "--sample", "2000", "--ratio-runs", "1", "--lookups", "50", "--cli-runs", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", *args, "--dir", str(tmp_path), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = out.read_text()
    table = figures(report)
    assert [label for label, *_ in ROWS if label not in table] == []
    info = json.loads((tmp_path / "scale-2000.db.json").read_text())
    assert number(table["complaints"]) == info["filed"] == 2000 and info["bad"] == 0
    events = number(table["events"])
    assert events == info["events"] and 2000 * 3 <= events < 2000 * 4  # filed, sent, a response; some more
    assert 300 < number(table["bytes per event, all-in (store on disk / events)"]) < 5000
    for label, key, _, kind in ROWS:
        if kind is not None and key != "generate_s":  # (the tiny store's CSV may take under 0.05 s)
            assert number(table[label]) > 0, label
    assert "(100)" in table["`app.due(now, 1000)` in-process, median ms (listed)"]
    assert table["`advance` past their response windows (CLI process), s (due / recorded)"].endswith("(100 / 100)")
    per_table = re.findall(r"^\| `(\w+)` \| ([\d,]+) \|", report, re.M)
    assert sum(int(size.replace(",", "")) for _, size in per_table) <= number(table["store on disk, MB"]) * 1.1e6
    assert "report_events" in dict(per_table) and "**" in report and "20,000,000 complaints" in report
    app = Lifecycle(str(tmp_path / "scale-2000.db"))
    try:  # the queue of the measure added 100 complaints, each filed, sent and lapsed
        assert app.recorder.max_notification_id() == events + 300
    finally:
        app.close()
