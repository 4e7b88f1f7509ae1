"""Random architectures (bench/fuzz_models.py) linted through the real CLI: a bounded,
seeded run, and every model a longer run (bench/fuzz.py) once shrank to; and projects whose
code builds the model in every syntactic form of bench/fuzz_projects.py."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

from bench.fuzz_models import check, models
from bench.fuzz_projects import check_projects, every_variant

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


def test_every_syntactic_form_of_the_projects_code_is_read_without_an_internal_error():
    """Projects whose scripts and factories build the model with every argument form of
    bench/fuzz_projects.py (calls, splats, subscripts, f-strings, lambdas, walrus, lists of
    calls, callees through a dict, getattr or partial, decorators with calls, options declared
    every way): netlint answers every file without an internal error or traceback."""
    check_projects(every_variant())
