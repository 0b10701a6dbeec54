"""`lifecycle profile check` refuses broken profile files with FILE:LINE: reason; good files are used by the CLI.

Every broken file is the small valid BASE with one targeted edit. The line numbers below are counted by hand
from the text written here (see the numbered map of BASE), never taken from the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lifecycle.cli import main
from lifecycle.domain.rules import simple_paths
from lifecycle.profiles import BBB, bundled_files

# Line map of BASE (1-based):
#  1 name            8 states:          15 closing:        23 rows:                    35 windows:
#  2 title           9   received       16   resolved      24   forwarded     (row 0)  36   - name: response
#  3 country        10   awaiting_bus.  17   unresolved    25   responded     (row 1)  37     state
#  4 timezone       11   awaiting_con.  18 actors:         26   paused        (row 2)  38     days: 14
#  5 initial        12   under_review   19   bureau        27   resumed       (row 3)  39     lapse
#  6 options:       13   resolved       20   business      28   resp. lapsed  (row 4)  40     pause
#  7   escalation   14   unresolved     21   consumer      29   accepted      (row 5)  41     resume
#                                       22   clock         30   rejected/never(row 6)  42     versions:
#                                                          31   rejected/alw. (row 7)  43       - 2020-01-01
#                                                          32   reply lapsed  (row 8)  44       - 2022-01-01
#                                                          33   reviewed good (row 9)  45   - {name: reply ...}
#                                                          34   reviewed not  (row 10) 46 response_window
#                                                                                      47 responses
#                                                                                      48 complaint_types
BASE = """\
name: mini
title: A small test profile
country: US
timezone: America/New_York
initial: received
options:
  escalation: {default: never, choices: [never, always]}
states:
  - received
  - awaiting_business
  - awaiting_consumer
  - under_review
  - resolved
  - unresolved
closing:
  resolved: Resolved
  unresolved: Unresolved
actors:
  bureau: [forwarded, paused, resumed, reviewed]
  business: [responded]
  consumer: [accepted, rejected]
  clock: [response_deadline_lapsed, reply_deadline_lapsed]
rows:
  - {event: forwarded, from: received, to: awaiting_business}
  - {event: responded, from: [received, awaiting_business], to: awaiting_consumer}
  - {event: paused, from: awaiting_business, to: awaiting_business}
  - {event: resumed, from: awaiting_business, to: awaiting_business}
  - {event: response_deadline_lapsed, from: awaiting_business, to: unresolved}
  - {event: accepted, from: awaiting_consumer, to: resolved}
  - {event: rejected, from: awaiting_consumer, to: unresolved, when: {escalation: never}}
  - {event: rejected, from: awaiting_consumer, to: under_review, when: {escalation: always}}
  - {event: reply_deadline_lapsed, from: awaiting_consumer, to: resolved}
  - {event: reviewed, from: under_review, to: resolved, guard: good_faith}
  - {event: reviewed, from: under_review, to: unresolved, guard: not good_faith}
windows:
  - name: response
    state: awaiting_business
    days: 14
    lapse: response_deadline_lapsed
    pause: paused
    resume: resumed
    versions:
      - {effective_from: 2020-01-01, length: 10}
      - {effective_from: 2022-01-01, length: 12}
  - {name: reply, state: awaiting_consumer, business_days: 10, lapse: reply_deadline_lapsed}
