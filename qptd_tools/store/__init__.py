"""Layer 2, data at rest: the canonical tables, the snapshot store, its submission history, the workspace.

May import ``core`` and ``catalog``.
"""
