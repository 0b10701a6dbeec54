"""Replay results as lines."""

from __future__ import annotations

import click

from ...scenarios.replay import FileResult, describe
from .times import local


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
                when = local(step["at"], step["zone"])
                click.echo(f"        {when:<22}  {step['event']:<28} {step['actor']:<8} -> {step['state_after']}")


def summary_of(results: list[FileResult]) -> dict[str, int]:
    """Counts of files, invalid files, complaints, passed and failed."""
    complaints = [c for r in results for c in r.complaints]
    passed = sum(c.passed for c in complaints)
    return {
        "files": len(results),
        "invalid_files": sum(r.error is not None for r in results),
        "complaints": len(complaints),
        "passed": passed,
        "failed": len(complaints) - passed,
    }


def summary_line(summary: dict[str, int]) -> str:
    """The last line of a replay."""
    return (
        f"{summary['files']} files, {summary['complaints']} complaints: {summary['passed']} passed, "
        f"{summary['failed']} failed, {summary['invalid_files']} invalid files"
    )
