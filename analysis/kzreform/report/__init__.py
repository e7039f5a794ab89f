"""Presentation: report tables, charts, citation, data dictionary, rendered pages."""
