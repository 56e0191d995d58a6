"""Shared test settings: hypothesis profiles (CI gets more examples but no deadline), examples/ on the path."""
import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# the learner's file of the course's gradient-checking exercise lives with the examples
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
