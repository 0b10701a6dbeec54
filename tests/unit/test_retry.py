"""Retries of a lost race: bounded in count and time, pauses random and growing."""

from __future__ import annotations

import time

from lifecycle.stores.retry import ATTEMPTS, FIRST_PAUSE, LONGEST_PAUSE, attempts


def test_every_try_is_given_when_each_loses_and_the_pauses_stay_under_their_bounds() -> None:
    started = time.monotonic()
    tries = list(attempts())
    took = time.monotonic() - started
    assert tries == list(range(ATTEMPTS))
    bounds = sum(min(LONGEST_PAUSE, FIRST_PAUSE * 2**n) for n in range(ATTEMPTS - 1))
    assert took < bounds + 0.5


def test_the_pauses_are_drawn_at_random() -> None:
    def pauses() -> list[float]:
        marks = []
        for _ in attempts(count=4):
            marks.append(time.monotonic())
        return [round(b - a, 4) for a, b in zip(marks, marks[1:], strict=False)]

    assert pauses() != pauses()  # two writers that lost together do not retry together


def test_no_try_starts_past_the_budget() -> None:
    started = time.monotonic()
    tries = list(attempts(count=1000, budget=0.3))
    assert 1 < len(tries) < 1000
    assert time.monotonic() - started <= 0.3 + 0.05
