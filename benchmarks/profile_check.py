"""Checking events against a profile: the rule table and windows built from a file, per event, in µs.

Runs unchanged on a checkout from before profiles were files (then the tables are the Python modules),
so the two can be compared: `python -m benchmarks.profile_check` in each."""

from __future__ import annotations

import argparse
import time
from datetime import timedelta
from typing import Any

from lifecycle.domain.complaint import Complaint
from lifecycle.domain.planned import checked
from lifecycle.domain.profile import Profile
from lifecycle.domain.rules import CLOCK, simple_paths


def profiles() -> tuple[str, dict[str, Profile]]:
    """The bbb and cfpb profiles, and where they came from."""
    try:
        from lifecycle.profiles import PROFILES  # profiles as files

        return "YAML files (lifecycle/profiles/*.yaml)", {n: PROFILES[n] for n in ("bbb", "cfpb")}
    except ImportError:
        from lifecycle.domain.profiles import PROFILES as BUILT_IN  # type: ignore[attr-defined,unused-ignore]

        return "Python modules (lifecycle/domain/bbb.py, cfpb.py)", {n: BUILT_IN[n] for n in ("bbb", "cfpb")}


def check_rate(profile: Profile, rounds: int) -> float:
    """µs per `checked` call over every row of the table."""
    rows = [r for r in profile.rules.rules if profile.rules.actors.get(r.event) != CLOCK]
    at = profile.instant("2016-03-01")
    facts = [{r.guard.removeprefix("not "): not r.guard.startswith("not ")} if r.guard else {} for r in rows]
    started = time.perf_counter()
    for _ in range(rounds):
        for rule, given in zip(rows, facts, strict=True):
            checked(profile, "C-1", rule.source, rule.event, at, given)
    return (time.perf_counter() - started) / (rounds * len(rows)) * 1e6


def replay_rate(profile: Profile, rounds: int) -> float:
    """µs per event when every simple path is walked on a live aggregate (file, commands, the clock's lapses)."""
    paths = simple_paths(profile.rules, first_final=True)
    kind = profile.complaint_types[0] if profile.complaint_types else "General"
    events, started = 0, time.perf_counter()
    for _ in range(rounds):
        for number, path in enumerate(paths):
            c = Complaint.file(profile, f"C-{number}", "Shop", kind, profile.instant("2016-03-01"))
            for rule in path:
                if profile.rules.actors.get(rule.event) == CLOCK:
                    assert c.deadline is not None
                    c.advance(profile, c.deadline.lapses_at)
                else:
                    facts: dict[str, Any] = {}
                    if rule.guard:
                        facts[rule.guard.removeprefix("not ")] = not rule.guard.startswith("not ")
                    c.record(profile, rule.event, c.last_at + timedelta(minutes=1), **facts)
            events += len(c.collect_events())
    return (time.perf_counter() - started) / events * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    source, found = profiles()
    print(f"tables from {source}; {args.rounds} rounds")
    print("| profile | rows | µs per check | µs per event (walk every path) |")
    print("| --- | ---: | ---: | ---: |")
    for name, profile in found.items():
        check = min(check_rate(profile, args.rounds) for _ in range(3))
        walk = min(replay_rate(profile, max(1, args.rounds // 20)) for _ in range(3))
        print(f"| {name} | {len(profile.rules.rules)} | {check:.1f} | {walk:.1f} |")


if __name__ == "__main__":
    main()
