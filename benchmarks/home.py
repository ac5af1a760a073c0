"""`make bench`, the home page and reports step (issue 18): benchmarks.dashboard and
benchmarks.reports, each in a process of its own on a copy of the generated company with
working records added. Their figures go into the stored result of the database
(benchmarks/results/) and RESULTS.md's summary: the slowest person's home page against
200 ms p95, the slowest report against 500 ms p95.

    .venv/bin/python -m benchmarks.home [--db sqlite|postgres] [--size 1000000]
        [--reps 10] [--seed N]
"""

import argparse
import sys
import time
from pathlib import Path

from benchmarks import report
from benchmarks.transfers import measured, store

HERE = Path(__file__).resolve().parent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--json-dir", default=str(HERE / "results"))
    parser.add_argument("--markdown", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args(argv)
    arguments = ["--db", args.db, "--size", str(args.size), "--reps", str(args.reps)]
    arguments += ["--seed", str(args.seed)]
    figures = {
        "dashboard": measured("benchmarks.dashboard", *arguments),
        "reports": measured("benchmarks.reports", *arguments),
    }
    store(args, "home", figures, args.seed)
    return 0 if all(ok for _text, ok in report.home_figures(figures).values()) else 1


if __name__ == "__main__":
    sys.exit(main())
