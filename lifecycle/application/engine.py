"""The engine beneath the facade: eventsourcing's application wired to the stores, the views and the profiles."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import JSONTranscoder, Mapper, RecordConflictError

from ..domain.complaint import Complaint
from ..domain.errors import InvalidInput, LifecycleError, UnknownComplaint
from ..domain.planned import Who
from ..domain.profile import Profile
from ..domain.profiles import resolve
from ..profiles import available, is_file
from ..profiles.files import load
from ..stores import Stores
from ..stores.retry import ATTEMPTS, attempts
from ..views import Projections

Moment = datetime | date | str
RETRIES = ATTEMPTS


class ConcurrentChange(LifecycleError):
    """Another writer kept changing the complaint(s) through every retry; the last step was not recorded (the CLI
    exits 4, busy: running the command again is the remedy, not changing its input)."""


def principal(by: str | None) -> str:
    """Who records events: `by`, else $LIFECYCLE_USER, else the operating system's user."""
    if by is not None and (not isinstance(by, str) or not by.strip()):
        raise InvalidInput(f"who records events (by) must be a name, not {by!r}")
    found = by or os.environ.get("LIFECYCLE_USER") or None  # an empty variable is an unset one
    if found is None:
        try:
            found = getpass.getuser()
        except (OSError, KeyError):  # no user name in a bare container
            found = f"uid {os.getuid()}"
    if not found.strip():
        raise InvalidInput("who records events (by, LIFECYCLE_USER) cannot be blank")
    return found


class Engine(Application[UUID]):
    """Complaints as event-sourced aggregates, stored with their keys and views, run by their profiles."""

    def __init__(
        self,
        db: str | None = None,
        profiles: Mapping[str, Profile] | None = None,
        default_profile: str = "bbb",
        by: str | None = None,
        create: bool = True,
    ) -> None:
        self.by = principal(by)
        self.run: str | None = None
        """What the clock's steps are recorded by: the command line that ran (default: the method called)."""
        self.stores = Stores(db, create=create)  # on PostgreSQL, holds the schema lock when a table is missing
        self.database, self.tables, self.keys = self.stores.database, self.stores.tables, self.stores.keys
        try:
            super().__init__(env=self.stores.env)  # no DDL unless this start makes tables
            self.profiles = dict(profiles or available())
            if default_profile not in self.profiles:
                raise InvalidInput(f"unknown profile {default_profile!r}")
            self.default_profile = default_profile
            self.projections = Projections(self, self.tables)
        except BaseException:
            self.stores.close()  # the connection, and with it the schema lock
            raise
        self.tables.created()

    def construct_mapper(self) -> Mapper[UUID]:
        """A mapper that seals personal data under the complaint's key."""
        return self.stores.mapper(self.construct_transcoder())

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """eventsourcing's transcodings and the stores' own."""
        super().register_transcodings(transcoder)
        self.stores.register(transcoder)

    def catch_up(self) -> None:
        """Take every recorded event into every view (after bulk work that left them behind)."""
        self.projections.catch_up()

    def close(self) -> None:
        """Release the database connections."""
        self.stores.close()
        super().close()

    def profile(self, name: str) -> Profile:
        """A profile by name; a configured name (`bbb:second_response=always`) is built once and kept."""
        found = self.profiles.get(name)
        if found is None:
            found = self.profiles[name] = resolve(self.profiles, name)
        return found

    def use(self, spec: str) -> str:
        """The name of the profile `spec` gives: a name (checked), or a profile file, read and made known."""
        if not is_file(spec):
            self.profile(spec)
            return spec
        profile = load(spec)
        self.profiles[profile.name] = profile
        return profile.name

    def moment(self, value: Moment, end: bool = False) -> datetime:
        """An aware moment in the default profile's zone; a bare date means its start (its end if `end`)."""
        return self.at(self.profile(self.default_profile), value, end)

    @staticmethod
    def at(profile: Profile, value: Moment, end: bool = False) -> datetime:
        """An aware moment of `profile`, refused outside its plausible dates."""
        return profile.plausible(profile.instant(value, end=end), datetime.now(UTC))

    def who(self, by: str | None, method: str) -> Who:
        """Who records: `by` or the application's principal; the clock's steps name the run (or the method)."""
        return Who(self.by if by is None else principal(by), self.run or f"Lifecycle.{method}")

    def get(self, reference: str) -> Complaint:
        """The complaint with this reference."""
        try:
            complaint: Complaint = self.repository.get(Complaint.create_id(reference))
        except AggregateNotFoundError:
            raise UnknownComplaint(reference) from None
        return complaint

    def exists(self, reference: str) -> bool:
        """True when a complaint has this reference."""
        return bool(self.recorder.select_events(Complaint.create_id(reference), limit=1))

    def change(self, reference: str, act: Callable[[Complaint, Profile], Any]) -> Any:
        """Load, act, save; on a version conflict pause (see retry.py), load again and retry."""
        for _ in attempts(RETRIES):
            with self.keys.cached():
                complaint = self.get(reference)
                result = act(complaint, self.profile(complaint.profile))
                try:
                    self.save(complaint)
                    return result
                except RecordConflictError:
                    continue
        raise ConcurrentChange(f"complaint {reference}: changed by another writer at every try; not recorded")
