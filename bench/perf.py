"""netlint's speed and memory, side by side with what users would run instead.

Every command runs as a fresh process: one warm-up, then ``--runs`` rounds (5 by default)
that alternate the commands of a case, so that both see the same machine. Prints the median
wall time and peak RSS of each, and netlint's ratio to the baseline; ``--write`` keeps the
output in bench/RESULTS.md (section "Speed and memory") with the core count and the date.

    python bench/perf.py [--quick] [--runs N] [--write] [--cases 4,7] [--baseline DIR]

``--quick`` runs each case once with small models (the test suite runs it to keep the
script working); its numbers are not the benchmark. ``--cases`` runs only the cases named;
``--baseline DIR`` adds to cases 4, 7 and 12 a row for the netlint of another checkout (``git
worktree add DIR <commit>``), measured in the same rounds: before and after, side by side.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
NETLINT = [PYTHON, "-m", "netlint"]
MEMORY_CAP = 8 * 1024 ** 3  # the peers get this much address space for the 7B model
# Bytecode caching on, as in any installed environment (the warm-up run writes netlint's .pyc;
# torch's came with its wheel), even where PYTHONDONTWRITEBYTECODE is set.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["NETLINT_NO_CACHE"] = "1"  # every case lints for real, but case 12, which measures the cache


@dataclass
class Measure:
    seconds: float
    peak_mb: float
    status: str  # "ok", "findings", or what went wrong
    cpu: float = 0.0  # user + system seconds of the process and the workers it waited for


def run(command: list[str], cwd: Path = REPO, memory_cap: int | None = None, env: dict | None = None) -> Measure:
    """Wall time and peak RSS of one fresh process."""

    def limit():
        if memory_cap:
            resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))

    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=limit, text=True, env=env or ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code == 0 or (code == 1 and command[:len(NETLINT)] == NETLINT):  # netlint's exit 1: findings
        outcome = "ok" if code == 0 else "findings"
    else:
        outcome = f"failed (exit {code}): " + (stderr.strip().splitlines() or [""])[-1][:80]
    return Measure(seconds, usage.ru_maxrss / 1024, outcome, usage.ru_utime + usage.ru_stime)


def compare(name: str, commands: dict[str, list[str] | tuple[list[str], Path]], runs: int,
            caps: dict[str, int] | None = None,
            medians: dict[str, float] | None = None, cwd: Path = REPO, env: dict | None = None) -> list[str]:
    """The case's table; ``medians`` (if given) receives each command's median seconds."""
    caps = caps or {}
    where = {label: command if isinstance(command, tuple) else (command, cwd) for label, command in commands.items()}
    for label, (command, folder) in where.items():  # warm-up: file caches, .pyc
        run(command, folder, caps.get(label), env)
    measures: dict[str, list[Measure]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, (command, folder) in where.items():
            measures[label].append(run(command, folder, caps.get(label), env))
    lines = [f"### {name}", "", "| command | median s | peak RSS MB | ratio to netlint (time, RSS) | outcome |",
             "| --- | --- | --- | --- | --- |"]
    base = measures["netlint"]
    base_s = statistics.median(m.seconds for m in base)
    base_mb = statistics.median(m.peak_mb for m in base)
    for label, found in measures.items():
        seconds = statistics.median(m.seconds for m in found)
        mb = statistics.median(m.peak_mb for m in found)
        ratio = "1" if label == "netlint" else f"netlint is {base_s / seconds:.2f}×, {base_mb / mb:.2f}×"
        lines.append(f"| {label} | {seconds:.2f} | {mb:.0f} | {ratio} | {found[-1].status} |")
        if medians is not None:
            medians[label] = seconds
    return lines + [""]


def python(code: str) -> list[str]:
    return [PYTHON, "-c", code]


def model_files(folder: Path, count: int, with_model: bool) -> list[str]:
    """``count`` Python files: small CNNs, or plain code with classes that are not models."""
    paths = []
    for i in range(count):
        path = folder / f"module_{i}.py"
        if with_model:
            path.write_text(
                "from torch import nn\n\n\n"
                f"class Net{i}(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                f"        self.conv = nn.Conv2d(3, {8 + i % 8}, 3)\n        self.fc = nn.Linear({8 + i % 8}, 10)\n\n"
                "    def forward(self, x):\n        return self.fc(self.conv(x).mean((2, 3)))\n")
        else:
            path.write_text(f"import json\n\n\nclass Settings{i}:\n    name = 'x{i}'\n\n\n"
                            f"def load_{i}(text):\n    return json.loads(text)\n")
        paths.append(str(path))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one run of each case, small models")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write the output into bench/RESULTS.md")
    parser.add_argument("--cases", help="only these cases, e.g. 4,7 (all by default)")
    parser.add_argument("--baseline", type=Path, help="another checkout's netlint, for cases 4, 7 and 12")
    args = parser.parse_args()
    if args.cases:
        cases = {int(c) for c in args.cases.split(",")}
        main_cases(args, cases)
        return
    runs = 1 if args.quick else args.runs
    classifier, transformer = ("resnet18", "vit_b_16") if args.quick else ("resnet50", "vit_l_16")

    lines = [f"netlint speed and memory, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
             f"{runs} runs per command (median)", ""]
    lines += compare(f"1. {classifier}: lint vs build", {
        "netlint": NETLINT + [f"torchvision.models:{classifier}", "--output-format", "json"],
        f"build {classifier}()": python(f"import torch, torchvision; torchvision.models.{classifier}()"),
        "import torch, torchvision (the floor)": python("import torch, torchvision"),
    }, runs)
    vit: dict[str, float] = {}
    lines += compare(f"2. {transformer}: lint vs model summaries", {
        "netlint": NETLINT + [f"torchvision.models:{transformer}", "--output-format", "json"],
        "torchinfo.summary": python(
            "import torch, torchvision, torchinfo; torchinfo.summary(torchvision.models."
            f"{transformer}(), input_size=(1, 3, 224, 224), verbose=0)"),
        "fvcore parameter_count_table": python(
            "import torchvision; from fvcore.nn import parameter_count_table; "
            f"parameter_count_table(torchvision.models.{transformer}())"),
        "torch-audit": python(
            f"import torchvision, torch_audit; torch_audit.audit(torchvision.models.{transformer}())"),
        "import torch, torchvision (the floor)": python("import torch, torchvision"),
    }, runs, medians=vit)
    floor = vit["import torch, torchvision (the floor)"]
    lines += [f"Above the import floor: netlint {vit['netlint'] - floor:.2f} s, torchinfo "
              f"{vit['torchinfo.summary'] - floor:.2f} s: "
              f"{(vit['netlint'] - floor) / max(vit['torchinfo.summary'] - floor, 1e-9):.2f}× (goal ≤ 0.25×)", ""]
    if not args.quick:
        lines += large_models(runs)
    lines += precommit(runs, args.baseline)
    with tempfile.TemporaryDirectory() as folder:
        models = model_files(Path(folder), 10 if args.quick else 100, with_model=True)
        lines += compare(f"5. {len(models)} model files: -j 2 vs -j 1", {
            "netlint": NETLINT + ["-j", "2", folder],
            "netlint -j 1": NETLINT + ["-j", "1", folder],
        }, runs)
    with tempfile.TemporaryDirectory() as folder:
        models = model_files(Path(folder), 10 if args.quick else 100, with_model=True)
        in_process = ("import sys; from netlint.lint import lint_paths; "
                      "assert lint_paths(sys.argv[1:], isolate=False).models")
        lines += compare(f"6. {len(models)} model files: isolated in a forked worker (-j 1) vs in netlint's process", {
            "netlint": NETLINT + ["-j", "1", folder],
            "in-process (no isolation)": [PYTHON, "-c", in_process, folder],
        }, runs)
    with tempfile.TemporaryDirectory() as folder:
        lines += realistic_file(Path(folder), runs, args.baseline)
        model, = model_files(Path(folder), 1, with_model=True)
        lines += warm(Path(folder), model, runs)
    lines += ["### 10. Where the time goes (in one process)", ""] + profile(classifier) + profile(transformer)
    with tempfile.TemporaryDirectory() as folder:
        page, no_dot = Path(folder) / "report.html", Path(folder) / "bin"
        no_dot.mkdir()
        os.symlink(PYTHON, no_dot / "python")
        lines += compare(f"11. the HTML report of {transformer} (drawn by the system's dot) vs the JSON report "
                         "and vs drawn by Graphviz in WebAssembly", {
            "netlint": NETLINT + [f"torchvision.models:{transformer}", "--output-format", "html", "-o", str(page)],
            "netlint --output-format json": NETLINT + [f"torchvision.models:{transformer}", "--output-format", "json"],
            "netlint, no dot on PATH (WebAssembly)": ["/usr/bin/env", f"PATH={no_dot}", *NETLINT,
                                                      f"torchvision.models:{transformer}", "--output-format", "html",
                                                      "-o", str(page.with_name("wasm.html"))],
            "headless Chromium renders the page": [PYTHON, "tests/browser.py", str(page), str(page.with_suffix(".png"))],
        }, runs)
        lines += [f"The page: {page.stat().st_size / 1e6:.2f} MB (goal < 5 MB).", ""]
    with tempfile.TemporaryDirectory() as folder:
        lines += cached_runs(Path(folder), 10 if args.quick else 100, 2 if args.quick else 10, runs, args.baseline)
    text = "\n".join(lines)
    print(text)
    if args.write:
        from zoo import _write_section
        _write_section(Path(__file__).with_name("RESULTS.md"), "Speed and memory", text)


def main_cases(args, cases: set[int]) -> None:
    """Only the cases asked for (4, 7 and 12: with ``--baseline``, before and after)."""
    runs = 1 if args.quick else args.runs
    lines = [f"netlint speed, cases {', '.join(map(str, sorted(cases)))}, {time.strftime('%Y-%m-%d')}, "
             f"{os.cpu_count()} cores, {runs} runs per command (median)", ""]
    if 4 in cases:
        lines += precommit(runs, args.baseline)
    if 7 in cases:
        with tempfile.TemporaryDirectory() as folder:
            lines += realistic_file(Path(folder), runs, args.baseline)
    if 12 in cases:
        with tempfile.TemporaryDirectory() as folder:
            lines += cached_runs(Path(folder), 10 if args.quick else 100, 2 if args.quick else 10, runs, args.baseline)
    print("\n".join(lines))


def baseline_row(label: str, command: list[str], baseline: Path | None) -> dict[str, tuple[list[str], Path]]:
    return {} if baseline is None else {f"{label} at {baseline.name} (before)": (command, baseline.resolve())}


def precommit(runs: int, baseline: Path | None = None) -> list[str]:
    """Case 4: a pre-commit run over 50 files without a model: torch must not be imported."""
    with tempfile.TemporaryDirectory() as folder:
        plain = model_files(Path(folder), 50, with_model=False)
        check = ("import sys; from netlint.cli import main; sys.argv = ['netlint', *sys.argv[1:]]\n"
                 "try:\n    main()\nexcept SystemExit:\n    pass\nassert 'torch' not in sys.modules, 'torch imported'")
        command = [PYTHON, "-c", check, *plain]
        with_cache = [PYTHON, "-c", f"import os; os.environ.pop('NETLINT_NO_CACHE'); "
                      f"os.environ['NETLINT_CACHE_DIR'] = {str(Path(folder) / 'cache')!r}; exec({check!r})", *plain]
        return compare("4. pre-commit: 50 files without a model (torch must not be imported; goal < 0.1 s)", {
            "netlint": command,
            **baseline_row("netlint", command, baseline),
            "netlint with the cache": with_cache,
            **baseline_row("netlint with the cache", with_cache, baseline),
            "python -c pass": python("pass"),
        }, runs)


REALISTIC = """\
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.conv1 = nn.Conv2d(width, width, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(width)
        self.act = nn.PReLU()
        self.conv2 = nn.Conv2d(width, width, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(width)

    def forward(self, x):
        return x + self.bn2(self.conv2(self.act(self.bn1(self.conv1(x)))))


class Upsample(nn.Module):
    def __init__(self, width, scale=2):
        super().__init__()
        self.conv = nn.Conv2d(width, width * scale ** 2, 3, padding=1)
        self.shuffle = nn.PixelShuffle(scale)
        self.act = nn.PReLU()

    def forward(self, x):
        return self.act(self.shuffle(self.conv(x)))


class Generator(nn.Module):
    def __init__(self, width=64, blocks=8):
        super().__init__()
        self.head = nn.Sequential(nn.Conv2d(3, width, 9, padding=4), nn.PReLU())
        self.body = nn.Sequential(*[Residual(width) for _ in range(blocks)])
        self.tail = nn.Sequential(nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width))
        self.up = nn.Sequential(Upsample(width), Upsample(width))
        self.out = nn.Conv2d(width, 3, 9, padding=4)

    def forward(self, x):
        head = self.head(x)
        x = head + self.tail(self.body(head))
        return torch.tanh(self.out(self.up(x)))
"""


def realistic_file(folder: Path, runs: int, baseline: Path | None = None) -> list[str]:
    """Case 7: an SRGAN-style generator file (PReLU, BatchNorm, PixelShuffle, torch.tanh; with
    findings), cold, against ``import torch``; then where netlint's time went (its -v time line)."""
    model = folder / "srgan.py"
    model.write_text(REALISTIC)
    command = NETLINT + [str(model), "--no-daemon"]
    medians: dict[str, float] = {}
    lines = compare("7. a realistic model file (SRGAN-style: PReLU, BatchNorm, PixelShuffle, tanh), cold: "
                    "netlint vs import torch (goal ≤ 1.3×)", {
                        "netlint": command,
                        **baseline_row("netlint", command, baseline),
                        "import torch": python("import torch"),
                    }, runs, medians=medians)
    lines.insert(-1, f"netlint / import torch: {medians['netlint'] / medians['import torch']:.2f}× (goal ≤ 1.3×)")
    for label, seconds in medians.items():
        if label.endswith("(before)"):
            lines.insert(-1, f"before: {seconds / medians['import torch']:.2f}×")
    verbose = subprocess.run(command + ["-v"], capture_output=True, text=True, env=ENV, cwd=REPO)
    lines += [line for line in verbose.stderr.splitlines() if line.startswith("time: ")] + [""]
    return lines


LARGE_VIT = "vit_5b_patch16_sapiens2"  # 5.07 B parameters; its constructor calls .item() on a torch.linspace


def large_models(runs: int) -> list[str]:
    """Case 3: a 7B decoder that builds on meta, and timm's 5B ViT whose constructor reads tensor
    values (built with those values on the CPU, its weights on meta: load/deferred), side by side."""
    return compare(f"3. LLaMA-7B shapes (bench/llama.py) and timm's {LARGE_VIT} (reads values while it is "
                   "built): lint vs peers, peers capped at 8 GB", {
                       "netlint": NETLINT + ["bench/llama.py::Llama7B", "--output-format", "json"],
                       f"netlint {LARGE_VIT}": NETLINT + [f"bench.zoo_timm:{LARGE_VIT}", "--output-format", "json"],
                       "torchinfo.summary": python(
                           "import sys, torch, torchinfo; sys.path.insert(0, 'bench'); import llama; "
                           "torchinfo.summary(llama.Llama7B(), input_data=torch.zeros(1, 16, dtype=torch.long), "
                           "verbose=0)"),
                       "fvcore parameter_count_table": python(
                           "import sys; sys.path.insert(0, 'bench'); import llama; "
                           "from fvcore.nn import parameter_count_table; parameter_count_table(llama.Llama7B())"),
                   }, runs, caps={"torchinfo.summary": MEMORY_CAP, "fvcore parameter_count_table": MEMORY_CAP})


def cached_runs(folder: Path, count: int, blocks: int, runs: int, baseline: Path | None = None) -> list[str]:
    """Case 12: ``count`` model files, each importing one of ``blocks`` block files, linted with
    -j 2 and the cache (a cache folder of its own, emptied before each first run): the first
    run, a second over the unchanged folder, and a run after one block file changed (the
    models that import it are linted again). With ``baseline``, that checkout's netlint
    (``PYTHONPATH=DIR``) runs the same three in the same rounds, alternated with this one's.
    The goal is in CPU seconds (netlint and the workers it waits for): wall time on a shared
    machine is mostly waiting."""
    project = folder / "models"
    block_models(project, count, blocks)
    netlints = {"netlint": dict(ENV)}
    if baseline is not None:
        netlints[f"netlint at {baseline.name} (before)"] = {**ENV, "PYTHONPATH": str(baseline.resolve())}
    command = NETLINT + ["-j", "2", "."]
    labels = ("first run (empty cache)", "second run (unchanged folder)", "after one block file changed")
    measures: dict[tuple[str, str], list[Measure]] = {(n, label): [] for n in netlints for label in labels}
    for n in range(runs + 1):  # the first round warms up
        order = list(netlints.items()) if n % 2 == 0 else list(netlints.items())[::-1]
        for name, base_env in order:
            cache = folder / f"cache-{list(netlints).index(name)}"
            env = {k: v for k, v in base_env.items() if k != "NETLINT_NO_CACHE"} | {"NETLINT_CACHE_DIR": str(cache)}
            shutil.rmtree(cache, ignore_errors=True)
            first = run(command, project, env=env)
            second = run(command, project, env=env)
            with open(project / "blocks_0.py", "a") as stream:
                stream.write(f"# edited in round {n}\n")
            edited = run(command, project, env=env)
            if n:
                for label, measure in zip(labels, (first, second, edited)):
                    measures[name, label].append(measure)
    lines = [f"### 12. {count} model files, -j 2, with the cache: a second run and a run after a block file "
             f"changed ({count // blocks} models import it) vs the first (goal: the second < 10% of the first, "
             "in CPU)", "",
             "| code | run | median s | share of the first run | CPU s (with the workers) | share of the first "
             "run's CPU | peak RSS MB | outcome |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name in netlints:
        first = statistics.median(m.seconds for m in measures[name, labels[0]])
        first_cpu = statistics.median(m.cpu for m in measures[name, labels[0]])
        for label in labels:
            found = measures[name, label]
            seconds, cpu = statistics.median(m.seconds for m in found), statistics.median(m.cpu for m in found)
            lines.append(f"| {name} | {label} | {seconds:.2f} | {100 * seconds / first:.1f}% | {cpu:.2f} | "
                         f"{100 * cpu / first_cpu:.1f}% | {statistics.median(m.peak_mb for m in found):.0f} | "
                         f"{found[-1].status} |")
    return lines + [""]


def block_models(project: Path, count: int, blocks: int) -> None:
    """``blocks`` block files (a conv and a norm), and ``count`` model files, each a small
    ResNet-like classifier (a stem, four stages of two blocks, a head) that imports one of them."""
    project.mkdir()
    for k in range(blocks):
        (project / f"blocks_{k}.py").write_text(
            "from torch import nn\n\n\n"
            f"class Block{k}(nn.Module):\n    def __init__(self, cin, cout):\n        super().__init__()\n"
            "        self.conv = nn.Conv2d(cin, cout, 3, padding=1)\n        self.norm = nn.BatchNorm2d(cout)\n\n"
            "    def forward(self, x):\n        return self.norm(self.conv(x)).relu()\n")
    for i in range(count):
        k, width = i % blocks, 16 + 8 * (i % 4)
        (project / f"model_{i}.py").write_text(
            f"from torch import nn\n\nfrom blocks_{k} import Block{k}\n\n\n"
            f"class Net{i}(nn.Module):\n    def __init__(self, width={width}, classes=10):\n"
            "        super().__init__()\n        self.stem = nn.Conv2d(3, width, 3, padding=1)\n"
            "        stages = []\n        for stage in range(4):\n"
            f"            stages += [Block{k}(width << stage, width << stage), "
            f"Block{k}(width << stage, width << stage + 1),\n"
            "                       nn.MaxPool2d(2)]\n"
            "        self.stages = nn.Sequential(*stages)\n        self.head = nn.Linear(width << 4, classes)\n\n"
            "    def forward(self, x):\n        return self.head(self.stages(self.stem(x)).mean((2, 3)))\n")


def warm(folder: Path, model: str, runs: int) -> list[str]:
    """Cases 8 and 9: the same model file through a daemon and through the language server,
    each against a cold run, with a runtime folder of their own (no one else's daemon)."""
    runtime = folder / "run"
    runtime.mkdir()
    env = {**ENV, "XDG_RUNTIME_DIR": str(runtime)}
    subprocess.run(NETLINT + ["daemon", "start"], cwd=folder, env=env, check=True, capture_output=True)
    try:
        lines = compare("8. a model file with `netlint daemon` running: warm vs cold (goal ≤ 0.2×)", {
            "netlint": NETLINT + [model],
            "netlint --no-daemon (cold)": NETLINT + [model, "--no-daemon"],
        }, runs, cwd=folder, env=env)
    finally:
        subprocess.run(NETLINT + ["daemon", "stop"], cwd=folder, env=env, capture_output=True)
    return lines + relint_after_save(folder, Path(model), runs, env)


def relint_after_save(folder: Path, model: Path, runs: int, env: dict) -> list[str]:
    """From didSave to the diagnostics, through ``netlint server`` (the engine warm)."""
    from lsp_client import LspClient

    client = LspClient(NETLINT + ["server"], cwd=folder, env=env)
    try:
        client.request("initialize", {"processId": os.getpid(), "rootUri": folder.as_uri(), "capabilities": {}})
        client.notify("initialized", {})
        uri = model.as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                "text": model.read_text()}})
        client.diagnostics(uri)  # the engine is warm from here on
        seconds = []
        for _ in range(runs + 1):
            started = time.perf_counter()
            client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
            client.diagnostics(uri)
            seconds.append(time.perf_counter() - started)
        client.request("shutdown")
        client.notify("exit")
        client.process.wait(30)
    finally:
        if client.process.poll() is None:
            client.process.kill()
    cold = [run(NETLINT + [str(model), "--no-daemon", "--output-format", "json"], folder, env=env).seconds
            for _ in range(runs)]
    after, before = statistics.median(seconds[1:]), statistics.median(cold)
    return ["### 9. re-lint after save through `netlint server` vs a cold `netlint FILE` per save", "",
            "| what | median s | ratio |", "| --- | --- | --- |",
            f"| didSave → publishDiagnostics (netlint server) | {after:.2f} | {after / before:.2f}× |",
            f"| netlint FILE --output-format json (cold) | {before:.2f} | 1 |", ""]


