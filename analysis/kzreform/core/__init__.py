"""Core: paths, errors, the data package and its schema, transactions, settings, cache."""
