"""Queries: a complaint now and as of any moment, business profile figures, audit trails, the hash chain."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from ..domain.complaint import Complaint
from ..domain.derivation import derivation
from ..domain.errors import InvalidInput, UnknownComplaint
from ..domain.profile import Deadline
from ..stores.pages import EventPages
from ..views.audit import AuditEntry, Overdue, audit, overdue
from ..views.deadlines import due
from ..views.filings import in_filing_order
from ..views.report.figures import Report, build
from ..views.report.listing import Listed, latest, listed
from ..views.report.query import references, version_at
from .engine import Engine, Moment
from .history import HistoryEntry, Summary, entries

MAX_YEARS, MAX_ROWS = 100, 10**9
"""The longest report window, in years, and the most rows a list is asked for."""


class Queries(Engine):
    """Everything a caller can read; views catch up with the log before they answer."""

    def summary(self, reference: str) -> Summary:
        """State, published status and pending deadline of a complaint."""
        c = self.get(reference)
        profile = self.profile(c.profile)
        rules = profile.rules
        status, closed = rules.status(c.state), rules.is_final(c.state)
        return Summary(
            c.reference,
            c.profile,
            c.business,
            c.complaint_type,
            c.filed_at,
            c.last_at,
            c.state,
            status,
            closed,
            c.deadline,
            None if closed else getattr(c, "overdue", None),
            tuple(derivation(profile, c.deadline, c.complaint_type, c.entered)) if c.deadline else (),
        )

    def state(self, reference: str) -> str:
        """The complaint's state."""
        return self.get(reference).state

    def status(self, reference: str) -> str | None:
        """The published status, or None while open or when declined."""
        return self.summary(reference).status

    def pending_deadlines(self, reference: str) -> list[Deadline]:
        """The deadlines pending on the complaint (at most one in the built-in profiles)."""
        deadline = self.get(reference).deadline
        return [deadline] if deadline else []

    def allowed(self, reference: str) -> list[str]:
        """The events a caller may record on the complaint now."""
        c = self.get(reference)
        return self.profile(c.profile).rules.allowed(c.state)

    def history(self, reference: str, as_of: Moment | None = None) -> list[HistoryEntry]:
        """Every event of the complaint in order (up to `as_of`: a date means its end), states before and after."""
        complaint_id = Complaint.create_id(reference)
        version = None
        if as_of is not None:
            self.projections.report.catch_up()
            if not self.exists(reference):
                raise UnknownComplaint(reference)
            version = version_at(self.tables, complaint_id.hex, self.moment(as_of, end=True))
            if version == 0:
                return []
        with self.keys.cached():
            found = entries(self.events.get(complaint_id, lte=version))
        if not found:
            raise UnknownComplaint(reference)
        return found

    def report(
        self, business: str | None = None, as_of: Moment | None = None, years: int | None = 3, window: str = "filed"
    ) -> Report:
        """Business profile figures as of a moment (a date means the end of that day; default now), over the
        complaints filed in the `years` before it (None: every complaint filed by then); `window="closed"`:
        the complaints open then or closed in those years instead."""
        if years is not None and (not isinstance(years, int) or not 1 <= years <= MAX_YEARS):
            raise InvalidInput(f"a report window is 1 to {MAX_YEARS} years (or None: all), not {years!r}")
        moment = datetime.now(UTC) if as_of is None else self.moment(as_of, end=True)  # refused before views move
        self.projections.report.catch_up()
        zone = self.profile(self.default_profile).timezone
        return build(self.tables, self.profiles, moment, business, years, window, zone)

    def listing(self, report: Report, latest_count: int = 10) -> dict[str, Listed]:
        """The complaints a report's pages list, by reference: each business's open ones and its `latest_count`
        latest filed, with their steps up to the report's moment (from the view: nothing personal)."""
        self.projections.report.catch_up()
        moment = datetime.fromisoformat(report.as_of)
        newest = latest(self.tables, moment, latest_count)
        sections = [*report.businesses, *([report.unattributed] if report.unattributed else [])]
        wanted = {o["reference"] for f in sections for o in f.open if o["reference"]}
        for f in sections:
            for name in (f.business, *f.aliases):
                wanted.update(newest.get(name or "", ()))
        return listed(self.tables, sorted(wanted), moment)

    def audit(self, limit: int = 100, **filters: Any) -> list[AuditEntry]:
        """Events across complaints matching `filters` (business, complaint_type, event, actor, status,
        since, until), newest first."""
        if not isinstance(limit, int) or not 1 <= limit <= MAX_ROWS:
            raise InvalidInput(f"an audit limit is 1 to {MAX_ROWS:,} events, not {limit!r}")
        for key in ("since", "until"):
            if filters.get(key) is not None:  # a bare date: since its start, until its end
                filters[key] = self.moment(filters[key], end=key == "until")
        self.projections.report.catch_up()
        return audit(self.tables, self.profiles, limit=limit, **filters)

    def references(self) -> list[str]:
        """Every complaint's reference, in filing order."""
        self.projections.report.catch_up()
        return references(self.tables)

    def histories(self, page: int = 500) -> Iterator[tuple[str, list[HistoryEntry]]]:
        """Every complaint's reference and history, in filing order (as `references`), read a page of complaints
        at a time: what is held is bounded by the page, whatever the store holds."""
        self.projections.report.catch_up()
        pages = EventPages(self.recorder, self.tables, self.mapper, self.keys)
        for complaints in in_filing_order(self.tables, page):
            found = pages.events([complaint_id for complaint_id, _ in complaints])
            for complaint_id, reference in complaints:
                if not found[complaint_id]:
                    raise UnknownComplaint(reference)
                yield reference, entries(found[complaint_id])

    def due(self, until: Moment, limit: int = 1000, business: str | None = None) -> list[str]:
        """References of complaints with a deadline lapsing by `until`, soonest first (of one business, its name
        in any case and spacing)."""
        if not isinstance(limit, int) or not 1 <= limit <= MAX_ROWS:
            raise InvalidInput(f"a limit is 1 to {MAX_ROWS:,} complaints, not {limit!r}")
        moment = self.moment(until)  # refused before a view moves
        self.projections.catch_up()
        return [self.repository.get(i).reference for i in due(self.tables, moment, limit, business)]

    def overdue(self, at: Moment, limit: int = 1000, business: str | None = None) -> list[Overdue]:
        """Complaints overdue at `at` (an expected window lapsed; they are still open), longest overdue first."""
        moment = self.moment(at, end=True)  # refused before a view moves
        self.projections.report.catch_up()
        return overdue(self.tables, moment, limit, business)
