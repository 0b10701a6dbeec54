"""Replay results as lines."""

from __future__ import annotations

import click

from ...scenarios.replay import FileResult, describe


def print_results(results: list[FileResult]) -> None:
    """One line per complaint, its failures, and the timeline of a failed one."""
    for r in results:
        for c in r.complaints:
            mark = "PASS" if c.passed else "FAIL"
            status = c.status or "-"
            click.echo(f"{mark}  {r.path}  {c.id}  {c.state} ({status})  expected: {describe(c.expected)}")
            for failure in c.failures:
                click.echo(f"      {failure}")
            for step in c.timeline:
                click.echo(f"        {step['at']}  {step['event']:<32} by {step['actor']:<8} -> {step['state']}")
