"""Source rules (NL501 large-batch-lr-scaling) over training scripts, through the real CLI.

fixtures/training/ holds training scripts, which define no model, so the model-fixture
harness (test_fixtures.py, fixtures/*.py) does not collect them; this file is their harness:
the findings of each script are exactly its lines marked ``# expect: CODE``."""

from __future__ import annotations

import functools
import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, REPO, netlint_json, run_netlint
from test_fixtures import expected_marks

TRAINING = FIXTURES / "training"
SCRIPTS = sorted(TRAINING.glob("*.py"))

UNSCALED = """
    import torch
    from torch.utils.data import DataLoader

    def train(model, data, args):
        loader = DataLoader(data, batch_size=args.batch, shuffle=True)
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
        return loader, optimizer
"""


@functools.lru_cache(maxsize=None)
def lint_training_folder():
    return netlint_json(TRAINING.relative_to(REPO))


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_findings_are_the_marked_lines(path):
    report, proc = lint_training_folder()
    assert report["errors"] == [] and report["models"] == [], proc.stderr
    shown = str(path.relative_to(REPO))
    found = {(f["code"], f["line"]) for f in report["findings"] if f["path"] == shown}
    assert found == expected_marks(path)
    assert all(f["target"] == shown for f in report["findings"] if f["path"] == shown)


def test_fires_and_stays_quiet_with_exit_codes():
    assert any(expected_marks(p) for p in SCRIPTS) and any(not expected_marks(p) for p in SCRIPTS)
    assert lint_training_folder()[1].returncode == 1
    quiet = run_netlint("fixtures/training/sgd_scaled_with_warmup.py")
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr


def test_the_warning_gives_the_scaled_value():
    report, _ = netlint_json("fixtures/training/sgd_unscaled_lr.py")
    warning, = [f for f in report["findings"] if f["severity"] == "warning"]
    assert "16 × 0.1 = 1.6" in warning["message"] and warning["fix"].startswith("lr=1.6")
    assert "Goyal" in warning["message"]
    note, = [f for f in report["findings"] if f["severity"] == "note"]
    assert "warmup" in note["message"] and "Keskar" in note["message"]


def test_training_scripts_do_not_import_torch():
    code = ("import sys\nfrom netlint.cli import main\n"
            "sys.argv = ['netlint', 'fixtures/training/sgd_unscaled_lr.py', '--output-format', 'concise']\n"
            "try:\n    main()\nexcept SystemExit as exit:\n    print(exit.code, 'torch' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert proc.stdout.split()[-2:] == ["1", "False"], proc.stderr
    assert "sgd_unscaled_lr.py:10:56: NL501 " in proc.stdout


def test_values_from_the_training_config(write_model, tmp_path):
    write_model(UNSCALED, "train.py")
    (tmp_path / "pyproject.toml").write_text("[tool.netlint.training]\nbatch-size = 4096\nlr = 0.1\n")
    report, proc = netlint_json("train.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    warning, = [f for f in report["findings"] if f["severity"] == "warning"]
    assert "SGD lr 0.1 ([tool.netlint.training] lr)" in warning["message"] and "= 1.6" in warning["message"]
    assert warning["line"] == 7  # the optimizer, where the learning rate is set


def test_adam_is_judged_against_a_configured_reference(write_model, tmp_path):
    write_model("""
        import torch
        from torch.utils.data import DataLoader

        def train(model, data):
            loader = DataLoader(data, batch_size=2048, shuffle=True)
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
            warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=500)
            return loader, optimizer, warmup
    """, "train.py")
    report, proc = netlint_json("train.py", cwd=tmp_path)
    assert report["findings"] == [] and proc.returncode == 0  # no reference for Adam: not judged
    (tmp_path / "pyproject.toml").write_text(
        "[tool.netlint.training]\nreference-batch-size = 256\nreference-lr = 0.0005\n")
    report, proc = netlint_json("train.py", cwd=tmp_path)
    finding, = report["findings"]
    assert "Adam lr 0.001 is not within ±50% of 8 × 0.0005 = 0.004" in finding["message"]


def test_unknown_training_key_is_an_error(write_model, tmp_path):
    write_model(UNSCALED, "train.py")
    (tmp_path / "pyproject.toml").write_text("[tool.netlint.training]\nbatch_size = 4096\n")
    proc = run_netlint("train.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "pyproject.toml" in proc.stderr and "'batch_size'" in proc.stderr and "batch-size" in proc.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.netlint.training]\nlr = \"fast\"\n")
    proc = run_netlint("train.py", cwd=tmp_path)
    assert proc.returncode == 2 and "lr" in proc.stderr and "Traceback" not in proc.stderr


def test_select_ignore_and_noqa(write_model, tmp_path):
    write_model("""
        import torch
        from torch.utils.data import DataLoader

        loader = DataLoader(range(10), batch_size=4096, shuffle=True)  # noqa: NL501
        optimizer = torch.optim.SGD([torch.zeros(1)], lr=0.1)
    """, "train.py")
    report, proc = netlint_json("train.py", "--show-suppressed", cwd=tmp_path)
    assert [f["line"] for f in report["findings"]] == [6]  # the lr warning; the note is suppressed
    assert [s["line"] for s in report["suppressed"]] == [5]
    assert run_netlint("train.py", "--ignore", "NL501", cwd=tmp_path).returncode == 0
    assert run_netlint("train.py", "--select", "NL1", cwd=tmp_path).returncode == 0
    assert run_netlint("train.py", "--per-file-ignores", "train.py:NL5", cwd=tmp_path).returncode == 0
    assert run_netlint("train.py", "--fail-level", "warning", cwd=tmp_path).returncode == 1


def test_a_file_with_a_model_and_its_training_loop(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn
        from torch.utils.data import DataLoader

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(8, 2)

            def forward(self, x):
                return self.fc(x)

        def train(data):
            model = Net()
            loader = DataLoader(data, batch_size=1024, shuffle=True)
            optimizer = torch.optim.SGD(model.parameters(), lr=0.4, momentum=0.9)
            scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.4, total_steps=1000)
            return loader, scheduler
    """, "train.py")
    report, proc = netlint_json("train.py", cwd=tmp_path)
    assert [m["target"] for m in report["models"]] == ["train.py::Net"]
    assert report["findings"] == []  # lr 0.4 = 4 × 0.1 and a one-cycle warmup
    proc = run_netlint("train.py", "--output-format", "sarif", cwd=tmp_path)
    rules = [rule["id"] for rule in json.loads(proc.stdout)["runs"][0]["tool"]["driver"]["rules"]]
    assert "NL501" in rules and "NL201" in rules


def test_rule_documentation():
    proc = run_netlint("rule", "NL501")
    assert proc.returncode == 0
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References"):
        assert section in proc.stdout
    assert "NL501" in run_netlint("rules").stdout
