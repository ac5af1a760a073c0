"""`make bench`, the imports-and-exports step (issue 16): 100,000 rows imported into a copy
of the generated company with list pages timed beside it (benchmarks.import_speed
--probe), then the whole pool exported to CSV and to XLSX (benchmarks.export_speed), each
in a process of its own so each peak memory is its own. The figures go into the stored
result of the database (benchmarks/results/) and RESULTS.md's summary.

    .venv/bin/python -m benchmarks.transfers [--db sqlite|postgres] [--size 1000000]
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import report
from benchmarks.measure import app_version

HERE = Path(__file__).resolve().parent
IMPORT_ROWS = 100_000
PROBE_SECONDS = 30


def measured(module, *arguments):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", module, *arguments, "--json", str(out)]
        subprocess.run(command, cwd=HERE.parent, check=True)
        return json.loads(out.read_text())


def store(args, key, figures, seed):
    """Adds `figures` of a step measured on its own (its `key`: "transfers", "home") to
    the stored result of `args.db` and renders RESULTS.md again."""
    vendor = "postgresql" if args.db == "postgres" else "sqlite"
    result = report.read(args.json_dir, vendor)
    result[key] = figures
    result.setdefault("measured_apart", {})[key] = {"app": app_version(), "seed": seed}
    report.write(result, args.json_dir, Path(args.markdown))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--json-dir", default=str(HERE / "results"))
    parser.add_argument("--markdown", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args(argv)
    dataset = ["--db", args.db, "--size", str(args.size)]
    figures = {
        "import": measured(
            "benchmarks.import_speed",
            *dataset,
            "--rows",
            str(IMPORT_ROWS),
            "--probe",
            str(PROBE_SECONDS),
        ),
        "export": [
            measured("benchmarks.export_speed", *dataset, "--format", file_format)
            for file_format in ("csv", "xlsx")
        ],
    }
    store(args, "transfers", figures, figures["import"]["seed"])
    return 0 if all(ok for _text, ok in report.transfer_figures(figures).values()) else 1


if __name__ == "__main__":
    sys.exit(main())
