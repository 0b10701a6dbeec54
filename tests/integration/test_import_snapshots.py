"""An export is a snapshot: disputes dated before the CFPB stopped taking them, lapses known by the export's
day recorded, nothing past it, and a later export observed before what it adds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from lifecycle import Lifecycle
from lifecycle.importers.cfpb.importer import import_files

HEADER = (
    "Date received,Product,Company,Date sent to company,Company response to consumer,"
    "Timely response?,Consumer disputed?,Complaint ID\n"
)


def export(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def app() -> Iterator[Lifecycle]:
    application = Lifecycle("memory://")
    yield application
    application.close()


def test_a_dispute_is_dated_after_the_response_and_before_disputes_ended(app: Lifecycle, tmp_path: Path) -> None:
    path = export(
        tmp_path,
        "e.csv",
        "2017/4/13,Mortgage,Bank,2017/4/13,Closed with explanation,Yes,Yes,1",  # window ends 04-28: after the cut-off
        "2017/4/5,Mortgage,Bank,2017/4/5,Closed with explanation,No,Yes,2",  # late: the window lapsed 04-21
        "2017/4/10,Mortgage,Bank,2017/4/10,Closed with explanation,No,Yes,3",  # late: the window lapsed 04-26
        "2017/4/20,Mortgage,Bank,2017/4/24,Closed with explanation,Yes,Yes,4",  # sent on the cut-off day
        "2017/4/24,Mortgage,Bank,2017/4/24,Closed with explanation,Yes,Yes,5",  # received on it
        "2017/4/3,Mortgage,Bank,2017/4/3,Closed with explanation,Yes,Yes,6",  # the window ends before it
    )
    result = import_files(app, [path], as_of=date(2017, 6, 1))
    assert (result.filed, result.bad) == (6, [])
    history = app.history("CFPB-1")
    assert [(s.event, s.timing, str(s.at)) for s in history[2:]] == [
        ("closed_with_explanation", "by", "2017-04-23 23:59:59.999999-04:00"),
        ("disputed", "unknown", "2017-04-23 23:59:59.999999-04:00"),
    ]
    assert [(s.event, s.timing, str(s.at)) for s in app.history("CFPB-2")[2:]] == [
        ("response_deadline_lapsed", None, "2017-04-21 00:00:00-04:00"),
        ("closed_with_explanation", "after", "2017-04-21 00:00:00-04:00"),
        ("disputed", "unknown", "2017-04-21 00:00:00-04:00"),
    ]
    assert str(app.history("CFPB-6")[-1].at) == "2017-04-18 23:59:59.999999-04:00"  # the window's end
    for reference in ("CFPB-3", "CFPB-4", "CFPB-5"):  # no dispute can be dated before 2017-04-24: imported without
        steps = app.history(reference)
        assert steps[-1].event == "closed_with_explanation", reference
        assert "disputed, not recorded" in steps[0].facts["details"]["quirks"]
    assert [(w.line, "disputes ended on 2017-04-24" in w.reason) for w in result.warnings] == [
        (4, True),
        (5, True),
        (6, True),
    ]


def test_the_lapses_known_by_the_exports_day_are_recorded_and_none_after(app: Lifecycle, tmp_path: Path) -> None:
    path = export(tmp_path, "e.csv", "2016/3/1,Mortgage,Bank,2016/3/2,In progress,Yes,,1")
    result = import_files(app, [path], as_of=date(2016, 6, 1))
    assert result.warnings == [] and result.as_of == {str(path): "2016-06-01"}
    steps = app.history("CFPB-1")
    assert [(s.event, s.timing, str(s.at)) for s in steps[1:]] == [
        ("sent", "day", "2016-03-02 00:00:00-05:00"),
        ("in_progress", "by", "2016-03-17 23:59:59.999999-04:00"),
        ("overdue", None, "2016-05-02 00:00:00-04:00"),  # 60 days from sending ended on 2016-05-01
    ]
    summary = app.summary("CFPB-1")
    assert (summary.state, summary.overdue, summary.deadline) == ("in_progress", "final_response", None)
    assert app.advance("2026-11-24") == 0
    assert import_files(app, [path], as_of=date(2016, 6, 1)).events == 0


def test_a_window_that_ends_after_the_exports_day_is_left_to_a_later_export(app: Lifecycle, tmp_path: Path) -> None:
    first = export(tmp_path, "first.csv", "2016/3/1,Mortgage,Bank,2016/3/2,In progress,Yes,,1")
    later = export(tmp_path, "later.csv", "2016/3/1,Mortgage,Bank,2016/3/2,In progress,Yes,,1")
    import_files(app, [first], as_of=date(2016, 3, 20))
    assert app.summary("CFPB-1").deadline is None  # the 60 days end 2016-05-01: the export cannot know
    assert app.advance("2026-11-24") == 0  # and the clock records nothing it could not know
    result = import_files(app, [later], as_of=date(2016, 6, 1))
    assert (result.updated, result.events) == (1, 2)
    steps = app.history("CFPB-1")
    assert [(s.event, s.actor, str(s.at)) for s in steps[3:]] == [
        ("observed", "bureau", "2016-03-17 23:59:59.999999-04:00"),  # at the last event: no time moves
        ("overdue", "clock", "2016-05-02 00:00:00-04:00"),
    ]
    assert [str(s.facts.get("known_until")) for s in steps if "known_until" in s.facts] == [
        "2016-03-20 23:59:59.999999-04:00",
        "2016-06-01 23:59:59.999999-04:00",
    ]
    assert import_files(app, [first, later]).events == 0  # both again, each on its own day: nothing
    assert import_files(app, [first, later], as_of=date(2016, 6, 1)).events == 0
    assert app.advance("2026-11-24") == 0


def test_a_later_export_that_shows_nothing_new_is_still_observed(app: Lifecycle, tmp_path: Path) -> None:
    first = export(tmp_path, "first.csv", "2016/3/1,Mortgage,Bank,2016/3/2,Closed,Yes,No,1")
    import_files(app, [first])
    assert str(app.history("CFPB-1")[2].at) == "2016-03-02 23:59:59.999999-05:00"  # by the export's own day
    import_files(app, [first], as_of=date(2016, 6, 1))
    again = import_files(app, [first], as_of=date(2016, 9, 1))
    assert (again.updated, again.events) == (1, 1)
    steps = app.history("CFPB-1")
    assert [s.event for s in steps] == ["filed", "sent", "closed", "observed", "observed"]
    assert steps[4].at == steps[3].at == steps[2].at  # the closing keeps its time (reports count closings by it)
    assert str(steps[4].facts["known_until"]) == "2016-09-01 23:59:59.999999-04:00"
    [bank] = app.report(as_of="2017-03-01", years=None).businesses
    assert bank.closed_12m == 1  # closed by 2016-03-02, within the 12 months before 2017-03-01
    [bank] = app.report(as_of="2017-06-15", years=None).businesses
    assert bank.closed_12m == 0  # and not within those before 2017-06-15, whatever the exports' days
    assert import_files(app, [first], as_of=date(2016, 9, 1)).events == 0
