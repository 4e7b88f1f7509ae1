"""Random architectures (bench/fuzz_models.py) linted through the real CLI: a bounded,
seeded run, and every model a longer run (bench/fuzz.py) once shrank to."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

from bench.fuzz_models import check, models

REGRESSIONS = Path(__file__).with_name("fuzz_regressions")


@seed(20261203)
@settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.generate, Phase.shrink])
@given(models(8))
def test_random_models_keep_every_property(sources):
    check(sources)


def test_the_models_the_fuzzer_found_keep_every_property():
    """Linted together, as the fuzzer lints its batches (3 to 5 CLI runs, not that many per
    model); a model that breaks a property is named in the failure (bench.fuzz_models.Broken)."""
    paths = sorted(REGRESSIONS.glob("*.py"))
    assert len(paths) > 1
    check([path.read_text() for path in paths])
