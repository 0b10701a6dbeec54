"""A checked profile file made into the domain's Profile: its rule table (per option) and its windows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time

from ..domain.errors import InvalidInput
from ..domain.profile import DeadlineRule, Habit, Profile
from ..domain.rules import Rule, RuleTable
from .schema import ProfileSpec, RowSpec, WindowSpec


def included(row: RowSpec, options: Mapping[str, str]) -> bool:
    """True when the row's `when` holds under `options`."""
    return all(options.get(option) == choice for option, choice in row.when.items())


def rows(spec: ProfileSpec, options: Mapping[str, str]) -> tuple[Rule, ...]:
    """The table's rows under `options`: one per `from` state, in file order."""
    return tuple(
        Rule(row.event, source, row.to, row.guard, row.recorded_as, tuple(row.marks.items()))
        for row in spec.rows
        if included(row, options)
        for source in row.from_
    )


def defaults(spec: ProfileSpec) -> dict[str, str]:
    """Every option at its default choice."""
    return {name: option.default for name, option in spec.options.items()}


def table(spec: ProfileSpec, **options: str) -> RuleTable:
    """The rule table under `options` (the rest at their defaults): states and actors its rows use."""
    chosen = {**defaults(spec), **options}
    rules = rows(spec, chosen)
    used = {spec.initial} | {r.source for r in rules} | {r.dest for r in rules}
    events = {r.event for r in rules}
    actors = {event: actor for actor, names in spec.actors.items() for event in names if event in events}
    return RuleTable(
        states=tuple(s for s in spec.states if s in used),
        initial=spec.initial,
        rules=rules,
        actors=actors,
        closing=dict(spec.closing),
        unpublished=frozenset(spec.unpublished),
        labels=dict(spec.labels),
        vocabulary=spec.vocabulary,
        confirmed=frozenset(spec.confirmed),
    )


def window(spec: WindowSpec) -> DeadlineRule:
    """A window of the file as the domain's deadline rule."""
    return DeadlineRule(
        spec.state,
        spec.name,
        spec.lapse,
        spec.length,
        counted_from=spec.counted_from,
        flags=spec.flags,
        unit=spec.unit,
        types=frozenset(spec.types),
        versions=tuple((v.effective_from, v.length) for v in spec.versions),
        pause=frozenset(spec.pause),
        resume=frozenset(spec.resume),
        extend=spec.extend.event if spec.extend else None,
        extend_max=spec.extend.max if spec.extend else 0,
    )


def profile(spec: ProfileSpec) -> Profile:
    """The Profile a file describes."""
    hours = spec.working_hours
    working = (time.fromisoformat(hours.opens), time.fromisoformat(hours.closes)) if hours else None

    def build(**options: str) -> RuleTable:
        for name, choice in options.items():
            if choice not in spec.options[name].choices:
                known = ", ".join(spec.options[name].choices)
                raise InvalidInput(f"profile {spec.name}: {name} must be one of {known}, not {choice!r}")
        return table(spec, **options)

    return Profile(
        name=spec.name,
        title=spec.title,
        rules=table(spec),
        deadlines=tuple(window(w) for w in spec.windows),
        complaint_types=tuple(spec.complaint_types),
        country=spec.country,
        timezone=spec.timezone,
        subdivision=spec.subdivision,
        response_window=spec.response_window or "response",
        responses=frozenset(spec.responses),
        withdrawn=tuple(spec.withdrawn.items()),
        options=defaults(spec),
        table=build if spec.options else None,
        working_hours=working,
        earliest=spec.dates.earliest,
        ahead_days=spec.dates.ahead_days,
        habit=Habit(spec.habit.share, spec.habit.months, spec.habit.minimum),
        relief=frozenset(spec.relief),
        disputes=frozenset(spec.disputes),
    )
