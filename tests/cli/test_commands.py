"""The command line, driven through click's CliRunner: replay, errors, and the event commands."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from lifecycle import Lifecycle
from lifecycle.cli import main

ROOT = Path(__file__).parents[2]
GOOD = """\
name: a small good scenario
complaints:
  - id: good-1
    business: Shop
    type: Product Issues
    filed: 2024-03-04
    events:
      - {at: 2024-03-05, event: responded}
      - {at: 2024-03-06, event: accepted}
    expect: {status: Resolved, on: {2024-03-05: awaiting_consumer}}
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_scenarios_all_pass_and_every_complaint_is_checked() -> None:
    result = run("replay", str(ROOT / "scenarios"), "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    expected_ids = {
        c["id"]
        for f in sorted((ROOT / "scenarios").glob("*.yaml"))
        for c in yaml.safe_load(f.read_text(encoding="utf-8"))["complaints"]
    }
    checked = [c for f in document["files"] for c in f["complaints"]]
    assert {c["id"] for c in checked} == expected_ids
    assert all(c["passed"] and c["expected"] for c in checked)
    assert document["summary"]["failed"] == 0 and document["summary"]["passed"] == len(expected_ids)


def test_the_bundled_scenarios_cover_every_simple_path_and_the_published_cases() -> None:
    from lifecycle.profiles import BBB

    RULES = BBB.rules
    from lifecycle.domain.rules import simple_paths

    lines = run("replay", str(ROOT / "scenarios"), "--db", "memory://").stdout
    assert lines.count("PASS") >= len(simple_paths(RULES, first_final=True))
    for case in (
        "published-refund-id-check",
        "published-refund-check-issued",
        "published-identity-proof-rejected",
    ):
        assert re.search(rf"PASS .* {case} ", lines), case


def test_the_generated_path_scenarios_match_the_rule_table() -> None:
    from tests.path_scenarios import PATH, document

    assert PATH.read_text(encoding="utf-8") == document(), "stale: run `python -m tests.path_scenarios --write`"


def test_the_bundled_scenarios_walk_every_simple_path_and_every_row(tmp_path: Path) -> None:
    from lifecycle.profiles import BBB

    RULES = BBB.rules
    from lifecycle.domain.rules import simple_paths

    db = f"sqlite:///{tmp_path}/paths.db"
    assert run("replay", str(ROOT / "scenarios"), "--db", db).exit_code == 0
    app = Lifecycle(db)
    walked = set()
    for f in sorted((ROOT / "scenarios").glob("*.yaml")):
        for c in yaml.safe_load(f.read_text(encoding="utf-8"))["complaints"]:
            steps = app.history(c["id"])[1:]
            walked.add(tuple((s.state_before, s.state_after) for s in steps))
    app.close()
    for path in simple_paths(RULES, first_final=True):
        states = tuple((r.source, r.dest) for r in path)
        assert states in walked, f"no bundled scenario walks {states}"
    pairs = {pair for steps in walked for pair in steps}
    for table in (RULES, BBB.configure(second_response="always").rules):  # late replies and re-openings included
        assert {(r.source, r.dest) for r in table.rules} <= pairs


def test_a_good_file_prints_one_line_per_complaint_and_a_summary(tmp_path: Path) -> None:
    result = run("replay", str(write(tmp_path, GOOD)))
    assert result.exit_code == 0
    assert re.search(r"^PASS .*good-1  resolved \(Resolved\)  expected: status Resolved", result.stdout, re.M)
    assert result.stdout.strip().splitlines()[-1] == "1 files, 1 complaints: 1 passed, 0 failed, 0 invalid files"


def test_a_failing_expectation_exits_1_with_the_timeline(tmp_path: Path) -> None:
    result = run("replay", str(write(tmp_path, GOOD.replace("status: Resolved", "status: Answered"))))
    assert result.exit_code == 1
    assert "FAIL" in result.stdout and "status is Resolved, expected Answered" in result.stdout
    assert re.search(r"2024-03-05 00:00 EST\s+responded\s+business\s+-> awaiting_consumer", result.stdout)


def test_a_refusal_not_marked_is_a_failure_with_the_engines_reason(tmp_path: Path) -> None:
    text = GOOD.replace("event: accepted}", "event: reviewed, good_faith: true}").replace(
        "status: Resolved", "status: Answered"
    )
    result = run("replay", str(write(tmp_path, text)))
    assert result.exit_code == 1
    assert "complaint good-1 is awaiting_consumer: 'reviewed' is not allowed; allowed now: accepted, rejected" in (
        result.stdout
    )