response_window: response
responses: [responded]
complaint_types: [Billing, Delivery]
"""

UNITS = "days, business_days, business_hours, months"
ACCEPTED = "  - {event: accepted, from: awaiting_consumer, to: resolved}\n"  # line 29, row 5
REPLY = "  - {name: reply, state: awaiting_consumer, business_days: 10, lapse: reply_deadline_lapsed}\n"  # line 45


def edit(old: str, new: str) -> str:
    """BASE with the one place `old` replaced by `new`."""
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


Expected = list[tuple[int, str]]
"""Every problem the check must print, in order: (line, a stable part of the reason)."""

BROKEN: dict[str, tuple[str, Expected]] = {
    # the file is not YAML, or not a mapping
    "bad-yaml-colon-in-plain-text": (
        edit("title: A small test profile", "title: A small: test profile"),
        [(2, "bad YAML: mapping values are not allowed here")],
    ),
    "bad-yaml-unclosed-flow-list": (
        edit("  business: [responded]\n", "  business: [responded\n"),
        # the open list runs on: `responded consumer` (two lines) cannot be a key (a key is on one line), so the
        # parser, wanting `,` or `]` after the entry, finds the `:` of `consumer:` (line 21)
        [(21, "bad YAML: expected ',' or ']', but got ':'")],
    ),
    "not-a-mapping-list": ("- name: mini\n- title: a list, not a mapping\n", [(1, "a profile is a mapping")]),
    "not-a-mapping-scalar": ("just some words\n", [(1, "a profile is a mapping")]),
    "empty-file": ("", [(1, "a profile is a mapping")]),
    # the schema: unknown keys, missing keys, wrong values
    "typo-optional-key-in-row": (
        edit(ACCEPTED, ACCEPTED.replace("}", ", gaurd: good_faith}")),
        [(29, "rows.5.gaurd: Extra inputs are not permitted")],
    ),
    "typo-from-key-in-row": (
        edit(ACCEPTED, ACCEPTED.replace("from:", "form:")),
        [(29, "rows.5.from: Field required")],
    ),
    "window-with-two-units": (
        edit("    days: 14\n", "    days: 14\n    business_days: 10\n"),
        [(36, f"windows.0: a window gives exactly one of {UNITS} (found days, business_days)")],
    ),
    "window-with-no-unit": (
        edit(REPLY, REPLY.replace(" business_days: 10,", "")),
        [(45, f"windows.1: a window gives exactly one of {UNITS} (found none)")],
    ),
    "negative-window-length": (
        edit("    days: 14\n", "    days: -1\n"),
        [(38, "windows.0.days: Input should be greater than or equal to 0")],
    ),
    "guard-not-a-fact-name": (
        edit("guard: good_faith}", "guard: Good Faith}"),
        [(33, "rows.9.guard: String should match pattern")],
    ),
    "impossible-version-date": (
        edit("effective_from: 2020-01-01", "effective_from: 2020-02-30"),
        [(43, "windows.0.versions.0.effective_from: Input should be a valid date")],
    ),
    # states and rows
    "unknown-state-in-from": (
        edit(ACCEPTED, ACCEPTED.replace("from: awaiting_consumer", "from: awaiting_customer")),
        [(29, "unknown state 'awaiting_customer' (row accepted)")],
    ),
    "unknown-state-in-to": (
        edit(ACCEPTED, ACCEPTED.replace("to: resolved", "to: resolvd")),
        [(29, "unknown state 'resolvd' (row accepted)")],
    ),
    "duplicate-state": (
        edit("  - unresolved\nclosing:", "  - unresolved\n  - resolved\nclosing:"),
        [(15, "duplicate state 'resolved'")],
    ),
    "unreachable-state": (
        edit("  - unresolved\nclosing:", "  - unresolved\n  - limbo\nclosing:"),
        [(15, "unreachable state 'limbo': no row leads to it from 'received'")],
    ),
    "dead-end-not-final": (
        edit("  unresolved: Unresolved\n", ""),
        [(14, "dead end: 'unresolved' is not final")],
    ),
    "duplicate-row": (
        edit(ACCEPTED, ACCEPTED * 2),
        [
            (30, "duplicate row: accepted awaiting_consumer -> resolved (as row 6)"),
            (30, "guard never satisfiable: row 6 (accepted from awaiting_consumer) is taken first"),
        ],
    ),
    "guard-shadowed-by-an-earlier-unguarded-row": (
        edit(ACCEPTED, ACCEPTED + ACCEPTED.replace("to: resolved}", "to: unresolved, guard: good_faith}")),
        [(30, "guard never satisfiable: row 6 (accepted from awaiting_consumer) is taken first")],
    ),
    "guard-on-a-clock-event": (
        edit("from: awaiting_business, to: unresolved}", "from: awaiting_business, to: unresolved, guard: late}"),
        [(28, "guard never satisfiable: the clock's response_deadline_lapsed carries no late")],
    ),
    "guard-against-the-rows-own-mark": (
        edit(ACCEPTED, ACCEPTED.replace("}", ", guard: not timely, marks: {timely: true}}")),
        [(29, "guard never satisfiable: the row marks timely: True")],
    ),
    "unknown-option-choice-in-when": (
        edit("when: {escalation: never}", "when: {escalation: nevr}"),
        [(30, "unknown option escalation='nevr'"), (30, "the row is in no table")],
    ),
    "unknown-option-name-in-when": (
        edit("to: resolved}\n  - {event: reviewed", "to: resolved, when: {escalate: always}}\n  - {event: reviewed"),
        [(32, "unknown option escalate='always'"), (32, "the row is in no table")],
    ),
    # actors
    "event-with-no-actor": (
        edit("  consumer: [accepted, rejected]\n", "  consumer: [accepted]\n"),
        [(30, "no actor records 'rejected'"), (31, "no actor records 'rejected'")],
    ),
    "event-with-two-actors": (
        edit("  business: [responded]\n", "  business: [responded, accepted]\n"),
        [(21, "'accepted' has two actors: business and consumer")],
    ),
    "actor-event-of-no-row": (
        edit("reviewed]\n", "reviewed, escalated]\n"),
        [(19, "actor bureau: 'escalated' is the event of no row")],
    ),
    "response-event-of-no-row": (
        edit("responses: [responded]", "responses: [answered]"),
        [(47, "responses: 'answered' is the event of no row")],
    ),
    # place
    "unknown-time-zone": (
        edit("timezone: America/New_York", "timezone: America/Gotham"),
        [(4, "unknown time zone 'America/Gotham'")],
    ),
    "country-without-holidays": (edit("country: US", "country: XX"), [(3, "no public holidays known for 'XX'")]),
    # windows
    "window-on-a-state-without-its-lapse-row": (
        edit(REPLY, REPLY.replace("state: awaiting_consumer", "state: under_review")),
        [(45, "window reply on under_review: no row takes its lapse 'reply_deadline_lapsed' from under_review")],
    ),
    "window-on-an-unknown-state": (
        edit(REPLY, REPLY.replace("state: awaiting_consumer", "state: awaiting_customer")),
        [(45, "window reply: unknown state 'awaiting_customer'")],
    ),
    "window-for-an-unknown-complaint-type": (
        edit(REPLY, REPLY.replace("}", ", types: [Parcels]}")),
        [(45, "window reply: unknown complaint type 'Parcels'")],
    ),
    "response-window-naming-no-window": (
        edit("response_window: response", "response_window: first_response"),
        [(46, "response_window: no window is called 'first_response'")],
    ),
    "versions-out-of-date-order": (
        edit("2020-01-01, length: 10}", "2023-01-01, length: 10}"),
        # the line of the versions list is where its first entry starts (the `-` under `versions:`)
        [(43, "window response: versions must be in order of their day, each day once")],
    ),
    "pause-without-resume": (
        edit("    resume: resumed\n", ""),
        [(40, "window response pauses but nothing resumes it")],
    ),
}


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def write(tmp_path: Path, text: str, name: str = "mini.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_clean_exit(result: Result, code: int) -> None:
    """Exit `code` through sys.exit: no exception escaped the command and no traceback was printed."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


