"""Layer 4, analytics: indicators and roll-ups, awards, completeness, deadlines, every check.

Pure DataFrame in, DataFrame out: may import ``core`` and ``catalog`` only (no store, no files, no plots).
"""
