"""Random architectures (bench/fuzz_models.py) linted through the real CLI: a bounded,
seeded run, and every model a longer run (bench/fuzz.py) once shrank to."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from bench.fuzz_models import check, models

REGRESSIONS = Path(__file__).with_name("fuzz_regressions")


@seed(20261203)
@settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.generate, Phase.shrink])
@given(models(8))
def test_random_models_keep_every_property(sources):
    check(sources)


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.py")), ids=lambda p: p.stem)
def test_a_model_the_fuzzer_found_keeps_every_property(path):
    check([path.read_text()])
