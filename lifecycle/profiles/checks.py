"""What a profile file's schema cannot say: known states and events, reachable states, sound windows and rows."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from ..domain.rules import CLOCK
from .build import defaults, included, table
from .schema import ProfileSpec, RowSpec

Problem = tuple[tuple[Any, ...], str]
"""Where in the file (a path of keys and indexes) and what is wrong."""


def problems(spec: ProfileSpec) -> Iterator[Problem]:
    """Every problem of the file, in the order of the checks."""
    yield from _place(spec)
    yield from _states(spec)
    yield from _rows(spec)
    yield from _actors(spec)
    yield from _windows(spec)
    yield from _shape(spec)


def _place(spec: ProfileSpec) -> Iterator[Problem]:
    try:
        ZoneInfo(spec.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        yield ("timezone",), f"unknown time zone {spec.timezone!r} (an IANA name, e.g. Europe/London)"
    try:
        holidays.country_holidays(spec.country, subdiv=spec.subdivision)
    except (NotImplementedError, KeyError) as error:
        yield ("country",), f"no public holidays known for {spec.country!r} {spec.subdivision or ''}: {error}"


def _states(spec: ProfileSpec) -> Iterator[Problem]:
    known: set[str] = set()
    for i, state in enumerate(spec.states):
        if state in known:
            yield ("states", i), f"duplicate state {state!r}"
        known.add(state)
    if spec.initial not in known:
        yield ("initial",), f"unknown state {spec.initial!r}"
    for key in ("closing", "labels"):
        for state in getattr(spec, key):
            if state not in known:
                yield (key, state), f"{key}: unknown state {state!r}"
    for key in ("unpublished", "confirmed", "relief"):
        for i, state in enumerate(getattr(spec, key)):
            if state not in known:
                yield (key, i), f"{key}: unknown state {state!r}"
            elif key != "unpublished" and state not in spec.closing:
                yield (key, i), f"{key}: {state!r} is not a closing state"
    events = {row.event for row in spec.rows}
    for i, event in enumerate(spec.disputes):
        if event not in events:
            yield ("disputes", i), f"disputes: no row has the event {event!r}"


def _rows(spec: ProfileSpec) -> Iterator[Problem]:
    known, seen = set(spec.states), dict[tuple[Any, ...], int]()
    clock = set(spec.actors.get(CLOCK, []))
    for i, row in enumerate(spec.rows):
        for j, source in enumerate(row.from_):
            if source not in known:
                yield ("rows", i, "from", j), f"unknown state {source!r} (row {row.event})"
        if row.to not in known:
            yield ("rows", i, "to"), f"unknown state {row.to!r} (row {row.event})"
        for option, choice in row.when.items():
            if option not in spec.options or choice not in spec.options[option].choices:
                yield ("rows", i, "when"), f"unknown option {option}={choice!r} (declare it under options)"
        for source in row.from_:
            key = (row.event, source, row.to, row.guard, tuple(sorted(row.when.items())))
            if key in seen:
                yield ("rows", i), f"duplicate row: {row.event} {source} -> {row.to} (as row {seen[key] + 1})"
            seen.setdefault(key, i)
        yield from _guard(spec, i, row, clock)


def _guard(spec: ProfileSpec, i: int, row: RowSpec, clock: set[str]) -> Iterator[Problem]:
    """A row that can never be taken: an earlier row takes every event it could, or its guard cannot hold."""
    fact = row.guard.removeprefix("not ") if row.guard else None
    wanted = row.guard is not None and not row.guard.startswith("not ")
    if fact and row.event in clock and wanted:
        yield ("rows", i, "guard"), f"guard never satisfiable: the clock's {row.event} carries no {fact}"
    if fact and fact in row.marks and bool(row.marks[fact]) != wanted:
        yield ("rows", i, "guard"), f"guard never satisfiable: the row marks {fact}: {row.marks[fact]}"
    for h, earlier in enumerate(spec.rows[:i]):
        shared = set(earlier.from_) & set(row.from_)
        same_when = all(row.when.get(k) == v for k, v in earlier.when.items())
        if earlier.event == row.event and shared and same_when and earlier.guard in (None, row.guard):
            state = sorted(shared)[0]
            yield (
                ("rows", i, "guard"),
                f"guard never satisfiable: row {h + 1} ({earlier.event} from {state}) is taken first",
            )


def _actors(spec: ProfileSpec) -> Iterator[Problem]:
    events = {row.event for row in spec.rows}
    acted: dict[str, str] = {}
    for actor, names in spec.actors.items():
        for j, event in enumerate(names):
            if event not in events:
                yield ("actors", actor, j), f"actor {actor}: {event!r} is the event of no row"
            elif event in acted:
                yield ("actors", actor, j), f"{event!r} has two actors: {acted[event]} and {actor}"
            acted.setdefault(event, actor)
    for i, row in enumerate(spec.rows):
        if row.event not in acted:
            yield ("rows", i, "event"), f"no actor records {row.event!r} (list it under actors)"
    recorded = events | {row.recorded_as for row in spec.rows if row.recorded_as}
    for key in ("responses", "withdrawn"):
        for event in getattr(spec, key):
            if event not in recorded:
                yield (key,), f"{key}: {event!r} is the event of no row"


def _windows(spec: ProfileSpec) -> Iterator[Problem]:
    known, events = set(spec.states), {row.event for row in spec.rows}
    names = {w.name for w in spec.windows}
    seen: dict[tuple[str, str], int] = {}
    for i, w in enumerate(spec.windows):
        where = ("windows", i)
        if w.state not in known:
            yield (*where, "state"), f"window {w.name}: unknown state {w.state!r}"
            continue
        if w.counted_from is not None and w.counted_from not in known:
            yield (*where, "from"), f"window {w.name}: unknown state {w.counted_from!r}"
        if not any(w.lapse == r.event and w.state in r.from_ for r in spec.rows):
            yield (*where, "lapse"), f"window {w.name} on {w.state}: no row takes its lapse {w.lapse!r} from {w.state}"
        for kind in w.types or [""]:
            if (w.state, kind) in seen:
                yield where, f"window {w.name}: {w.state} already has a window for {kind or 'every type'}"
            seen[(w.state, kind)] = i
        for key in ("pause", "resume"):
            for j, event in enumerate(getattr(w, key)):
                if event not in events:
                    yield (*where, key, j), f"window {w.name}: {key} event {event!r} is the event of no row"
        if w.flags and w.lapse != "overdue":  # the engine's flag event (Complaint.Overdue) is the one that flags
            yield (*where, "lapse"), f"window {w.name} flags: its lapse must be 'overdue', not {w.lapse!r}"
        if w.pause and not w.resume:
            yield (*where, "pause"), f"window {w.name} pauses but nothing resumes it (give resume events)"
        if w.extend and not any(w.extend.event == r.event and w.state in r.from_ for r in spec.rows):
            yield (*where, "extend"), f"window {w.name}: no row takes its extension {w.extend.event!r} from {w.state}"
        days = [v.effective_from for v in w.versions]
        if days != sorted(set(days)):
            yield (*where, "versions"), f"window {w.name}: versions must be in order of their day, each day once"
        for j, kind in enumerate(w.types):
            if spec.complaint_types and kind not in spec.complaint_types:
                yield (*where, "types", j), f"window {w.name}: unknown complaint type {kind!r}"
    if spec.response_window is not None and spec.response_window not in names:
        yield ("response_window",), f"response_window: no window is called {spec.response_window!r}"


def _shape(spec: ProfileSpec) -> Iterator[Problem]:
    """Under every choice of options: every state reachable from the initial one, none a dead end unless final."""
    final = set(spec.closing) | set(spec.unpublished)
    choices = [[(name, c) for c in option.choices] for name, option in spec.options.items()]
    reached: set[str] = set()
    ended: set[str] = set()
    for combination in product(*choices) if choices else [()]:
        options = {**defaults(spec), **dict(combination)}
        rules = table(spec, **options).rules
        frontier, seen = [spec.initial], {spec.initial}
        while frontier:
            state = frontier.pop()
            for rule in rules:
                if rule.source == state and rule.dest not in seen:
                    seen.add(rule.dest)
                    frontier.append(rule.dest)
        reached |= seen
        for state in sorted((seen & set(spec.states)) - final - ended, key=spec.states.index):
            if not any(rule.source == state for rule in rules):
                ended.add(state)
                yield (
                    ("states", spec.states.index(state)),
                    (f"dead end: {state!r} is not final (closing or unpublished) and no row leaves it"),
                )
        if not any(state in final for state in seen):
            yield ("closing",), "no closing state can be reached"
    for i, state in enumerate(spec.states):
        if state not in reached:
            yield ("states", i), f"unreachable state {state!r}: no row leads to it from {spec.initial!r}"
    for i, row in enumerate(spec.rows):
        if not any(included(row, {**defaults(spec), **dict(c)}) for c in product(*choices)) and row.when:
            yield ("rows", i, "when"), "the row is in no table (its options never hold together)"
