"""Settings of the serving process itself, applied by config/wsgi.py (and by the benchmark,
which measures a process set up the same way)."""

import gc

# A collection of the oldest generation walks every object the process holds: Django, the
# app, translations — 100,000 objects — for 50–100 ms, a pause that lands in the middle
# of some request. Objects alive at start-up are moved out of the collector's sight
# (gc.freeze), and the oldest generation is collected rarely; reference counting still
# frees almost everything at once, the collector only finds cycles.
# A young collection's pause grows with its threshold: at 50,000 new objects it took
# 20–45 ms, in one request of twenty-five (a p95 of 42 ms for a page whose median is 30);
# at 5,000 it takes 2–4 ms in every other request, for the same time in all (at 1M
# customers on PostgreSQL: my customers page p95 42 → 31 ms, slowest of 100 58 → 37).
GC_THRESHOLDS = (5_000, 10, 100)


def tune_garbage_collector():
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
