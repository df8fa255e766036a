"""The one base class of every error a user can cause, so the CLI catches them alike."""


class PsoasError(Exception):
    """Something a user typed or supplied that cannot be used; the message says what."""
