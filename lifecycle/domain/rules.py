"""The declarative rule table of a lifecycle, queried through one shared transitions Machine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from transitions import Machine

CLOCK = "clock"


@dataclass(frozen=True)
class Rule:
    """One row: `event` moves a complaint from `source` to `dest` when `guard` holds."""

    event: str
    source: str
    dest: str
    guard: str | None = None
    """A fact the event must carry: `name` (true) or `not name` (false)."""
    recorded_as: str | None = None
    """The event name recorded when it differs from the command (a late response reopens)."""
    marks: tuple[tuple[str, Any], ...] = ()
    """Facts the row itself records on the event, e.g. `(("timely", False),)` for a late response."""

    def as_transition(self) -> dict[str, Any]:
        """This row in the form transitions takes."""
        row: dict[str, Any] = {"trigger": self.event, "source": self.source, "dest": self.dest}
        if self.guard and self.guard.startswith("not "):
            row["unless"] = [self.guard[4:]]
        elif self.guard:
            row["conditions"] = [self.guard]
        return row


@dataclass(frozen=True)
class RuleTable:
    """States, rows, actors and the published status of every closing state."""

    states: tuple[str, ...]
    initial: str
    rules: tuple[Rule, ...]
    actors: Mapping[str, str]
    """Who records each event: consumer, business, bureau or clock."""
    closing: Mapping[str, str]
    """Closing state -> the status published for it."""
    unpublished: frozenset[str] = frozenset()
    """Final states that are never published (a declined complaint)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Display names of states, where `closed_with_explanation` -> "Closed with explanation" is not enough."""
    vocabulary: str = "status"
    """What the body calls its published outcomes (a BBB "status", a CFPB "company response")."""
    confirmed: frozenset[str] = frozenset()
    """Closing states in which the consumer confirmed the resolution (none where outcomes are company-reported)."""
    machine: Machine = field(init=False, repr=False, compare=False)
    _asked: dict[tuple[str, ...], Any] = field(init=False, repr=False, compare=False, default_factory=dict)
    """What the machine answered, by question: the table never changes, so each is asked once."""

    def __post_init__(self) -> None:
        machine = Machine(
            model=None,
            states=list(self.states),
            transitions=[rule.as_transition() for rule in self.rules],
            initial=self.initial,
            auto_transitions=False,
        )
        object.__setattr__(self, "machine", machine)

    @property
    def events(self) -> list[str]:
        """Every event name in the table, in order of first appearance."""
        if ("events",) not in self._asked:
            self._asked[("events",)] = tuple(dict.fromkeys(rule.event for rule in self.rules))
        return list(self._asked[("events",)])

    def allowed(self, state: str, *, by_clock: bool = False) -> list[str]:
        """The events allowed in `state`; the clock's own only when `by_clock`."""
        question = ("allowed", state, "clock" if by_clock else "")
        if question not in self._asked:
            triggers = self.machine.get_triggers(state)
            self._asked[question] = tuple(e for e in triggers if by_clock or self.actors.get(e) != CLOCK)
        return list(self._asked[question])

    def rule_for(self, state: str, event: str, facts: Mapping[str, Any]) -> Rule | None:
        """The row `event` takes from `state` given `facts`, or None when none does."""
        question = ("rule", state, event)
        if question not in self._asked:
            self._asked[question] = tuple(
                (tuple((str(c.func), c.target) for c in t.conditions), self._rule(state, event, t.dest))
                for t in self.machine.get_transitions(trigger=event, source=state)
            )
        for conditions, rule in self._asked[question]:
            if all(bool(facts.get(name)) == target for name, target in conditions):
                return rule  # type: ignore[no-any-return]
        return None

    def _rule(self, source: str, event: str, dest: str | None) -> Rule | None:
        return next((r for r in self.rules if (r.source, r.event, r.dest) == (source, event, dest)), None)

    def guards(self, event: str) -> list[str]:
        """The facts an event's rows depend on."""
        return sorted({r.guard.removeprefix("not ") for r in self.rules if r.event == event and r.guard})

    def is_final(self, state: str) -> bool:
        """True for closing and unpublished final states."""
        return state in self.closing or state in self.unpublished

    def label(self, state: str) -> str:
        """How a state is shown: its label, else its name in words."""
        return self.labels.get(state) or state.replace("_", " ").capitalize()

    def status(self, state: str) -> str | None:
        """The published status of a closing state; None while open or when unpublished."""
        return self.closing.get(state)


def simple_paths(table: RuleTable, first_final: bool = False) -> list[tuple[Rule, ...]]:
    """Every path of rows from the initial state to a final state that visits no state twice.

    With `first_final`, paths end at the first final state they reach (no late reply or re-opening after it)."""
    paths: list[tuple[Rule, ...]] = []

    def walk(state: str, seen: frozenset[str], path: tuple[Rule, ...]) -> None:
        if table.is_final(state) and path:
            paths.append(path)
            if first_final:
                return
        for rule in table.rules:
            if rule.source == state and rule.dest not in seen:
                walk(rule.dest, seen | {rule.dest}, (*path, rule))

    walk(table.initial, frozenset({table.initial}), ())
    return paths
