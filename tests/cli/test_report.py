"""`lifecycle report` in every format; the HTML page rendered by headless Chromium; no personal data."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from lifecycle.cli import main

ROOT = Path(__file__).parents[2]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "scenarios.db"
    assert run("replay", str(ROOT / "scenarios"), "--db", str(path)).exit_code == 0
    return str(path)


def personal_data() -> set[str]:
    """Every consumer name and free text of the bundled scenarios."""
    import yaml

    found = set()
    for f in (ROOT / "scenarios").glob("*.yaml"):
        for c in yaml.safe_load(f.read_text(encoding="utf-8"))["complaints"]:
            found |= {str(c[k]) for k in ("consumer", "text", "desired_outcome") if c.get(k)}
            found |= {str(e["text"]) for e in c.get("events", []) if e.get("text")}
    return found


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "html"])
def test_every_format_and_no_personal_data(db: str, fmt: str) -> None:
    result = run("report", "--db", db, "--as-of", "2024-12-31", "--format", fmt)
    assert result.exit_code == 0, result.output
    private = personal_data()
    assert len(private) > 20
    assert not [p for p in private if p in result.stdout]
    assert "Prompt Plumbing" in result.stdout


def test_json_holds_the_documented_fields(db: str) -> None:
    document = json.loads(run("report", "--db", db, "--as-of", "2024-12-31", "--format", "json").stdout)
    first = document["businesses"][0]
    for key in (
        "business",
        "complaints",
        "closed_12m",
        "by_status",
        "by_type",
        "response_rate",
        "median_days_to_response",
        "timely_share",
    ):
        assert key in first
    assert document["total"]["complaints"] == sum(b["complaints"] for b in document["businesses"])


def test_csv_has_one_row_per_business_and_the_total(db: str) -> None:
    rows = list(
        csv.DictReader(io.StringIO(run("report", "--db", db, "--as-of", "2024-12-31", "--format", "csv").stdout))
    )
    assert rows[-1]["business"] == "(all)"
    assert sum(int(r["complaints"]) for r in rows[:-1]) == int(rows[-1]["complaints"])


def test_one_business_and_bad_input(db: str) -> None:
    one = json.loads(
        run("report", "--db", db, "--business", "Slow Movers", "--format", "json", "--as-of", "2024-12-31").stdout
    )
    assert [b["business"] for b in one["businesses"]] == ["Slow Movers"]
    unknown = run("report", "--db", db, "--business", "Nobody")
    assert unknown.exit_code == 2 and unknown.stderr.startswith("error: no complaints for business 'Nobody'")
    bad = run("report", "--db", db, "--as-of", "2024-02-30")
    assert bad.exit_code == 2 and "2024-02-30" in bad.stderr and "Traceback" not in bad.output


def test_rebuild_command_gives_the_same_report(db: str) -> None:
    before = run("report", "--db", db, "--as-of", "2024-12-31", "--format", "json").stdout
    result = run("rebuild", "--db", db)
    assert result.exit_code == 0 and "report: " in result.stderr
    assert run("report", "--db", db, "--as-of", "2024-12-31", "--format", "json").stdout == before


def test_the_html_report_renders_in_headless_chromium(db: str, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is needed (.ci/run installs it)"
    page = tmp_path / "report.html"
    assert run("report", "--db", db, "--as-of", "2024-12-31", "--format", "html", "--out", str(page)).exit_code == 0
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    sections = dom.count("<section>")
    assert sections >= 10 and dom.count('class="chart"') == 4 * sections
    assert dom.count("<rect") > 50
    shot = tmp_path / "shot.png"
    subprocess.run(
        [chromium, *flags, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 1600)
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50  # not a blank page
    present = {rgb for _, rgb in colours}
    assert (46, 125, 50) in present and (21, 101, 192) in present  # Resolved and Answered bars drawn
