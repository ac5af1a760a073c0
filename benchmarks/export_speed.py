"""How fast, and in how much memory, is the whole pool of the benchmark's company exported?
(issue 16: the 1M-customer pool to CSV and XLSX with memory within 300 MB, CSV within
60 s.)

A list that long is an export job (transfers.export_jobs): this runs one, for the pool as
its pool manager sees it, unsearched, in name order, through the job's own code (`run`,
what the worker calls), in this process, on the generated dataset (`benchmarks.generate`;
migrated first). The job and its file are deleted at the end; its audit row stays.

    .venv/bin/python -m benchmarks.export_speed [--db sqlite|postgres] [--format csv|xlsx]
        [--size 1000000] [--profile FILE]
"""

import argparse
import resource
import sys
import time

from benchmarks.import_speed import POOL_MANAGER_USERNAME, as_worker, report


def measure(file_format, profile=None):
    from org.models import User
    from transfers import export_jobs, exporting
    from transfers.models import ExportJob

    manager = User.objects.get(username=POOL_MANAGER_USERNAME)
    job = ExportJob.objects.create(
        created_by=manager,
        list_name="pool",
        route="transfers:export-pool",
        query="",
        language="en",
        format=file_format,
        filename=exporting.file_name("pool", file_format),
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    if profile:
        import cProfile

        cProfile.runctx("export_jobs.run(job.pk)", globals(), locals(), profile)
    else:
        export_jobs.run(job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    size = job.file.size
    job.file.delete(save=False)
    job.delete()
    return {
        "format": file_format,
        "state": job.state,
        "rows": job.done,
        "seconds": round(seconds, 1),
        "rows_per_s": round(job.done / seconds),
        "file_mb": round(size / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_mb": round(before),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--profile", help="write the export's cProfile statistics here")
    parser.add_argument("--json", help="write the result here too")
    args = parser.parse_args(argv)

    from benchmarks.generate import database_url

    with as_worker(database_url(args.db, args.size)):
        result = measure(args.format, args.profile)
    result.update(db=args.db, size=args.size)
    return report(result, args.json)


if __name__ == "__main__":
    sys.exit(main())
