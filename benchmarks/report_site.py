"""The report site of the five CFPB exports: how long it takes to write, what it weighs, how fast it opens in
Debian's chromium; and the screenshots in docs/ (the index, one business's page), regenerated.

    python -m benchmarks.report_site --runs 7 [--db STORE] [--shots docs]
Without `--db` the five exports in tests/data/cfpb are imported into a new SQLite store first. Each run opens the
page in a new browser context (nothing cached): first contentful paint from the browser's own paint timing, and
the moment the comparison table's first page is drawn; then a business's page (the one with most complaints) is
opened from the index. Medians over the runs, with the fastest and slowest. Prints Markdown for
docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = sorted((ROOT / "tests" / "data" / "cfpb").glob("*.csv"))
AS_OF = "2020-03-31"
INDEX_FILES = ("index.html", "app.css", "data.js", "app.js")
"""What the index loads to open."""


def lifecycle(*args: str) -> None:
    """Run `lifecycle ARGS` beside this Python; it must succeed."""
    script = Path(sys.executable).with_name("lifecycle")
    subprocess.run([str(script), *args], check=True, stdout=subprocess.DEVNULL)


def store(folder: Path) -> Path:
    """The five exports imported into a new SQLite store."""
    db = folder / "cfpb.db"
    lifecycle("import", "cfpb", *map(str, EXPORTS), "--db", str(db))
    return db


def weights(site: Path) -> dict[str, int]:
    """Bytes the index loads, the largest business file, and the whole site."""
    pages = sorted((site / "b").glob("*.js"), key=lambda p: p.stat().st_size)
    return {
        "index": sum((site / name).stat().st_size for name in INDEX_FILES),
        "largest_page": pages[-1].stat().st_size,
        "pages": len(pages),
        "site": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
    }


def one_run(browser: Browser, site: Path, business: int) -> dict[str, float]:
    """One cold opening of the index, then of a business's page from it (ms)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    page.wait_for_selector("#businesses tbody tr")
    timing: dict[str, Any] = page.evaluate(
        "() => ({fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,"
        " ready: performance.now()})"
    )
    began = time.perf_counter()
    page.evaluate(f"location.hash = '#/b/{business}'")
    page.wait_for_selector("svg#monthly")
    opened = (time.perf_counter() - began) * 1000
    context.close()
    return {"fcp": float(timing["fcp"]), "table": float(timing["ready"]), "business": opened}


def busiest(site: Path) -> int:
    """The business with most complaints in the last 12 months (its habit line has something to say)."""
    data = (site / "data.js").read_text(encoding="utf-8").split("report: ", 1)[1].rsplit("};", 1)[0]
    return int(max(json.loads(data)["rows"], key=lambda r: r["last_12m"])["id"])


def shots(browser: Browser, site: Path, business: int, folder: Path) -> None:
    """The index sorted by timely share, and a business's page, as PNG files in `folder`."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((site / "index.html").as_uri())
    page.wait_for_selector("#businesses tbody tr")
    page.screenshot(path=str(folder / "report-index.png"))
    page.evaluate(f"location.hash = '#/b/{business}'")
    page.wait_for_selector("svg#monthly")
    page.set_viewport_size({"width": 1280, "height": 1800})
    page.screenshot(path=str(folder / "report-business.png"))
    page.close()


def main() -> None:
    """Write the site, weigh it, open it `--runs` times, print the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="a store holding the five exports (default: import them)")
    parser.add_argument("--shots", type=Path, help="write the screenshots into this folder (e.g. docs)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        began = time.perf_counter()
        db = args.db or store(folder)
        imported = time.perf_counter() - began
        site = folder / "site"
        began = time.perf_counter()
        lifecycle("report", "--db", str(db), "--years", "all", "--as-of", AS_OF, "--format", "html", "--out", str(site))
        written = time.perf_counter() - began
        sizes = weights(site)
        largest = max((site / "b").glob("*.js"), key=lambda p: p.stat().st_size)
        business = int(largest.stem)
        executable = shutil.which("chromium") or "/usr/bin/chromium"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
            one_run(browser, site, business)  # warm-up: the disk cache, not the browser's
            runs = [one_run(browser, site, business) for _ in range(args.runs)]
            if args.shots:
                shots(browser, site, busiest(site), args.shots)
            browser.close()
    print(f"Store: {'given' if args.db else f'imported in {imported:.1f} s'}; site written in {written:.1f} s.\n")
    print("| what | size |\n|---|---:|")
    print(f"| the index opens with (index.html, app.css, app.js, data.js) | {sizes['index'] / 1e6:.2f} MB |")
    print(f"| largest business page file (loaded when it is opened) | {sizes['largest_page'] / 1e6:.2f} MB |")
    print(f"| the whole site on disk ({sizes['pages']:,} business pages) | {sizes['site'] / 1e6:.1f} MB |\n")
    print(f"| {args.runs} cold openings in chromium | median | fastest | slowest |\n|---|---:|---:|---:|")
    for key, label in (("fcp", "first contentful paint"), ("table", "table drawn"), ("business", "largest page")):
        values = [r[key] for r in runs]
        print(f"| {label} (ms) | {statistics.median(values):.0f} | {min(values):.0f} | {max(values):.0f} |")


if __name__ == "__main__":
    main()
