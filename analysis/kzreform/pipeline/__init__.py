"""The data build: its stages, their rules, validation and the results stage."""
