"""`lifecycle report` in every format; the HTML page rendered by headless Chromium; no personal data."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image
from playwright.sync_api import sync_playwright

from lifecycle import Lifecycle
from lifecycle.cli import main
from lifecycle.views.report.names import NO_COMPANY

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


def shown(fmt: str, folder: Path, *args: str, only: str = "*.js") -> str:
    """What `report ARGS --format FMT` prints; for html, the data scripts of the site it writes (`only` some)."""
    if fmt != "html":
        result = run("report", *args, "--format", fmt)
        assert result.exit_code == 0, result.output
        return result.stdout
    result = run("report", *args, "--format", "html", "--out", str(folder / "site"))
    assert result.exit_code == 0, result.output
    files = sorted((folder / "site").rglob(only))
    return "".join(p.read_text(encoding="utf-8") for p in files if p.name != "app.js")


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
def test_every_format_and_no_personal_data(db: str, fmt: str, tmp_path: Path) -> None:
    text = shown(fmt, tmp_path, "--db", db, "--as-of", "2024-12-31", "--latest", "1000")
    private = personal_data()
    assert len(private) > 20
    assert not [p for p in private if p in text]
    assert "Prompt Plumbing" in text


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
    assert unknown.exit_code == 2 and unknown.stderr == "error: no business 'Nobody' in the store\n"
    typo = run("report", "--db", db, "--business", "slow mover")
    assert (
        typo.exit_code == 2
        and typo.stderr
        == "error: no business 'slow mover' in the store; did you mean 'Slow Movers' or 'Slow Servicer'?\n"
    )
    assert run("report", "--db", db, "--business", "SLOW  movers", "--json", "--as-of", "2024-12-31").exit_code == 0
    bad = run("report", "--db", db, "--as-of", "2024-02-30")
    assert bad.exit_code == 2 and "2024-02-30" in bad.stderr and "Traceback" not in bad.output


def test_rebuild_command_gives_the_same_report(db: str) -> None:
    before = run("report", "--db", db, "--as-of", "2024-12-31", "--format", "json").stdout
    result = run("rebuild", "--db", db)
    assert result.exit_code == 0 and "report: " in result.stderr
    assert run("report", "--db", db, "--as-of", "2024-12-31", "--format", "json").stdout == before


def page_colours(site: Path, route: str, wait: str) -> set[tuple[int, int, int]]:
    """The colours of a page of the site as Debian's chromium draws it (a full-page screenshot)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium is needed (.ci/run installs it)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        page.goto((site / "index.html").as_uri() + route)
        page.wait_for_selector(wait)
        shot = page.screenshot(full_page=True)
        browser.close()
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    return {rgb for _, rgb in image.getcolors(maxcolors=1 << 22) or []}  # type: ignore[misc]


def test_the_html_site_draws_each_business_in_its_own_outcomes(db: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run("report", "--db", db, "--as-of", "2024-12-31", "--format", "html", "--out", str(site)).exit_code == 0
    rows = json.loads((site / "data.js").read_text(encoding="utf-8").split("report: ", 1)[1].rsplit("};", 1)[0])
    assert len(rows["rows"]) >= 10 and len(list((site / "b").glob("*.js"))) == len(rows["rows"]) + 1
    index = page_colours(site, "", "#businesses tbody tr")
    assert len(index) > 50  # not a blank page
    shop = next(r["id"] for r in rows["rows"] if r["business"] == "Prompt Plumbing")
    present = page_colours(site, f"#/b/{shop}", "svg#monthly")
    assert (46, 125, 50) in present  # Resolved bars drawn
    assert (0, 131, 143) not in present  # no company response of the cfpb


BBB_STATUS = re.compile(r"\b(Resolved|Unresolved|Answered|Unanswered|Unpursuable)\b")


@pytest.fixture(scope="module")
def cfpb_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "cfpb.db"
    assert run("replay", str(ROOT / "scenarios" / "cfpb-regulator.yaml"), "--db", str(path)).exit_code == 0
    return str(path)


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "html"])
def test_a_cfpb_report_shows_company_responses_and_overdue_complaints_never_bbb_statuses(
    cfpb_db: str, fmt: str, tmp_path: Path
) -> None:
    text = shown(fmt, tmp_path, "--db", cfpb_db, "--as-of", "2018-07-15")
    assert not BBB_STATUS.findall(text)
    assert "Closed with explanation" in text and "company response" in text
    assert "overdue" in text


