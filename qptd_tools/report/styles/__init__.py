"""Matplotlib style files of the toolkit."""
