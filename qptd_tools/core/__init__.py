"""Layer 0, the ground: errors and problem codes, workspace paths and limits, files, Vietnamese formatting.

May import nothing of the toolkit: only the standard library and third-party packages.
"""
