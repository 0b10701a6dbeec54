"""An import's summary as a line."""

from __future__ import annotations

from ...importers.cfpb.importer import ImportResult


def import_line(result: ImportResult) -> str:
    """What `import` prints when it is done: rows, complaints, refusals, warnings, events and speed."""
    seconds = max(result.seconds, 1e-9)
    return (
        f"{result.rows} rows in {result.files} files: {result.filed} complaints filed, {result.updated} updated, "
        f"{result.unchanged} already recorded, {len(result.bad)} refused, {len(result.warnings)} with warnings; "
        f"{result.events} events "
        f"({result.rows / seconds:,.0f} rows/s, {result.events / seconds:,.0f} events/s)"
    )
