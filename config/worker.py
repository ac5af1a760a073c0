"""Settings of the serving process itself, applied by config/wsgi.py (and by the benchmark,
which measures a process set up the same way)."""

import gc

# A collection of the oldest generation walks every object the process holds: Django, the
# app, translations — 100,000 objects — for 50–100 ms, a pause that lands in the middle
# of some request. Objects alive at start-up are moved out of the collector's sight
# (gc.freeze), and collections are made rarer; reference counting still frees almost
# everything at once, the collector only finds cycles.
GC_THRESHOLDS = (50_000, 20, 100)


def tune_garbage_collector():
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
