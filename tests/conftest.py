"""Shared test settings: Hypothesis profiles, chosen with `HYPOTHESIS_PROFILE` (default `ci`),
and a private cache folder so that no test reads what an earlier run left in the user's cache."""

import os
import tempfile

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=2500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="selang-test-cache-")
