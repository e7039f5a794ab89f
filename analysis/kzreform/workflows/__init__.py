"""Workflows users run: add a source, coding sheets, notebooks, releases."""
