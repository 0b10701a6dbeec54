"""A seeded generator of varied complaint histories, for tests that need more than the scenarios."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from lifecycle import BBB, Lifecycle

BUSINESSES = ("Acme Retail", "Bolt Motors", "Cedar Bank", "Delta Air", "Echo Phones")


def populate(app: Lifecycle, count: int, seed: int = 7, advance: bool = True) -> list[str]:
    """File `count` complaints over two years and drive each with random allowed commands."""
    rng = random.Random(seed)
    start = BBB.instant("2023-01-02")
    refs = []
    for number in range(count):
        at = start + timedelta(hours=rng.randrange(0, 24 * 700))
        ref = app.file(
            rng.choice(BUSINESSES),
            rng.choice(BBB.complaint_types),
            at,
            reference=f"gen-{number:05d}",
            consumer=f"Consumer {number}",
            text=f"Private story {number}",
        )
        refs.append(ref)
        for _ in range(rng.randrange(0, 6)):
            at += timedelta(hours=rng.randrange(1, 24 * 40))
            summary = app.summary(ref)
            if summary.closed and summary.state != "unanswered":
                break
            app.advance(at, references=[ref])
            allowed = app.allowed(ref)
            if not allowed:
                break
            event = rng.choice(allowed)
            facts: dict[str, Any] = {"good_faith": rng.random() < 0.5} if event == "reviewed" else {}
            app.record(ref, event, at, f"note {number}", **facts)
    if advance:
        app.advance(start + timedelta(days=800))
    return refs