def test_a_cfpb_report_counts_overdue_and_unpublished_complaints(cfpb_db: str) -> None:
    document = json.loads(run("report", "--db", cfpb_db, "--as-of", "2018-07-15", "--format", "json").stdout)
    total = document["total"]
    assert (total["overdue"], total["unpublished"], total["declined"], total["resolution_share"]) == (2, 1, 1, None)
    assert list(total["vocabularies"]) == ["company response"] and document["window"] == "filed"
    assert {o["overdue"] for o in total["open"]} == {"final_response"}
    rows = list(
        csv.DictReader(io.StringIO(run("report", "--db", cfpb_db, "--as-of", "2018-07-15", "--format", "csv").stdout))
    )
    assert rows[-1]["overdue"] == "2" and rows[-1]["company response:Closed with explanation"] == "3"
    assert not [c for c in rows[0] if BBB_STATUS.search(c)]
    table = run("report", "--db", cfpb_db, "--as-of", "2018-07-15").stdout
    header = next(line for line in table.splitlines() if line.startswith("business"))
    assert "overdue" in header.split() and "Untimely response" in table and max(map(len, table.splitlines())) <= 120
    [(all_overdue, last_word)] = [(r.split()[5], r.split()[-1]) for r in table.splitlines() if r.startswith("(all)")]
    assert all_overdue == "2" and last_word in ("yes", "no", "-")


def test_a_report_across_profiles_names_the_vocabulary_of_every_outcome(db: str) -> None:
    document = json.loads(
        run("report", "--db", db, "--as-of", "2024-12-31", "--years", "all", "--format", "json").stdout
    )
    from lifecycle.profiles import PROFILES  # the bundled scenarios run under every bundled profile

    vocabularies = list(document["total"]["vocabularies"])
    assert sorted(vocabularies) == sorted({p.rules.vocabulary for p in PROFILES.values()})
    assert vocabularies.index("status") < vocabularies.index("company response")  # as the store met them
    for section in document["businesses"]:
        listed = [s for names in section["vocabularies"].values() for s in names]
        assert list(section["by_status"]) == ["Open", *listed]
    banks = [b for b in document["businesses"] if "company response" in b["vocabularies"]]
    assert banks and not [b for b in banks if BBB_STATUS.findall(json.dumps(b))]
    rows = {
        r["business"]: r
        for r in csv.DictReader(
            io.StringIO(run("report", "--db", db, "--as-of", "2024-12-31", "--format", "csv").stdout)
        )
    }
    shop, bank = rows["Prompt Plumbing"], rows["Example Bank"]
    assert shop["status:Resolved"] == "2" and shop["company response:Closed with explanation"] == ""  # not its own
    assert bank["status:Resolved"] == "" and bank["outcome:Open"] == "0"
    table = run("report", "--db", db, "--as-of", "2024-12-31").stdout
    assert "  status: Resolved, Unresolved, Answered, Unanswered, Unpursuable" in table
    assert "  company response: Closed with explanation," in table


@pytest.fixture(scope="module")
def names_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "names.db"
    app = Lifecycle(str(path))
    for name in ("WELLS FARGO & COMPANY", "WELLS FARGO & COMPANY", "Wells Fargo & Company", NO_COMPANY):
        app.file(name, "Mortgage", "2024-01-08", profile="cfpb")
    app.close()
    return str(path)


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "html"])
def test_spellings_are_one_business_and_no_company_is_listed_apart(names_db: str, fmt: str, tmp_path: Path) -> None:
    text = shown(fmt, tmp_path, "--db", names_db, "--as-of", "2024-02-01", only="data.js")
    assert text.count("Wells Fargo & Company") == 1  # the alias, once
    assert "WELLS FARGO & COMPANY" in text and (NO_COMPANY in text or "Company not in export" in text)


def test_aliases_and_the_unattributed_section_in_json_and_csv(names_db: str) -> None:
    document = json.loads(run("report", "--db", names_db, "--as-of", "2024-02-01", "--format", "json").stdout)
    [wells] = document["businesses"]
    assert (wells["business"], wells["aliases"], wells["complaints"]) == (
        "WELLS FARGO & COMPANY",
        ["Wells Fargo & Company"],
        3,
    )
    assert document["unattributed"]["complaints"] == 1 and document["total"]["complaints"] == 4
    rows = list(
        csv.DictReader(io.StringIO(run("report", "--db", names_db, "--as-of", "2024-02-01", "--format", "csv").stdout))
    )
    assert [(r["business"], r["aliases"]) for r in rows] == [
        ("WELLS FARGO & COMPANY", "Wells Fargo & Company"),
        (NO_COMPANY, ""),
        ("(all)", ""),
    ]
    one = run("report", "--db", names_db, "--business", "wells fargo & company", "--format", "json")
    assert [b["business"] for b in json.loads(one.stdout)["businesses"]] == ["WELLS FARGO & COMPANY"]


