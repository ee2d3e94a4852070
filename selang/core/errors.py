"""Errors shared by every layer that reads the user's settings."""

from __future__ import annotations


class ConfigError(Exception):
    """Settings that cannot be used (a configuration file, flags, the environment); the message
    names the file, key or variable, and the command exits 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
