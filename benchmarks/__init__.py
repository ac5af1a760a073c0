"""Scale benchmark: a seeded synthetic company (generate), timings through the real request
path against the naive way (measure), and one command over both (run). See README.md."""
