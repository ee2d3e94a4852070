"""Connection settings read from the environment: timeouts and retry bounds, and their errors."""

from __future__ import annotations

import pytest

from selang.core.errors import ConfigError
from selang.remote.settings import cxone_from, retry_policy_from

ENV = {
    "CXONE_INSTANCE_URL": "http://127.0.0.1:9/",
    "CXONE_CLIENT_ID": "id",
    "CXONE_CLIENT_SECRET": "secret",
}


def test_timeouts_default_and_from_the_environment() -> None:
    """Without the variables the defaults hold; each variable replaces only its own timeout."""
    assert cxone_from(ENV).timeouts == (5.0, 30.0)
    assert cxone_from({**ENV, "SELANG_READ_TIMEOUT": "2.5"}).timeouts == (5.0, 2.5)
    both = {**ENV, "SELANG_CONNECT_TIMEOUT": "1", "SELANG_READ_TIMEOUT": "4"}
    assert cxone_from(both).timeouts == (1.0, 4.0)


def test_a_timeout_that_is_not_a_number_names_its_variable() -> None:
    """A bad timeout is a configuration error that names the variable and the value."""
    with pytest.raises(ConfigError, match=r"`SELANG_CONNECT_TIMEOUT` must be a number.*`soon`"):
        cxone_from({**ENV, "SELANG_CONNECT_TIMEOUT": "soon"})


def test_retry_bounds_keep_the_type_of_their_defaults() -> None:
    """A count stays a whole number and a delay a float, whatever the variable's spelling."""
    policy = retry_policy_from({"SELANG_RETRY_ATTEMPTS": "3.0", "SELANG_RETRY_BASE_DELAY": "2"})
    assert policy.max_attempts == 3 and isinstance(policy.max_attempts, int)
    assert policy.base_delay == 2.0 and isinstance(policy.base_delay, float)
