"""Writers that lose a race try again after a pause: jittered, growing, bounded in count and in time."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

ATTEMPTS = 8
"""Tries at most, the first included."""
FIRST_PAUSE, LONGEST_PAUSE = 0.02, 1.0
"""The bound of the pause before the second try (seconds), doubling before each later one up to the longest."""
BUDGET = 10.0
"""Seconds after the first try past which no further try starts."""


def attempts(count: int = ATTEMPTS, budget: float = BUDGET) -> Iterator[int]:
    """Try numbers 0, 1, ...; before each retry a pause drawn evenly from zero to a bound that doubles each time
    ("full jitter": racing writers spread out); stops after `count` tries, or when the next pause would end
    past `budget` seconds from the first. The caller breaks out when a try wins, and reports the loss after."""
    started = time.monotonic()
    for attempt in range(count):
        if attempt:
            pause = random.uniform(0, min(LONGEST_PAUSE, FIRST_PAUSE * 2 ** (attempt - 1)))
            if time.monotonic() + pause - started > budget:
                return
            time.sleep(pause)
        yield attempt
