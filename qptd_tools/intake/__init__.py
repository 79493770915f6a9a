"""Intake: fill-in workbooks, reading and validating submissions, loading the store."""
