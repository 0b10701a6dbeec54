"""The report site of the five CFPB exports in a real browser (Debian's chromium driven by Playwright): sort by
timely share, filter a company by name, open its page, follow a link to a complaint's history; every number
shown is checked against the JSON report of the same store, moment and window."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, sync_playwright

from lifecycle import Lifecycle
from lifecycle.cli import main

from .conftest import Imported

AS_OF = "2020-03-31"
"""The last day the exports hold: the habit line and the 12-month figures look back from it."""
COMPANY = "wells fargo"


def share(value: float | None) -> str:
    """A share as the page shows it (JavaScript's toFixed rounds halves up; none here falls on a half)."""
    return "-" if value is None else f"{value * 100:.1f}%"


@pytest.fixture(scope="module")
def site(cfpb_store: Imported, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The site and the JSON report of the same store, moment and window."""
    out = tmp_path_factory.mktemp("site") / "report"
    common = ["report", "--db", str(cfpb_store.path), "--years", "all", "--as-of", AS_OF]
    made = CliRunner().invoke(main, [*common, "--format", "html", "--out", str(out)])
    assert made.exit_code == 0, made.output
    document = CliRunner().invoke(main, [*common, "--json"])
    assert document.exit_code == 0, document.output
    return out, json.loads(document.stdout)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium (never a downloaded one)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium is needed (.ci/run installs it)"
    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        yield found
        found.close()


def cells(page: Page, key: str) -> list[str]:
    """The texts of one column on the shown page of the comparison table."""
    return [t.strip() for t in page.locator(f"#businesses tbody td[data-key={key}]").all_inner_texts()]


def test_sort_filter_open_a_company_and_follow_a_complaint_to_its_history(
    site: tuple[Path, dict[str, Any]], browser: Browser, cfpb_store: Imported
) -> None:
    out, report = site
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((out / "index.html").as_uri())
    page.wait_for_selector("#businesses tbody tr")
    businesses = report["businesses"] + ([report["unattributed"]] if report["unattributed"] else [])
    assert page.locator("#count").inner_text().startswith(f"{len(businesses):,} businesses")
    total = page.locator("#total")
    assert total.locator("td[data-key=complaints]").inner_text() == f"{report['total']['complaints']:,}"
    assert total.locator("td[data-key=timely_share]").inner_text() == share(report["total"]["timely_share"])

    # Sort by timely share: highest first, the same 50 values the JSON has at the top.
    page.locator("th[data-key=timely_share] button").click()
    assert page.locator("th[data-key=timely_share]").get_attribute("aria-sort") == "descending"
    timely = sorted((b["timely_share"] for b in businesses if b["timely_share"] is not None), reverse=True)
    assert cells(page, "timely_share") == [share(v) for v in timely[:50]]
    page.locator("th[data-key=timely_share] button").click()
    assert cells(page, "timely_share") == [share(v) for v in sorted(timely)[:50]]

    # Filter by name: the businesses whose name or other spellings hold it, in any case.
    page.locator("#filter").fill(COMPANY.upper())
    matching = [b for b in businesses if any(COMPANY in n.casefold() for n in [b["business"], *b["aliases"]])]
    assert len(matching) >= 1
    page.wait_for_function(f"document.querySelectorAll('#businesses tbody tr').length === {len(matching)}")
    shown = {
        page.locator("#businesses tbody td[data-key=business] a").nth(i).inner_text().strip()
        for i in range(len(matching))
    }
    assert shown == {b["business"] for b in matching}
    chosen = max(matching, key=lambda b: b["complaints"])
    row = page.locator("#businesses tbody tr", has=page.get_by_role("link", name=chosen["business"], exact=True))
    for key in ("complaints", "disputes", "open"):
        expected = len(chosen["open"]) if key == "open" else chosen[key]
        assert row.locator(f"td[data-key={key}]").inner_text() == f"{expected:,}"
    for key in ("timely_share", "relief_share", "unanswered_share"):
        assert row.locator(f"td[data-key={key}]").inner_text() == share(chosen[key])

    # Its page: the figures, the habit line and its rule.
    row.get_by_role("link", name=chosen["business"], exact=True).click()
    page.wait_for_selector("#facts")
    assert page.locator("h1").inner_text() == chosen["business"]
    labels, values = page.locator("#facts th").all_inner_texts(), page.locator("#facts td").all_inner_texts()
    facts = dict(zip(labels, values, strict=True))
    assert facts["complaints filed"] == f"{chosen['complaints']:,}"
    assert facts["timely first responses"] == share(chosen["timely_share"])
    assert facts["disputed by the consumer"] == f"{chosen['disputes']:,}"
    habit = page.locator("#habit").inner_text()
    assert chosen["habit"]["line"].casefold() in habit.casefold() and chosen["habit"]["rule"] in habit
    monthly = page.locator("svg#monthly")
    assert monthly.locator("rect title").count() > 0 and monthly.locator(".legend").count() == 1
    bars = page.locator("svg#by-issue rect title").all_text_contents()
    assert bars == [f"{issue}: {n:,}" for issue, n in list(chosen["by_issue"].items())[:15]]

    # A complaint of it: its history as the event store has it, up to the report's moment.
    link = page.locator("#complaints a.history").first
    reference = link.inner_text().strip()
    link.click()
    page.wait_for_selector("#history")
    assert page.locator("h1").inner_text() == reference
    shown_events = [t.strip() for t in page.locator("#history tbody tr td:nth-child(3)").all_inner_texts()]
    app = Lifecycle(f"sqlite:///{cfpb_store.path}", default_profile="cfpb")
    try:
        history = [h for h in app.history(reference) if h.at.date().isoformat() <= AS_OF]
    finally:
        app.close()
    assert shown_events == [h.event for h in history] and len(history) >= 2
    assert errors == []
