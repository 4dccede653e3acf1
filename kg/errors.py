"""The one exception family users see: each message says what is wrong and how to fix it."""

__all__ = ["InputError", "KGError"]


class KGError(Exception):
    """Base error of kg; the CLI prints its message on one line and exits 1."""


class InputError(KGError):
    """Bad input: a file that cannot be read or parsed, or a record without text."""
