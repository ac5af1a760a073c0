"""`make bench`: generate the dataset of a size unless it is there, measure, then the load
run, then the imports and exports (benchmarks.transfers), then the home page and the
reports (benchmarks.home). Each step runs in its own process.

The seed that draws the keyword mix is the time unless `--seed` gives one; it is printed
first and written into RESULTS.md, so a run can be repeated with the same mix."""

import argparse
import os
import subprocess
import sys
import time

from benchmarks.generate import ROOT


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="number of customers")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, help="draws the keyword mix; default: the time")
    parser.add_argument("--reps", type=int, default=30, help="repetitions per measurement")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per measurement")
    parser.add_argument("--load", type=float, default=60.0, help="seconds of load; 0: none")
    parser.add_argument("--force", action="store_true", help="generate even if present")
    parser.add_argument(
        "--no-transfers", action="store_true", help="skip the import and export step"
    )
    parser.add_argument(
        "--no-home", action="store_true", help="skip the home page and reports step"
    )
    args = parser.parse_args(argv)
    seed = int(time.time()) if args.seed is None else args.seed
    print(f"benchmark seed {seed}", flush=True)
    env = {**os.environ, "POOLCRM_DEBUG": "0"}
    size = ["--size", str(args.size), "--db", args.db]
    generate = [sys.executable, "-m", "benchmarks.generate", *size]
    subprocess.run(
        generate + ([] if args.force else ["--if-missing"]), cwd=ROOT, env=env, check=True
    )
    measure = [sys.executable, "-m", "benchmarks.measure", *size, "--seed", str(seed)]
    measure += ["--reps", str(args.reps), "--budget", str(args.budget)]
    code = subprocess.run(measure, cwd=ROOT, env=env).returncode
    if args.load:
        load = [sys.executable, "-m", "benchmarks.measure", *size, "--load", str(args.load)]
        code = subprocess.run(load, cwd=ROOT, env=env).returncode or code
    if not args.no_transfers:
        transfers = [sys.executable, "-m", "benchmarks.transfers", *size]
        code = subprocess.run(transfers, cwd=ROOT, env=env).returncode or code
    if not args.no_home:
        home = [sys.executable, "-m", "benchmarks.home", *size, "--seed", str(seed)]
        home += ["--reps", str(args.reps)]
        code = subprocess.run(home, cwd=ROOT, env=env).returncode or code
    return code


if __name__ == "__main__":
    sys.exit(main())
