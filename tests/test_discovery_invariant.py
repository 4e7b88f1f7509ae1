"""No model silently missing: every nn.Module class of a linted file is analyzed, skipped with
a reason, an error, or listed as not a root model, whichever way its base class is imported."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, netlint_json, part_of, run_netlint

DISCOVER = re.compile(r"class (\w+)\(.*#\s*discover:\s*(model|not a root|skipped)")
DISCOVERY = FIXTURES / "discovery"
CORPORA = [FIXTURES, REPO / "tests" / "fuzz_regressions"]  # (fixtures/scripts is excluded by the config)

# The nn.Module classes each file defines, as Python sees them once the file is imported.
RUNTIME_CLASSES = """
import importlib, inspect, json, sys
from pathlib import Path
import torch.nn as nn

found = {}
for file in map(Path, sys.argv[1:]):
    root = file.parent
    while (root / "__init__.py").is_file():
        root = root.parent
    name = ".".join(file.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
    sys.path[:0] = [str(root), str(file.parent)]
    sys.modules.pop(name, None)  # (another corpus's file of the same name: detector.py)
    try:
        module = importlib.import_module(name)
    except ImportError:
        continue  # (a data file that needs a module that is not installed)
    found[str(file)] = sorted(n for n, c in vars(module).items() if inspect.isclass(c)
                              and issubclass(c, nn.Module) and c.__module__ == name)
print(json.dumps(found))
"""


def outcomes(report: dict) -> dict[str, list[str]]:
    """Each target's outcomes in the report, by 'path::Class'."""
    found: dict[str, list[str]] = {}
    groups = [("model", report["models"]), ("error", report["errors"]),
              *((("skipped" if s["model"] else "not a root"), [s]) for s in report["skipped"])]
    for outcome, entries in groups:
        for entry in entries:
            found.setdefault(entry["target"].partition("(")[0], []).append(outcome)
    return found


def test_each_class_of_a_project_whose_bases_live_in_sibling_files(fixture_folders_report):
    report, proc = fixture_folders_report
    report = part_of(report, "fixtures/discovery/")
    assert report["errors"] == [], proc.stderr
    expected = {}
    for path in sorted(DISCOVERY.rglob("*.py")):
        for match in DISCOVER.finditer(path.read_text()):
            expected[f"{path.relative_to(REPO)}::{match[1]}"] = [match[2]]
    assert outcomes(report) == expected
    assert not any("dataset.py" in entry["target"] for entry in report["skipped"])
    reasons = {s["target"].rpartition("::")[2]: s["reason"] for s in report["skipped"]}
    assert reasons["BaseNet"] == "a base class: it defines no forward of its own"
    assert reasons["AbstractGenerator"] == "a base class: it defines no forward of its own"
    assert reasons["SynchronizedBatchNorm2d"] == "a layer: it specializes torch.nn.modules.batchnorm._BatchNorm"
    assert reasons["FrozenNorm"] == "a layer: it specializes torch.nn.BatchNorm2d"
    assert reasons["Swish"] == "a layer: it holds no submodules and no parameters"
    assert reasons["Stages"] == "a container: it holds modules and defines no forward"
    assert reasons["Trainer"] == "a training wrapper: its constructor builds an optimizer (its networks are analyzed)"
    assert report["findings"] == []  # (alone, the folder exits 0)


def test_verbose_lists_the_classes_that_are_not_root_models():
    proc = run_netlint("fixtures/discovery/base.py", "-v")
    assert proc.returncode == 0, proc.stderr
    assert ("not a root model: fixtures/discovery/base.py::BaseNet: a base class: it defines no forward "
            "of its own") in proc.stderr
    assert "Found 0 findings in 0 models" in proc.stdout


def test_a_file_that_defines_only_datasets_is_never_imported(tmp_path):
    (tmp_path / "data.py").write_text(textwrap.dedent("""
        import kornia_missing_for_sure
        from torch.utils.data import Dataset

        class Frames(Dataset):
            def __len__(self):
                return 0
    """))
    proc = run_netlint("data.py", "-v", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


SIBLING_IMPORTS = [  # (the import of the base class in gen.py, the base as the class statement names it)
    ("from .base import BaseNet", "BaseNet"),
    ("from base import BaseNet", "BaseNet"),
    ("from {package}.base import BaseNet as Parent", "Parent"),
    ("from . import base", "base.BaseNet"),
    ("import {package}.base as b", "b.BaseNet"),
    ("from {package} import BaseNet", "BaseNet"),
    ("from .base import *", "BaseNet"),
]


@pytest.fixture(scope="module")
def siblings(tmp_path_factory) -> tuple[dict, subprocess.CompletedProcess]:
    """A project with one package per way of importing the base class, nets0/ to nets6/ (each
    gen.py's model derives from its base.py's), their gen.py files linted in one run."""
    root = tmp_path_factory.mktemp("siblings")
    for i, (import_line, base) in enumerate(SIBLING_IMPORTS):
        nets = root / f"nets{i}"
        nets.mkdir()
        (nets / "__init__.py").write_text("from .base import BaseNet\n")
        (nets / "base.py").write_text("import torch.nn as nn\n\n\nclass BaseNet(nn.Module):\n    pass\n")
        (nets / "gen.py").write_text(textwrap.dedent(f"""
            import torch.nn as nn
            {import_line.format(package=nets.name)}


            class Gen({base}):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 3, 3, padding=1)

                def forward(self, x):
                    return self.conv(x)
        """))
    (root / "pyproject.toml").write_text("")
    return netlint_json(*(f"nets{i}/gen.py" for i in range(len(SIBLING_IMPORTS))), cwd=root)


@pytest.mark.parametrize("import_line, base", SIBLING_IMPORTS)
def test_a_model_whose_base_is_imported_from_a_sibling_file(siblings, import_line, base):
    report, proc = siblings
    gen = f"nets{SIBLING_IMPORTS.index((import_line, base))}/gen.py"
    models = part_of(report, gen)["models"]
    assert [m["target"] for m in models] == [f"{gen}::Gen"], proc.stderr
    assert models[0]["params"] == 3 * 3 * 9 + 3
    assert all(m["target"].endswith("/gen.py::Gen") for m in report["models"])  # never a base.py class


def test_every_module_class_of_every_corpus_is_accounted_for(fixture_files_report, fixture_folders_report):
    """The invariant, over every corpus of model files the repository has."""
    files = sorted(f for corpus in CORPORA for f in corpus.rglob("*.py") if "scripts" not in f.parts)
    truth = json.loads(subprocess.run([sys.executable, "-c", RUNTIME_CLASSES, *map(str, files)], cwd=REPO,
                                      capture_output=True, text=True, check=True).stdout)
    found = outcomes(fixture_files_report[0])
    for target, outcome in outcomes(fixture_folders_report[0]).items():
        found.setdefault(target, []).extend(outcome)
    for file, classes in truth.items():
        shown = str(Path(file).relative_to(REPO))
        for name in classes:
            assert len(found.get(f"{shown}::{name}", [])) == 1, (shown, name, found.get(f"{shown}::{name}"))
    assert sum(map(len, truth.values())) > 60


def test_a_network_the_scripts_train_whole_is_a_root_even_when_another_class_wraps_it():
    """SRNet is wrapped by SRGenerator, but train_sr.py trains it alone (its parameters go to
    an optimizer); the other ways scripts use a model: ``.cuda()`` on the call, a plain
    trainer class loading its weights, ``nn.DataParallel``. Blocks the scripts build only
    inside a module of their own, or merely print, stay blocks; a local variable named like a
    class is not that class."""
    nets = FIXTURES / "discovery" / "trained_whole" / "sr_nets.py"
    report, proc = netlint_json(str(nets.relative_to(REPO)), "-j", "2")
    assert report["errors"] == [], proc.stderr
    shown = str(nets.relative_to(REPO))
    expected = {f"{shown}::{m[1]}": [m[2]] for m in DISCOVER.finditer(nets.read_text())}
    assert outcomes(report) == expected
    assert {m["target"].rpartition("::")[2] for m in report["models"]} >= {"SRNet", "dehaze", "Colorizer", "Refiner"}
    reasons = {s["target"].rpartition("::")[2]: s["reason"] for s in report["skipped"]}
    assert reasons == {"ResBlock": "a building block: SRNet builds it",
                       "Transmission": "a building block: dehaze builds it",
                       "Upsampler": "a building block: TwoStage builds it"}