def profile(model: str) -> list[str]:
    """Phase times of netlint on a torchvision model, measured in a fresh process."""
    code = f"""
import time
t0 = time.perf_counter()
import torch, torchvision
t1 = time.perf_counter()
from netlint.discover import discover
from netlint.rule_registry import selected_rules
from netlint.rule_registry import run_rules
from netlint.capture import TIER_PROVIDES, capture
from netlint.load.construct import build
from netlint.report import write
from netlint.result import LintResult, ModelSummary
import io
t2 = time.perf_counter()
rules = selected_rules()
target = discover(["torchvision.models:{model}"]).targets[0]
built = build(target)
t3 = time.perf_counter()
graph = capture(built, target.display)
t4 = time.perf_counter()
findings, skipped = run_rules(graph, rules, TIER_PROVIDES[graph.capture])
t5 = time.perf_counter()
write(LintResult(models=[ModelSummary.of(graph, findings, skipped)], findings=findings), "json", io.StringIO(), io.StringIO(), False)
t6 = time.perf_counter()
own = (t2 - t1) + (t4 - t3) + (t5 - t4) + (t6 - t5)
print(f"| {model} | {{t1 - t0:.2f}} | {{t2 - t1:.2f}} | {{t3 - t2:.2f}} | {{t4 - t3:.2f}} | {{t5 - t4:.3f}} | {{t6 - t5:.3f}} | {{100 * own / (t6 - t0):.1f}}% |")
"""
    proc = subprocess.run(python(code), cwd=REPO, capture_output=True, text=True, env=ENV)
    row = proc.stdout.strip() or f"| {model} | failed: {proc.stderr.strip().splitlines()[-1:]} |"
    return ["| model | import torch+torchvision | import netlint | build on meta | capture | rules | report | netlint's own share |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |", row, ""]


if __name__ == "__main__":
    main()