@pytest.fixture(autouse=True)
def no_extra_profiles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the bundled profiles are known, whatever the environment of the test run."""
    monkeypatch.delenv("LIFECYCLE_PROFILES", raising=False)


def test_the_base_profile_checks_ok(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    result = run("profile", "check", str(path))
    assert_clean_exit(result, 0)
    # default table (escalation: never): 11 rows over 6 states; 7 simple paths to a final state:
    # received -> awaiting_consumer -> {accepted, rejected, reply lapse} (3), the same via awaiting_business (3),
    # and received -> awaiting_business -> unresolved on the response lapse (1)
    assert result.stdout == f"{path}: ok: profile mini, 6 states, 11 rows, 2 windows, 7 paths\n"
    assert result.stderr == ""


def test_the_broken_kinds_are_many_and_distinct() -> None:
    texts = [text for text, _ in BROKEN.values()]
    assert len(BROKEN) >= 12 and len(set(texts)) == len(texts) and BASE not in texts


@pytest.mark.parametrize("kind", list(BROKEN))
def test_check_refuses_a_broken_file_with_its_line_and_reason(kind: str, tmp_path: Path) -> None:
    text, expected = BROKEN[kind]
    path = write(tmp_path, text)
    result = run("profile", "check", str(path))
    assert_clean_exit(result, 2)
    assert result.stdout == ""
    # a shape problem is found under each choice of the options (escalation: never, always) and may be
    # printed once for each: compare the distinct lines, in order
    errors = list(dict.fromkeys(result.stderr.splitlines()))
    assert len(errors) == len(expected), errors
    for error, (line, reason) in zip(errors, expected, strict=True):
        assert error.startswith(f"error: {path}:{line}: "), (error, line)
        assert reason in error, (error, reason)


@pytest.mark.parametrize("kind", list(BROKEN))
def test_diagram_of_a_broken_file_is_its_first_problem_on_one_line(kind: str, tmp_path: Path) -> None:
    text, expected = BROKEN[kind]
    path = write(tmp_path, text)
    result = run("diagram", "--profile", str(path))
    assert_clean_exit(result, 2)
    assert result.stdout == ""
    line, reason = expected[0]
    [error] = result.stderr.splitlines()
    assert error.startswith(f"error: {path}:{line}: ") and reason in error, error


def test_check_reports_every_file_and_fails_when_one_is_broken(tmp_path: Path) -> None:
    good = write(tmp_path, BASE, "good.yaml")
    text, [(line, reason)] = BROKEN["unknown-time-zone"]
    bad = write(tmp_path, text, "bad.yaml")
    result = run("profile", "check", str(good), str(bad))
    assert_clean_exit(result, 2)
    assert result.stdout.startswith(f"{good}: ok: profile mini,")
    [error] = result.stderr.splitlines()
    assert error.startswith(f"error: {bad}:{line}: ") and reason in error


@pytest.mark.parametrize("path", bundled_files(), ids=lambda path: path.name)
def test_every_bundled_profile_file_checks_ok(path: Path) -> None:
    result = run("profile", "check", str(path))
    assert_clean_exit(result, 0)
    assert result.stdout.startswith(f"{path}: ok: profile {path.stem}, ")
    assert result.stderr == ""


def test_the_bundled_files_check_ok_together() -> None:
    files = bundled_files()
    assert {path.stem for path in files} >= {"bbb", "cfpb"}
    result = run("profile", "check", *map(str, files))
    assert_clean_exit(result, 0)
    assert len(result.stdout.splitlines()) == len(files)


def test_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    result = run("profile", "check", str(missing))
    assert_clean_exit(result, 2)
    assert result.stdout == ""
    [error] = result.stderr.splitlines()
    assert error.startswith(f"error: {missing}: cannot read: "), error


def test_show_bbb_prints_its_states_windows_and_options() -> None:
    result = run("profile", "show", "bbb")
    assert_clean_exit(result, 0)
    lines = result.stdout.splitlines()
    rows, paths = len(BBB.rules.rules), len(simple_paths(BBB.rules, first_final=True))
    assert lines[0] == f"bbb: Better Business Bureau style complaint (14 states, {rows} rows, 8 windows, {paths} paths)"
    assert lines[1] == "time zone America/New_York, holidays of US"
    assert "  state received" in lines
    assert "  state resolved => Resolved" in lines
    assert "  state declined (final, not published)" in lines
    assert "  window forwarding: 2 business days in received, then forwarded" in lines
    assert "  window response: 14 days in awaiting_business from entering received, then response_deadline_lapsed" in (
        lines
    )
    assert lines[-1] == "  option second_response = on_request"


def test_show_bbb_json_has_states_windows_and_paths() -> None:
    result = run("profile", "show", "bbb", "--json")
    assert_clean_exit(result, 0)
    document = json.loads(result.stdout)
    assert document["name"] == "bbb" and document["title"] == "Better Business Bureau style complaint"
    states = {state["name"]: state for state in document["states"]}
    assert list(states) == list(BBB.rules.states) and len(states) == 14
    assert states["resolved"] == {"name": "resolved", "label": "Resolved", "final": True, "published": "Resolved"}
    assert states["declined"]["final"] is True and states["declined"]["published"] is None
    assert states["received"]["final"] is False and states["received"]["published"] is None
    windows = {window["name"]: window for window in document["windows"]}
    assert list(windows) == [
        "forwarding",
        "response",
        "second_notice",
        "reply",
        "decision",
        "second_response",
        "second_reply",
        "review",
    ]
    assert windows["forwarding"] | {"text": ""} == {
        "name": "forwarding",
        "state": "received",
        "length": 2,
        "unit": "business_days",
        "text": "",
    }
    assert windows["second_notice"]["length"] == 21 and windows["second_notice"]["unit"] == "days"
    assert document["paths"] == len(simple_paths(BBB.rules, first_final=True)) > 0


def test_show_a_profile_file_and_its_json(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    result = run("profile", "show", str(path))
    assert_clean_exit(result, 0)
    assert result.stdout.splitlines()[0] == "mini: A small test profile (6 states, 11 rows, 2 windows, 7 paths)"
    assert "  window reply: 10 business days in awaiting_consumer, then reply_deadline_lapsed" in result.stdout
    document = json.loads(run("profile", "show", str(path), "--json").stdout)
    assert [s["name"] for s in document["states"]] == [
        "received",
        "awaiting_business",
        "awaiting_consumer",
        "under_review",
        "resolved",
        "unresolved",
    ]
    assert [(w["name"], w["state"], w["length"], w["unit"]) for w in document["windows"]] == [
        ("response", "awaiting_business", 14, "days"),
        ("reply", "awaiting_consumer", 10, "business_days"),
    ]
    assert document["paths"] == 7


def test_show_of_a_broken_file_or_an_unknown_name_is_a_one_line_error(tmp_path: Path) -> None:
    text, [(line, reason)] = BROKEN["pause-without-resume"]
    path = write(tmp_path, text)
    result = run("profile", "show", str(path))
    assert_clean_exit(result, 2)
    [error] = result.stderr.splitlines()
    assert error.startswith(f"error: {path}:{line}: ") and reason in error
    unknown = run("profile", "show", "no_such_body")
    assert_clean_exit(unknown, 2)
    assert len(unknown.stderr.splitlines()) == 1 and "no_such_body" in unknown.stderr


def test_diagram_of_a_valid_file(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    result = run("diagram", "--profile", str(path))
    assert_clean_exit(result, 0)
    lines = result.stdout.splitlines()
    assert lines[0] == "stateDiagram-v2"
    for edge in (
        "    [*] --> received",
        "    received --> awaiting_business: forwarded",
        "    awaiting_consumer --> unresolved: rejected",
        "    under_review --> resolved: reviewed [good_faith]",
        "    resolved --> [*]",
    ):
        assert edge in lines, edge
    assert "awaiting_consumer --> under_review" not in result.stdout  # escalation: always is not the default


def test_diagram_of_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    result = run("diagram", "--profile", str(missing))
    assert_clean_exit(result, 2)
    [error] = result.stderr.splitlines()
    assert error.startswith(f"error: {missing}: cannot read: ")


def test_file_a_complaint_under_a_profile_file(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    db = str(tmp_path / "complaints.db")
    filed = run(
        "file", "--business", "Shop", "--type", "Billing", "--at", "2024-03-04", "--profile", str(path), "--db", db
    )
    assert_clean_exit(filed, 0)
    reference = filed.stdout.strip()
    assert reference
    # later commands find the profile by its name among $LIFECYCLE_PROFILES
    env = {"LIFECYCLE_PROFILES": str(path)}
    shown = run("show", reference, "--json", "--db", db, env=env)
    assert_clean_exit(shown, 0)
    assert shown.stdout.count('"profile": "mini"') == 1
    recorded = run("record", reference, "forwarded", "--at", "2024-03-05", "--db", db, env=env)
    assert_clean_exit(recorded, 0)
    assert recorded.stdout.strip() == "awaiting_business"


def test_file_under_a_profile_file_refuses_a_type_it_does_not_know(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    db = str(tmp_path / "complaints.db")
    result = run(
        "file", "--business", "Shop", "--type", "Weather", "--at", "2024-03-04", "--profile", str(path), "--db", db
    )
    assert_clean_exit(result, 2)
    assert len(result.stderr.splitlines()) == 1 and "Weather" in result.stderr


def test_file_under_a_broken_profile_file_is_a_one_line_error(tmp_path: Path) -> None:
    text, [(line, reason)] = BROKEN["response-window-naming-no-window"]
    path = write(tmp_path, text)
    db = str(tmp_path / "complaints.db")
    result = run(
        "file", "--business", "Shop", "--type", "Billing", "--at", "2024-03-04", "--profile", str(path), "--db", db
    )
    assert_clean_exit(result, 2)
    [error] = result.stderr.splitlines()
    assert error.startswith(f"error: {path}:{line}: ") and reason in error
