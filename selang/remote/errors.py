"""Errors the remote layer raises; each maps to one CLI exit code.

Messages never carry a secret: they are built from status codes and the server's `message`.
"""

from __future__ import annotations


class RemoteError(Exception):
    """The server refused, or we gave up; the command exits 3."""

    exit_code = 3
    ends_run = False  # true: no later campaign can fare better, so the command stops

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class AuthError(RemoteError):
    """The token endpoint refused us, or a fresh token was refused too (second 401)."""

    ends_run = True


class GaveUp(RemoteError):
    """Attempts or the overall deadline ran out."""


class TokenUnavailable(GaveUp):
    """No token could be had within the retry budget: every campaign would fail the same way."""

    ends_run = True


class ConfigError(Exception):
    """Missing or contradictory connection settings; the command exits 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def describe_failure(exc: Exception) -> str:
    """What went wrong with a request, in words; never the exception's text, which may quote
    URLs or headers."""
    import requests

    if isinstance(exc, requests.Timeout):
        return "the request timed out"
    if isinstance(exc, requests.ConnectionError):
        return "the connection failed or was dropped"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return "the address is not a valid URL"
    return "the request could not be sent"
