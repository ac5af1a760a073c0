"""Queues the periodic jobs (settings.PERIODIC_TASKS: the task's dotted path and its
interval in minutes) for the job workers to run, each once per interval, until stopped.
Run one beside the workers (`make run` does); the jobs are safe to run twice, so a second
scheduler costs a repeat, not a wrong answer."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Queue the periodic jobs (the pool's automatic return) for the job workers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Queue every periodic job once, then stop."
        )

    def handle(self, *args, once=False, **options):
        jobs = [(import_string(path), minutes * 60) for path, minutes in settings.PERIODIC_TASKS]
        next_run = [0.0] * len(jobs)
        while True:
            now = time.monotonic()
            for n, (job, every) in enumerate(jobs):
                if now >= next_run[n]:
                    job.enqueue()
                    next_run[n] = now + every
                    self.stdout.write(f"queued {job.module_path}")
            if once:
                return
            time.sleep(max(1.0, min(next_run) - time.monotonic()))
