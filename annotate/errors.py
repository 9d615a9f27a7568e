"""Errors a user can act on: printed as one clear message, never as a traceback."""


class UserError(Exception):
    """An error whose message tells the user what went wrong and what to do."""

    exit_code = 1
