"""Fuzz netlint with random architectures (bench/fuzz_models.py): every generated model is
linted through the real CLI, built for real on the CPU and checked against the properties
(no error, exact parameter counts, fx capture where fx traces, output shapes the CPU run
agrees with, identical reports across runs and -j, lines inside the file, fixes whose
parameter deltas hold). Models are drawn in batches linted together; a failing batch is
shrunk by hypothesis to one minimal model, saved under tests/fuzz_regressions/ with the
property it broke (tests/test_fuzz.py keeps it as a regression test).

    python bench/fuzz.py [--examples N] [--batch B] [--seed S] [--write]

The lints go through a ``netlint daemon`` started for the run (the report is a cold run's).
``--write`` records the run in bench/RESULTS.md (section "Fuzzing").
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

import fuzz_models
from fuzz_models import NETLINT, Broken, check, models

REPO = Path(__file__).resolve().parent.parent
REGRESSIONS = REPO / "tests" / "fuzz_regressions"


def run(examples: int, batch: int, seed_value: int, env: dict, cwd: Path) -> tuple[int, Broken | None]:
    """How many models were checked, and the minimal failure if one was found."""
    checked = [0]

    @seed(seed_value)
    @settings(max_examples=max(1, 2 * examples // (batch + 1)), deadline=None, database=None,  # (batches of ~batch/2)
              suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink], print_blob=False)
    @given(models(batch))
    def batches(sources: list[str]) -> None:
        check(sources, env, cwd)
        checked[0] += len(sources)
        print(f"{checked[0]} models checked", file=sys.stderr, flush=True)

    try:
        batches()
    except Broken as failure:
        return checked[0], failure
    return checked[0], None


def save(failure: Broken) -> Path:
    """The minimal failing model as a regression fixture, named by what it broke."""
    REGRESSIONS.mkdir(exist_ok=True)
    slug = "".join(c if c.isalnum() else "_" for c in failure.prop.lower())[:40].strip("_")
    path = REGRESSIONS / f"{slug}_{zlib.crc32(failure.source.encode()):08x}.py"
    detail = "\n".join(f"# {line}" for line in failure.detail.splitlines()[:3])
    path.write_text(f"# Broke: {failure.prop}\n{detail}\n{failure.source}")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=500, help="models to generate (default 500)")
    parser.add_argument("--batch", type=int, default=25, help="models linted together (default 25)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help="record the run in bench/RESULTS.md")
    args = parser.parse_args()
    started = time.perf_counter()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # killed as if by Ctrl-C: the daemon is stopped
    with tempfile.TemporaryDirectory(prefix="netlint-fuzz-") as folder:
        work = Path(folder)
        (work / "pyproject.toml").write_text("")  # one project (one daemon) for every batch
        (work / "run").mkdir()
        env = {**os.environ, "XDG_RUNTIME_DIR": str(work / "run"), "NETLINT_NO_CACHE": "1"}
        subprocess.run(NETLINT + ["daemon", "start"], cwd=work, env=env, check=True, capture_output=True)
        try:
            checked, failure = run(args.examples, args.batch, args.seed, env, work)
        finally:
            subprocess.run(NETLINT + ["daemon", "stop"], cwd=work, env=env, capture_output=True)
    minutes = (time.perf_counter() - started) / 60
    lines = [f"bench/fuzz.py --examples {args.examples} --batch {args.batch} --seed {args.seed}, "
             f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores: {checked} models generated and checked "
             f"in {minutes:.0f} min", "", "Properties checked on every model: " + "; ".join(fuzz_models.PROPERTIES) + ".",
             ""]
    if failure is None:
        lines.append("No property failed.")
    else:
        lines.append(f"**Failed**: {failure.prop} ({failure.detail.splitlines()[0]}); minimal model saved as "
                     f"{save(failure).relative_to(REPO)}.")
    text = "\n".join(lines)
    print(text)
    if args.write:
        from zoo import _write_section
        _write_section(Path(__file__).with_name("RESULTS.md"), "Fuzzing", text)
    sys.exit(1 if failure else 0)


if __name__ == "__main__":
    main()
