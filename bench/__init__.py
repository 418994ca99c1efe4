"""`make bench`: the performance benchmark (bench/run.py). Not collected by pytest."""
