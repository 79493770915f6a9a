"""Performance measurements of qptd-toolkit (run with ``python -m benchmarks``)."""
