"""Layer 3, intake: the fill-in workbooks, reading and validating what units send, loading the store.

May import ``core``, ``catalog`` and ``store``; never the analytics or anything that draws or exports.
"""
