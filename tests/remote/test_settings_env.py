"""Numbers from the environment are finite and in range, or the command stops with a message."""

from __future__ import annotations

import pytest

from selang.remote.errors import ConfigError
from selang.remote.settings import rate_limit_from, retry_policy_from, timeouts_from


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "-inf", "1e400", "soon"])
@pytest.mark.parametrize("var", ["SELANG_READ_TIMEOUT", "SELANG_CONNECT_TIMEOUT"])
def test_bad_timeouts_are_refused(var: str, value: str) -> None:
    """A timeout must be a finite number of seconds above 0."""
    with pytest.raises(ConfigError, match=var):
        timeouts_from({var: value})


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "1e400"])
@pytest.mark.parametrize("var", ["SELANG_RETRY_ATTEMPTS", "SELANG_RETRY_DEADLINE"])
def test_bad_retry_bounds_are_refused(var: str, value: str) -> None:
    """Retry bounds must be finite and not negative: `nan` would make every wait unbounded."""
    with pytest.raises(ConfigError, match=var):
        retry_policy_from({var: value})


def test_good_numbers_are_kept() -> None:
    """Ordinary values pass through: seconds as floats, attempts as whole numbers."""
    assert timeouts_from({"SELANG_READ_TIMEOUT": "2.5"}) == {"read_timeout": 2.5}
    assert retry_policy_from({"SELANG_RETRY_ATTEMPTS": "3"}).max_attempts == 3
    assert rate_limit_from({"SELANG_RATE_LIMIT": "20"}) == 20.0
    with pytest.raises(ConfigError, match="SELANG_RATE_LIMIT"):
        rate_limit_from({"SELANG_RATE_LIMIT": "nan"})