def test_a_cfpb_business_page_draws_company_responses_only(cfpb_db: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    args = ("report", "--db", cfpb_db, "--as-of", "2018-07-15", "--format", "html", "--out", str(site))
    assert run(*args).exit_code == 0
    text = "".join(p.read_text(encoding="utf-8") for p in (site / "b").glob("*.js"))
    assert not BBB_STATUS.findall(text)
    present = page_colours(site, "#/b/1", "svg#monthly")
    assert (0, 131, 143) in present  # explanation bars
    assert (46, 125, 50) not in present and (21, 101, 192) not in present  # no Resolved, no Answered


def test_sort_and_top_order_every_format_and_the_table_fits_120_columns(db: str) -> None:
    args = ("report", "--db", db, "--as-of", "2024-12-31", "--years", "all")
    document = json.loads(run(*args, "--json").stdout)
    timely = sorted(
        (b for b in document["businesses"] if b["timely_share"] is not None),
        key=lambda b: (-b["timely_share"], b["business"].casefold()),
    )
    top = json.loads(run(*args, "--sort", "timely_share", "--top", "3", "--json").stdout)
    assert [b["business"] for b in top["businesses"]] == [b["business"] for b in timely[:3]]
    assert top["total"] == document["total"]  # the whole store whatever is listed
    rows = list(csv.DictReader(io.StringIO(run(*args, "--sort", "complaints", "--format", "csv").stdout)))
    counts = [int(r["complaints"]) for r in rows if r["business"] not in ("(all)", NO_COMPANY)]
    assert counts == sorted(counts, reverse=True) and len(counts) == len(document["businesses"])
    table = run(*args, "--sort", "business", "--top", "4")
    lines = table.stdout.splitlines()
    names = sorted((b["business"] for b in document["businesses"]), key=str.casefold)[:4]
    assert [line[: len(n)] for line, n in zip(lines[-6:-2], names, strict=True)] == names
    assert max(len(line) for line in run(*args).stdout.splitlines()) <= 120
    assert run(*args, "--sort", "bogus").exit_code == 2 and run(*args, "--top", "0").exit_code == 2


def test_an_empty_window_says_why_on_stderr(db: str) -> None:
    result = run("report", "--db", db, "--as-of", "2027-06-30", "--years", "1")
    assert result.exit_code == 0
    document = json.loads(run("report", "--db", db, "--as-of", "2027-06-30", "--json").stdout)
    assert document["first_filed"] < document["last_filed"] < "2026-06-30"  # the bundled scenarios' filings
    span = f"--years all covers {document['first_filed'][:7]} to {document['last_filed'][:7]}"
    assert result.stderr == f"no complaint filed since 2026-06-30; {span}\n"
    filled = run("report", "--db", db, "--as-of", "2024-12-31", "--years", "all")
    assert filled.stderr == ""


def test_a_site_needs_a_folder(db: str, tmp_path: Path) -> None:
    no_out = run("report", "--db", db, "--format", "html")
    assert no_out.exit_code == 2 and "--out FOLDER" in no_out.stderr
    (tmp_path / "file.html").write_text("x")
    on_file = run("report", "--db", db, "--format", "html", "--out", str(tmp_path / "file.html"))
    assert on_file.exit_code == 2 and "a file" in on_file.stderr
    missing = run("report", "--db", db, "--format", "html", "--out", str(tmp_path / "no" / "site"))
    assert missing.exit_code == 2 and "no folder" in missing.stderr
    folder = run("report", "--db", db, "--format", "csv", "--out", str(tmp_path))
    assert folder.exit_code == 2 and "a folder" in folder.stderr


def test_a_site_written_again_keeps_no_page_of_the_earlier_one(db: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    args = ("report", "--db", db, "--as-of", "2024-12-31", "--format", "html", "--out", str(site))
    assert run(*args).exit_code == 0
    every = len(list((site / "b").glob("*.js")))
    assert run(*args, "--business", "Prompt Plumbing").exit_code == 0
    assert sorted(p.name for p in (site / "b").glob("*.js")) == ["0.js", "1.js"] and every > 2
