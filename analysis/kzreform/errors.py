"""The one error type a reader sees when the study's data is wrong."""


class DataValidationError(ValueError):
    """Bad input: the message names the file, and where known the row and field."""
