"""Start-up of the command line: wall time of a new process for `--version`, `--help` and a command's help, in ms.

    python -m benchmarks.startup --runs 30
Each command is run as a subprocess, the commands interleaved round by round after one warm-up round, output
discarded; the table gives the median (and the fastest and slowest run). `python -c pass` is the floor: the
interpreter alone. Runs the console script beside this Python (`lifecycle`), else `python -c` of the entry point,
so it also runs unchanged on an older checkout put first on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("lifecycle")
ENTRY = [sys.executable, "-c", "from lifecycle.cli import main; main()"]


def lifecycle(*args: str) -> list[str]:
    """The command line of `lifecycle ARGS`: the installed script, else the entry point through this Python."""
    return [str(SCRIPT), *args] if SCRIPT.exists() else [*ENTRY, *args]


CASES = {
    "`python -c pass`": [sys.executable, "-c", "pass"],
    "`lifecycle --version`": lifecycle("--version"),
    "`lifecycle --help`": lifecycle("--help"),
    "`lifecycle show --help` (imports the engine)": lifecycle("show", "--help"),
}


def wall_ms(command: list[str]) -> float:
    """Milliseconds from starting `command` to its exit, which must be 0."""
    began = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - began) * 1000


def measure(runs: int) -> dict[str, list[float]]:
    """Each case's times over `runs` interleaved rounds, after a warm-up round that is not counted."""
    for command in CASES.values():
        wall_ms(command)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(runs):
        for name, command in CASES.items():
            times[name].append(wall_ms(command))
    return times


def where() -> str:
    """The package the subprocesses import, as they see it."""
    code = "import lifecycle, os; print(os.path.dirname(lifecycle.__file__))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    """Measure every case and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    times = measure(args.runs)
    print(f"lifecycle from {where()}; Python {sys.version.split()[0]}; median of {args.runs} runs, each a new process")
    print()
    print("| command | median ms | fastest ms | slowest ms |")
    print("| --- | ---: | ---: | ---: |")
    for name, found in times.items():
        print(f"| {name} | {statistics.median(found):.0f} | {min(found):.0f} | {max(found):.0f} |")


if __name__ == "__main__":
    main()
