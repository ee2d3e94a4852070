"""Fixtures for the sandbox protocol tests: a fresh sandbox per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from selang.sandbox import running
from selang.sandbox.inprocess import Sandbox


@pytest.fixture
def sb(tmp_path: Path) -> Iterator[Sandbox]:
    with running(state_dir=tmp_path / "state", webhook_backoff=0.05) as sandbox:
        yield sandbox
