"""Business names in reports: one business per case- and space-insensitive name, its spellings kept as aliases."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ...domain.errors import InvalidInput
from ...stores.view_store import ViewStore
from .query import AsOf, business_names

NO_COMPANY = "(company not in export)"
"""The business an importer records when an export names no company (the CFPB importer's own marker):
counted in totals, never listed or ranked as a business."""


def name_key(name: str) -> str:
    """What makes two spellings one business: case and runs of whitespace do not count."""
    return " ".join(name.split()).casefold()


def is_unattributed(name: str) -> bool:
    """True for the importer's placeholder of a missing company."""
    return name_key(name) == name_key(NO_COMPANY)


@dataclass(frozen=True)
class Business:
    """The complaints of one business, under its most frequent spelling."""

    name: str
    aliases: list[str]
    """The other spellings its complaints use, in sort order."""
    rows: list[AsOf]


def display_name(spellings: Counter[str]) -> str:
    """The most frequent spelling; of equally frequent ones, the first in sort order."""
    return min(spellings, key=lambda s: (-spellings[s], s))


def businesses(rows: Iterable[AsOf]) -> tuple[list[Business], list[AsOf]]:
    """The rows grouped by business (sorted by name, case aside), and the unattributed rows apart."""
    grouped: dict[str, list[AsOf]] = defaultdict(list)
    unattributed: list[AsOf] = []
    for row in rows:
        if is_unattributed(row.business):
            unattributed.append(row)
        else:
            grouped[name_key(row.business)].append(row)
    found = []
    for key in sorted(grouped):
        group = grouped[key]
        spellings = Counter(row.business for row in group)
        name = display_name(spellings)
        found.append(Business(name, sorted(s for s in spellings if s != name), group))
    return found, unattributed


def matching(names: Sequence[str], wanted: str) -> list[str]:
    """The spellings among `names` that name the same business as `wanted`."""
    key = name_key(wanted)
    return sorted(name for name in names if name_key(name) == key)


def known_spellings(names: Sequence[str], wanted: str) -> list[str]:
    """The spellings of `wanted` among `names` (case and spaces aside); refused with the closest names."""
    found = matching(names, wanted)
    if found:
        return found
    keys: dict[str, str] = {}
    for name in sorted(names, key=lambda n: (" ".join(n.split()) != n, n)):  # tidy spellings first
        keys.setdefault(name_key(name), name)
    keys = {key: name for key, name in keys.items() if not is_unattributed(name)}
    key = name_key(wanted)
    close = [k for k in sorted(keys) if key and key in k][:3]
    close += [k for k in difflib.get_close_matches(key, list(keys), n=3, cutoff=0.6) if k not in close]
    hint = f"; did you mean {' or '.join(repr(keys[k]) for k in close[:3])}?" if close else ""
    raise InvalidInput(f"no business {wanted!r} in the store{hint}")


def of_business(store: ViewStore, business: str | None, column: str = "c.business") -> tuple[str, list[str]]:
    """The SQL condition (with `?` marks, empty for no business) and its parameters that keep the rows of
    `business` in any of its spellings; an unknown name is refused with the closest ones."""
    if business is None:
        return "", []
    spellings = known_spellings(business_names(store), business)
    return f"{column} IN ({', '.join('?' for _ in spellings)})", spellings
