"""Shared test settings: hypothesis profiles (CI gets more examples, none has a deadline), examples/ on the path."""
import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# `make test` draws the same examples on every run and every machine (derandomize), so a learner's or CI's
# run never fails on a draw nobody saw before; HYPOTHESIS_PROFILE=explore draws new ones, to hunt for bugs.
common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=40, derandomize=True, **common)
settings.register_profile("ci", max_examples=80, derandomize=True, **common)
settings.register_profile("explore", max_examples=300, **common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

# the learner's file of the course's gradient-checking exercise lives with the examples
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
