"""Evidence: the index of quotes and reports behind every table cell."""
