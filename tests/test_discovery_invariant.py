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

from conftest import FIXTURES, REPO, netlint_json, run_netlint

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


def test_each_class_of_a_project_whose_bases_live_in_sibling_files():
    report, proc = netlint_json("fixtures/discovery", "-j", "2")
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
    assert reasons["Swish"] == "a layer: it holds no submodules"
    assert reasons["Stages"] == "a container: it holds modules and defines no forward"
    assert proc.returncode == 0


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


@pytest.mark.parametrize("import_line, base", [
    ("from .base import BaseNet", "BaseNet"),
    ("from base import BaseNet", "BaseNet"),
    ("from nets.base import BaseNet as Parent", "Parent"),
    ("from . import base", "base.BaseNet"),
    ("import nets.base as b", "b.BaseNet"),
    ("from nets import BaseNet", "BaseNet"),
    ("from .base import *", "BaseNet"),
])
def test_a_model_whose_base_is_imported_from_a_sibling_file(tmp_path, import_line, base):
    nets = tmp_path / "nets"
    nets.mkdir()
    (nets / "__init__.py").write_text("from .base import BaseNet\n")
    (nets / "base.py").write_text("import torch.nn as nn\n\n\nclass BaseNet(nn.Module):\n    pass\n")
    (nets / "gen.py").write_text(textwrap.dedent(f"""
        import torch.nn as nn
        {import_line}


        class Gen({base}):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 3, 3, padding=1)

            def forward(self, x):
                return self.conv(x)
    """))
    (tmp_path / "pyproject.toml").write_text("")
    report, proc = netlint_json("nets/gen.py", cwd=tmp_path)
    assert [m["target"] for m in report["models"]] == ["nets/gen.py::Gen"], proc.stderr
    assert report["models"][0]["params"] == 3 * 3 * 9 + 3


def test_every_module_class_of_every_corpus_is_accounted_for():
    """The invariant, over every corpus of model files the repository has."""
    files = sorted(f for corpus in CORPORA for f in corpus.rglob("*.py") if "scripts" not in f.parts)
    truth = json.loads(subprocess.run([sys.executable, "-c", RUNTIME_CLASSES, *map(str, files)], cwd=REPO,
                                      capture_output=True, text=True, check=True).stdout)
    report, proc = netlint_json(*(str(c.relative_to(REPO)) for c in CORPORA), "-j", "2")
    found = outcomes(report)
    for file, classes in truth.items():
        shown = str(Path(file).relative_to(REPO))
        for name in classes:
            assert len(found.get(f"{shown}::{name}", [])) == 1, (shown, name, found.get(f"{shown}::{name}"))
    assert sum(map(len, truth.values())) > 60
