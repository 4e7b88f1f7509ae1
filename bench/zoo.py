"""Run netlint over the model zoos and check every parameter count.

Runs the real CLI (JSON output) over every torchvision classification, segmentation and
detection builder and, when timm is installed, one model per timm family (``--all``: every
timm model). Prints, per capture tier, how many models were analyzed; every error with its
reason; whether ``params`` equals ``sum(p.numel())`` of a normal CPU build; and the seconds
per model. ``--write`` appends the output to bench/RESULTS.md's "Model zoos" section.

    python bench/zoo.py [--all | --quick | --sample] [--only torchvision|timm] [-j N] [--write]
    python bench/zoo.py --sample --baseline /work/main [-j N]

``--quick`` lints a handful of models (the test suite runs it to keep the script working).
``--baseline DIR`` times another checkout's netlint against this one on the same models, batch
by batch, the two alternating (which one goes first alternates too), so that both see the same
machine: the mean and max seconds per model of each, wall and CPU (netlint and its workers).
``--sample``: a fixed sample, every 5th timm family and every 5th torchvision classification
model (64 models).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the bench package

BATCH = 12  # targets per netlint run: torch is imported once per run


def torchvision_targets() -> list[tuple[str, str, object]]:
    import torchvision.models as tvm

    from bench.zoo_torchvision import build

    return [(f"torchvision/{kind}", f"bench.zoo_torchvision:{name}", lambda name=name: build(name))
            for kind, module in (("classification", tvm), ("segmentation", tvm.segmentation),
                                 ("detection", tvm.detection))
            for name in tvm.list_models(module=module)]


def timm_targets(every: bool) -> list[tuple[str, str, object]]:
    try:
        import timm
    except ImportError:
        return []
    names = timm.list_models()
    if not every:  # a family: the name before the first "_", without trailing digits (resnet, vit…)
        firsts: dict[str, str] = {}
        for name in names:
            firsts.setdefault(re.sub(r"\d+$", "", name.split("_")[0]), name)
        names = list(firsts.values())
    return [("timm", f"bench.zoo_timm:{name}", lambda name=name: timm.create_model(name)) for name in names]


# --quick's models: small ones of each kind (the first of a kind can be a billion-parameter model
# that the CPU build behind "params exact" takes minutes and gigabytes to make)
SMALL = ("mobilenet_v3_small", "squeezenet1_1", "lraspp_mobilenet_v3_large", "deeplabv3_mobilenet_v3_large",
         "resnet10t", "efficientnet_b0")


def _a_few(targets: list) -> list:
    """Two models of each kind (classification, segmentation, …), small ones first."""
    kinds: dict[str, list] = {}
    for target in sorted(targets, key=lambda t: t[1].partition(":")[2] not in SMALL):
        kinds.setdefault(target[0], []).append(target)
    return [t for found in kinds.values() for t in found[:2] if "detection" not in t[0]]


STEPS = ("import", "build", "capture", "rules")
_COST = re.compile(r"^time: (\S+): (.*?); loaded (.*)$", re.M)
_REPORT = re.compile(r"^time: the report: ([\d.]+) s for (\d+) model", re.M)


# runs the netlint of the checkout given first on the command line, from this checkout's folder
# (python -m would put this folder's netlint first)
_LAUNCHER = ("import runpy, sys; sys.path.insert(0, sys.argv.pop(1)); "
             "runpy.run_module('netlint', run_name='__main__', alter_sys=True)")
HERE = Path(__file__).resolve().parent.parent


def lint(targets: list[str], checkout: Path = HERE, jobs: int = 1,
         cpu: list | None = None) -> tuple[dict, float, dict[str, dict[str, float]]]:
    """The JSON report, the run's wall seconds, and each model's seconds per step (from the
    ``-v`` time lines: import, build, capture, rules, its share of the report; and ``loaded``,
    the compiler modules its worker had loaded), with the netlint of ``checkout``. ``cpu``
    gets the CPU seconds of netlint and its workers appended."""
    started, used = time.perf_counter(), _children_cpu()
    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, str(checkout), *targets, "--output-format", "json",
                           "--no-cache", "--timeout", "300", "-v", "-j", str(jobs)], capture_output=True, text=True,
                          cwd=HERE)
    seconds = time.perf_counter() - started
    if cpu is not None:
        cpu.append(_children_cpu() - used)
    steps: dict[str, dict] = {}
    for target, cost, loaded in _COST.findall(proc.stderr):
        steps[target] = {step: float(value) for step, value in re.findall(r"(\w+) ([\d.]+) s", cost)}
        steps[target]["loaded"] = loaded
    report = _REPORT.search(proc.stderr)
    for found in steps.values():
        found["report"] = float(report[1]) / int(report[2]) if report else 0.0
    try:
        return json.loads(proc.stdout), seconds, steps
    except json.JSONDecodeError:
        return {"models": [], "findings": [], "skipped": [],
                "errors": [{"target": t, "message": proc.stderr.strip()[-300:]} for t in targets]}, seconds, steps


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # (the workers netlint waited for included)
    return usage.ru_utime + usage.ru_stime


def cpu_params(build) -> int | str:
    try:
        torch.manual_seed(0)
        with torch.no_grad():
            return sum(p.numel() for p in build().parameters())
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:120]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="every timm model, not one per family")
    parser.add_argument("--quick", action="store_true", help="a few models of each zoo")
    parser.add_argument("--sample", action="store_true",
                        help="every 5th timm family and every 5th torchvision classification model")
    parser.add_argument("--only", choices=("torchvision", "timm"))
    parser.add_argument("-j", "--jobs", type=int, default=1, help="netlint's -j")
    parser.add_argument("--baseline", type=Path, help="another checkout's netlint, timed against this one")
    parser.add_argument("--write", action="store_true", help="write the output into bench/RESULTS.md")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N models (a run stopped midway)")
    args = parser.parse_args()

    zoos = [] if args.only == "timm" else [torchvision_targets()]
    zoos += [] if args.only == "torchvision" else [timm_targets(args.all)]
    if args.sample:
        zoos = [[t for t in zoo if t[0] in ("torchvision/classification", "timm")][::5] for zoo in zoos]
    targets = [t for zoo in zoos for t in (_a_few(zoo) if args.quick else zoo)][args.skip:]
    if args.baseline:
        print("\n".join(side_by_side(targets, args.baseline.resolve(), args.jobs)))
        return
    lines: list[str] = []
    rows = []
    for start in range(0, len(targets), BATCH):
        batch = targets[start:start + BATCH]
        report, seconds, steps = lint([target for _, target, _ in batch], jobs=args.jobs)
        models = {m["target"]: m for m in report["models"]}
        errors = {e["target"]: e["message"] for e in report["errors"]}
        for zoo, target, build in batch:
            model = models.get(target)
            expected = cpu_params(build)
            rows.append((zoo, target, model["capture"] if model else "error",
                         model is not None and model["params"] == expected,
                         seconds / len(batch), errors.get(target), expected, model and model["params"],
                         model and model["built_on"], steps.get(target, {})))
        print(f"{start + len(batch)}/{len(targets)} models", file=sys.stderr)

    by_zoo: dict[str, Counter] = {}
    for zoo, _, tier, exact, *_ in rows:
        by_zoo.setdefault(zoo, Counter())[tier] += 1
        by_zoo[zoo]["exact"] += exact
    lines.append(f"netlint model zoo run, {time.strftime('%Y-%m-%d')}, torch {torch.__version__}, "
                 f"{len(rows)} models")
    lines.append("")
    lines.append("| zoo | models | fx | export | eager | modules | errors | params exact | s/model (mean, max) |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for zoo, counts in by_zoo.items():
        seconds = [r[4] for r in rows if r[0] == zoo]
        total = sum(counts[t] for t in ("fx", "export", "eager", "modules", "error"))
        lines.append(f"| {zoo} | {total} | {counts['fx']} | {counts['export']} | {counts['eager']} | "
                     f"{counts['modules']} | {counts['error']} | {counts['exact']}/{total} | "
                     f"{sum(seconds) / len(seconds):.2f}, {max(seconds):.2f} |")
    lines += [""] + split(rows)
    built_on = Counter(on for on in (r[8] for r in rows) if on)
    lines.append("")
    lines.append("Built on: " + ", ".join(f"{where} {count}" for where, count in sorted(built_on.items()))
                 + " (cpu: a full CPU build, the last resort)")
    lines += [f"- built on the CPU: {r[1]}" for r in rows if r[8] == "cpu"]
    dataflow = sum(c["fx"] + c["export"] for c in by_zoo.values())
    lines.append("")
    lines.append(f"At a dataflow tier (fx or export): {dataflow}/{len(rows)} "
                 f"({100 * dataflow / max(len(rows), 1):.1f}%); the eager tier also records dataflow.")
    for zoo, target, tier, exact, _, error, expected, got, _, _ in rows:
        if error:
            lines.append(f"- error {target}: {error}")
        elif not exact:
            lines.append(f"- params differ {target}: netlint {got}, CPU build {expected}")
    text = "\n".join(lines)
    print(text)
    if args.write:
        _write_section(Path(__file__).with_name("RESULTS.md"), "Model zoos", text)


def side_by_side(targets: list, baseline: Path, jobs: int) -> list[str]:
    """Each batch linted by both checkouts, one after the other (the first alternating)."""
    sides = {"baseline": baseline, "this": HERE}
    wall: dict[str, list[float]] = {side: [] for side in sides}
    cpu: dict[str, list[float]] = {side: [] for side in sides}
    outcomes: dict[str, dict] = {side: {} for side in sides}
    built_on: dict[str, Counter] = {side: Counter() for side in sides}
    loads = [os.getloadavg()[0]]
    for number, start in enumerate(range(0, len(targets), BATCH)):
        batch = [target for _, target, _ in targets[start:start + BATCH]]
        for side in (list(sides) if number % 2 == 0 else list(sides)[::-1]):
            used: list[float] = []
            report, seconds, _ = lint(batch, sides[side], jobs, used)
            wall[side] += [seconds / len(batch)] * len(batch)
            cpu[side] += [used[0] / len(batch)] * len(batch)
            outcomes[side].update({m["target"]: (m["capture"], m["params"]) for m in report["models"]})
            built_on[side].update(m["built_on"] for m in report["models"])
            outcomes[side].update({e["target"]: ("error", e["message"][:80]) for e in report["errors"]})
        loads.append(os.getloadavg()[0])
        print(f"{start + len(batch)}/{len(targets)} models; s/model so far: "
              + ", ".join(f"{side} {_mean(wall[side]):.2f}" for side in sides) + "; CPU "
              + ", ".join(f"{side} {_mean(cpu[side]):.2f}" for side in sides)
              + f"; load {loads[-1]:.1f}", file=sys.stderr)
    lines = [f"netlint side by side, {time.strftime('%Y-%m-%d %H:%M')}, torch {torch.__version__}, "
             f"{len(targets)} models, {BATCH} a run, -j {jobs}, load average {min(loads):.1f} to {max(loads):.1f} "
             f"on {os.cpu_count()} cores", "",
             "| netlint | s/model wall (mean, max) | s/model CPU (mean, max) | errors | built on |",
             "| --- | --- | --- | --- | --- |"]
    for side, where in sides.items():
        errors = sum(outcome[0] == "error" for outcome in outcomes[side].values())
        lines.append(f"| {side} ({where}) | {_mean(wall[side]):.2f}, {max(wall[side]):.2f} | "
                     f"{_mean(cpu[side]):.2f}, {max(cpu[side]):.2f} | {errors} | "
                     + ", ".join(f"{on} {n}" for on, n in sorted(built_on[side].items())) + " |")
    lines.append("")
    lines.append(f"this / baseline: wall {_mean(wall['this']) / _mean(wall['baseline']):.2f}, "
                 f"CPU {_mean(cpu['this']) / _mean(cpu['baseline']):.2f}")
    differ = [t for t in outcomes["this"] if outcomes["this"][t] != outcomes["baseline"].get(t)]
    lines.append(f"models whose capture tier, params or error differ: {len(differ)}")
    lines += [f"- {t}: baseline {outcomes['baseline'].get(t)}, this {outcomes['this'][t]}" for t in differ]
    return lines


def _mean(values: list[float]) -> float:
    return sum(values) / max(len(values), 1)


def split(rows: list) -> list[str]:
    """Where a model's time goes, per zoo: the mean seconds of each step in the worker (from
    netlint's -v time lines), the rest of the run's wall time per model (starting Python,
    importing torch and netlint, forking), and how many workers loaded torch's compiler."""
    lines = ["| zoo | import | build | capture | rules | report | rest (python, torch, fork) | "
             "compiler loaded |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for zoo in dict.fromkeys(r[0] for r in rows):
        found = [r for r in rows if r[0] == zoo]
        timed = [r[9] for r in found if r[9]]
        if not timed:
            continue
        means = {step: sum(t.get(step, 0.0) for t in timed) / len(timed) for step in (*STEPS, "report")}
        rest = sum(r[4] for r in found) / len(found) - sum(means.values())
        loaded = sum(t["loaded"] != "no compiler module" for t in timed)
        lines.append(f"| {zoo} | " + " | ".join(f"{means[s]:.2f}" for s in (*STEPS, "report"))
                     + f" | {rest:.2f} | {loaded}/{len(timed)} |")
    return lines


def _write_section(path: Path, title: str, body: str) -> None:
    """Replace (or add) the ``## title`` section of a Markdown file."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    header = f"## {title}\n"
    if header in text:
        before, _, rest = text.partition(header)
        after = rest[rest.find("\n## "):] if "\n## " in rest else ""
        text = before + header + "\n" + body + "\n" + after
    else:
        text = text.rstrip("\n") + "\n\n" + header + "\n" + body + "\n"
    path.write_text(text)


if __name__ == "__main__":
    main()