def test_a_refused_event_that_is_recorded_is_a_failure(tmp_path: Path) -> None:
    result = run("replay", str(write(tmp_path, GOOD.replace("event: accepted}", "event: accepted, refused: true}"))))
    assert result.exit_code == 1
    assert "was recorded, but the scenario expects it refused" in result.stdout


BROKEN = {
    "bad yaml": ("complaints: [\n  - id: x\n    business: {unclosed\n", r"s\.yaml:\d+: bad YAML"),
    "missing field": (
        GOOD.replace("    business: Shop\n", ""),
        r"s\.yaml:3: complaints\.0\.business: Field required",
    ),
    "unknown event": (
        GOOD.replace("event: accepted", "event: shrugged"),
        r"s\.yaml:9: .*unknown event 'shrugged'",
    ),
    "impossible date": (GOOD.replace("at: 2024-03-06", "at: 2024-02-30"), r"s\.yaml:9: .*2024-02-30"),
    "out of order": (
        GOOD.replace("at: 2024-03-06", "at: 2024-03-01"),
        r"s\.yaml:9: .*earlier than the event before",
    ),
    "unknown type": (
        GOOD.replace("Product Issues", "Weather"),
        r"s\.yaml:5: .*unknown complaint type 'Weather'",
    ),
    "duplicate id": (
        GOOD + GOOD.split("complaints:\n", 1)[1],
        r"s\.yaml:\d+: .*duplicate complaint id 'good-1'",
    ),
    "unknown key": (
        GOOD.replace("    filed:", "    filled: 1\n    filed:"),
        r"s\.yaml:\d+: .*filled: Extra inputs",
    ),
    "missing finding": (
        GOOD.replace("event: accepted}", "event: reviewed}"),
        r"s\.yaml:9: .*'reviewed' needs good_faith",
    ),
    "not a mapping": ("- just\n- a list\n", r"s\.yaml:1: a scenario is a mapping"),
    "unknown status": (
        GOOD.replace("status: Resolved", "status: Happy"),
        r"s\.yaml:10: .*unknown status 'Happy'",
    ),
    "unknown profile": (
        GOOD.replace("complaints:\n", "profile: fca\ncomplaints:\n", 1),
        r"s\.yaml:2: profile: unknown profile 'fca'; known: asic-rg271, bbb, cfpb, fca-disp",
    ),
    "unknown profile under its older name": (
        GOOD.replace("complaints:\n", "policy: fca\ncomplaints:\n", 1),
        r"s\.yaml:2: policy: unknown profile 'fca'; known: asic-rg271, bbb, cfpb, fca-disp",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_exits_2_naming_the_file_and_line_and_records_nothing(case: str, tmp_path: Path) -> None:
    text, message = BROKEN[case]
    broken = write(tmp_path, text)
    db = f"sqlite:///{tmp_path}/kept.db"
    result = run("replay", str(broken), "--db", db)
    assert result.exit_code == 2, result.output
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and re.search(message, errors[0]), errors
    assert str(broken) in errors[0]
    assert "Traceback" not in result.output
    app = Lifecycle(db)
    assert app.recorder.max_notification_id() is None
    app.close()


def test_a_broken_file_does_not_stop_the_good_ones(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, "name: [", "b.yaml")
    result = run("replay", str(tmp_path))
    assert result.exit_code == 2
    assert "PASS" in result.stdout and "b.yaml" in result.stderr


def test_replay_into_a_store_keeps_complaints_addressable(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/kept.db"
    scenario = str(write(tmp_path, GOOD))
    assert run("replay", scenario, "--db", db).exit_code == 0
    shown = run("show", "good-1", "--db", db, "--json")
    assert json.loads(shown.stdout)["status"] == "Resolved"
    again = run("replay", scenario, "--db", db)
    assert again.exit_code == 2 and "'good-1' already exists" in again.stderr


def test_the_example_in_the_scenario_docs_replays(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```yaml\n(.*?)```", doc, re.S)
    result = run("replay", str(write(tmp_path, example)))
    assert result.exit_code == 0, result.output
    assert "refund-id-check  unresolved (Unresolved)" in result.stdout


def test_event_commands_and_their_errors(tmp_path: Path) -> None:
    db = f"{tmp_path}/cli.db"
    filed = run("file", "--business", "Shop", "--type", "Billing Issues", "--at", "2024-03-04", "--db", db)
    assert filed.exit_code == 0 and filed.stdout.strip() == "C-000001"
    assert run("record", "C-000001", "responded", "--at", "2024-03-05", "--db", db).stdout.strip() == (
        "awaiting_consumer"
    )
    illegal = run("record", "C-000001", "reviewed", "--at", "2024-03-06", "--good-faith", "--db", db)
    assert illegal.exit_code == 2
    assert illegal.stderr.strip() == (
        "error: complaint C-000001 is awaiting_consumer: 'reviewed' is not allowed; allowed now: accepted, rejected"
    )
    unknown = run("record", "C-404", "responded", "--at", "2024-03-06", "--db", db)
    assert unknown.exit_code == 2 and unknown.stderr.strip() == "error: unknown complaint 'C-404'"
    bad_date = run("record", "C-000001", "accepted", "--at", "2024-13-01", "--db", db)
    assert bad_date.exit_code == 2 and "ISO 8601" in bad_date.stderr
    assert run("advance", "--to", "2024-04-01", "--db", db).stdout.strip() == (
        "recorded 1 events up to the start of 2024-04-01 (EDT): 1 reply_deadline_lapsed"
    )
    shown = run("show", "C-000001", "--db", db)
    assert "answered (Answered)" in shown.stdout and "reply_deadline_lapsed" in shown.stdout


def test_the_diagram_command_prints_the_table() -> None:
    result = run("diagram")
    assert result.exit_code == 0
    assert result.stdout.startswith("stateDiagram-v2\n") and "under_review --> unresolved" in result.stdout


def test_one_word_profile_on_the_command_line_and_in_scenarios_older_policy_still_read(tmp_path: Path) -> None:
    cfpb = run("diagram", "--profile", "cfpb")
    assert cfpb.exit_code == 0 and "received --> routed" in cfpb.stdout
    assert run("diagram", "--policy", "cfpb").stdout == cfpb.stdout
    assert "--profile" in run("file", "--help").stdout
    for key in ("profile", "policy"):
        text = GOOD.replace("complaints:\n", f"{key}: cfpb\ncomplaints:\n", 1).replace("Product Issues", "Mortgage")
        text = text.replace("event: responded", "event: sent").replace(
            "event: accepted", "event: closed_with_explanation"
        )
        text = text.replace("status: Resolved, on: {2024-03-05: awaiting_consumer}", "state: closed_with_explanation")
        result = run("replay", str(write(tmp_path, text, f"{key}.yaml")))
        assert result.exit_code == 0, result.output
    db = f"sqlite:///{tmp_path}/one.db"
    filed = run(
        "file", "--business", "Bank", "--type", "Mortgage", "--at", "2024-03-04", "--profile", "cfpb", "--db", db
    )
    assert filed.exit_code == 0, filed.output
    assert run("show", filed.stdout.strip(), "--json", "--db", db).stdout.count('"profile": "cfpb"') == 1


def test_the_db_option_reads_its_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIFECYCLE_DB", f"{tmp_path}/env.db")
    assert run("file", "--business", "Shop", "--type", "Billing Issues", "--at", "2024-03-04").exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_until_stops_the_clock(tmp_path: Path) -> None:
    text = GOOD.replace("      - {at: 2024-03-06, event: accepted}\n", "").replace(
        "expect: {status: Resolved, on: {2024-03-05: awaiting_consumer}}", "expect: {state: awaiting_consumer}"
    )
    assert run("replay", str(write(tmp_path, "until: 2024-03-19\n" + text))).exit_code == 0
    assert run("replay", str(write(tmp_path, "until: 2024-03-20\n" + text, "later.yaml"))).exit_code == 1


def test_json_reports_a_failure_with_its_timeline(tmp_path: Path) -> None:
    result = run("replay", "--json", str(write(tmp_path, GOOD.replace("status: Resolved", "status: Unresolved"))))
    assert result.exit_code == 1
    [complaint] = json.loads(result.stdout)["files"][0]["complaints"]
    assert complaint["passed"] is False and complaint["status"] == "Resolved"
    assert [step["event"] for step in complaint["timeline"]] == ["filed", "responded", "accepted"]


def test_history_redacts_personal_data_unless_asked(tmp_path: Path) -> None:
    db = f"{tmp_path}/h.db"
    run(
        "file",
        "--business",
        "Shop",
        "--type",
        "Billing Issues",
        "--at",
        "2024-03-04",
        "--ref",
        "h1",
        "--consumer",
        "Jane Roe",
        "--text",
        "Jane Roe, order 123456, mail jane@example.com",
        "--db",
        db,
    )
    run("record", "h1", "responded", "--at", "2024-03-05", "--text", "Call Jane on 555-123-4567", "--db", db)
    shown = json.loads(run("history", "h1", "--db", db, "--json").stdout)
    assert [e["event"] for e in shown["events"]] == ["filed", "responded"]
    text = json.dumps(shown)
    for private in ("Jane", "Roe", "123456", "jane@example.com", "555-123-4567"):
        assert private not in text
    assert shown["events"][0]["consumer"] == "********"
    plain = json.loads(run("history", "h1", "--db", db, "--json", "--unredacted").stdout)
    assert plain["events"][0]["consumer"] == "Jane Roe" and "555-123-4567" in plain["events"][1]["text"]
    earlier = json.loads(run("history", "h1", "--db", db, "--json", "--as-of", "2024-03-04").stdout)
    assert [e["event"] for e in earlier["events"]] == ["filed"] and earlier["state"] == "received"
    before = run("history", "h1", "--db", db, "--as-of", "2024-03-01")
    assert before.exit_code == 2 and "was not yet filed" in before.stderr
    unknown = run("history", "nope", "--db", db)
    assert unknown.exit_code == 2 and unknown.stderr.strip() == "error: unknown complaint 'nope'"
    assert "Traceback" not in unknown.output


def test_audit_command_formats(tmp_path: Path) -> None:
    db = f"{tmp_path}/a.db"
    assert run("replay", str(ROOT / "scenarios"), "--db", db).exit_code == 0
    found = json.loads(run("audit", "--db", db, "--event", "reopened", "--json").stdout)["events"]
    reopened = json.loads(run("report", "--db", db, "--format", "json", "--as-of", "2025-06-30").stdout)
    assert len(found) == reopened["total"]["reopen_count"] > 0
    assert all(e["actor"] == "business" and e["state_after"] == "awaiting_consumer" for e in found)
    rows = list(csv.DictReader(io.StringIO(run("audit", "--db", db, "--status", "Unresolved", "--csv").stdout)))
    assert rows and all(r["reference"] for r in rows)
    assert run("audit", "--db", db, "--since", "2024-02-30").exit_code == 2


def test_due_lists_pending_deadlines_and_overdue_complaints_and_show_flags_them(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/due.db"
    assert run("file", "--business", "Slow", "--type", "Mortgage", "--at", "2018-05-01", "--ref", "c1",
               "--profile", "cfpb", "--db", db).exit_code == 0  # fmt: skip
    for event, at in (("sent", "2018-05-01"), ("in_progress", "2018-05-10")):
        assert run("record", "c1", event, "--at", at, "--db", db).exit_code == 0
    before = json.loads(run("due", "--until", "2018-07-01", "--json", "--db", db).stdout)
    assert [d["deadline"] for d in before["due"]] == ["final_response"] and before["overdue"] == []
    assert (
        json.loads(run("due", "--until", "2018-06-30", "--json", "--db", db).stdout)["due"] == []
    )  # lapses as the 30th ends
    assert json.loads(run("advance", "--to", "2019-01-01", "--json", "--db", db).stdout)["events"] == {"overdue": 1}
    after = json.loads(run("due", "--until", "2019-01-01", "--json", "--db", db).stdout)
    assert after["due"] == [] and [(o["reference"], o["state"]) for o in after["overdue"]] == [("c1", "in_progress")]
    shown = json.loads(run("show", "c1", "--json", "--db", db).stdout)
    assert (shown["state"], shown["status"], shown["overdue"]) == ("in_progress", None, "final_response")
    assert "overdue: the final_response window lapsed" in run("show", "c1", "--db", db).stdout
    assert run("record", "c1", "closed_with_explanation", "--at", "2019-02-01", "--db", db).exit_code == 0
    assert json.loads(run("due", "--until", "2019-03-01", "--json", "--db", db).stdout)["overdue"] == []
    assert json.loads(run("show", "c1", "--json", "--db", db).stdout)["status"] == "Closed with explanation"
