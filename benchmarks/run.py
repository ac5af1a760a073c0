"""`make bench`: generate the dataset of a size unless it is there, then measure.

Each step runs in its own process, so the measuring worker's peak memory is its own."""

import argparse
import os
import subprocess
import sys

from benchmarks.generate import ROOT


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="number of customers")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--reps", type=int, default=30, help="repetitions per measurement")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per measurement")
    parser.add_argument("--force", action="store_true", help="generate even if present")
    args = parser.parse_args(argv)
    env = {**os.environ, "POOLCRM_DEBUG": "0"}
    size = ["--size", str(args.size), "--db", args.db]
    generate = [sys.executable, "-m", "benchmarks.generate", *size]
    if not args.force:
        generate.append("--if-missing")
    subprocess.run(generate, cwd=ROOT, env=env, check=True)
    measure = [sys.executable, "-m", "benchmarks.measure", *size]
    measure += ["--reps", str(args.reps), "--budget", str(args.budget)]
    return subprocess.run(measure, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
