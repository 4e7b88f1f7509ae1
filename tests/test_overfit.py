"""``netlint overfit``: training on one fixed batch, through the real CLI."""

from __future__ import annotations

import functools
import json

import pytest

from conftest import FIXTURES, REPO, run_netlint

OVERFIT = FIXTURES / "overfit"


@functools.lru_cache(maxsize=None)
def fixture_outcomes():
    """Every fixture of fixtures/overfit/ in one run (one interpreter start)."""
    proc = run_netlint("overfit", OVERFIT.relative_to(REPO), "--output-format", "json")
    assert proc.stdout, proc.stderr
    report = json.loads(proc.stdout)
    return {m["target"].split("::")[1]: m for m in report["models"]}, report, proc


def outcome(name):
    return fixture_outcomes()[0][name]


def kinds(model):
    return {cause["kind"] for cause in model["causes"]}


def test_one_run_over_the_fixtures_fails_because_some_fail():
    models, report, proc = fixture_outcomes()
    assert report["errors"] == [], proc.stderr
    assert set(models) == {"SmallCNN", "SmallDenoiser", "DetachedRefiner", "FrozenClassifier", "BlindClassifier"}
    assert proc.returncode == 1


@pytest.mark.parametrize("name, task", [("SmallCNN", "classification"), ("SmallDenoiser", "image-to-image")])
def test_small_models_pass(name, task):
    model = outcome(name)
    assert model["verdict"] == "PASS" and model["causes"] == []
    assert model["task"] == task
    assert model["end"] <= 0.01 * model["start"] and model["end"] == model["losses"][-1]
    assert model["stopped"] == "target reached" and model["steps"] < 500  # stopped early


def test_a_detached_output_fails_with_no_gradient():
    model = outcome("DetachedRefiner")
    assert model["verdict"] == "FAIL"
    cause, = [c for c in model["causes"] if c["kind"] == "no-gradient"]
    assert set(cause["parameters"]) == {"body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias"}
    assert ".detach()" in cause["message"]
    assert "ignores-input" not in kinds(model)  # it does look at its input


def test_a_frozen_model_fails_with_frozen():
    model = outcome("FrozenClassifier")
    assert model["verdict"] == "FAIL"
    cause, = [c for c in model["causes"] if c["kind"] == "frozen"]
    assert "every parameter is frozen" in cause["message"]
    assert len(cause["parameters"]) == 4


def test_a_model_that_ignores_its_input_fails_at_chance_level():
    model = outcome("BlindClassifier")
    assert model["verdict"] == "FAIL"
    assert {"ignores-input", "chance-level"} <= kinds(model)
    assert model["chance"] == pytest.approx(1.3863, abs=1e-3)  # ln 4: four distinct labels
    assert model["end"] == pytest.approx(model["chance"], rel=0.05)


def test_text_report_pass_and_fail():
    passed = run_netlint("overfit", "fixtures/overfit/small_denoiser.py")
    assert passed.returncode == 0, passed.stderr
    assert "PASS: the loss fell to" in passed.stdout
    assert any(set(line.strip()) <= set("▁▂▃▄▅▆▇█") and len(line.strip()) > 10
               for line in passed.stdout.splitlines())  # the sparkline
    failed = run_netlint("overfit", "fixtures/overfit/frozen_model.py")
    assert failed.returncode == 1
    assert "FAIL:" in failed.stdout and "every parameter is frozen" in failed.stdout


def test_netlint_batch_and_plot(write_model, tmp_path):
    pytest.importorskip("matplotlib")
    write_model("""
        import torch
        from torch import nn

        class TinyRegressor(nn.Module):
            def __init__(self):
                super().__init__()
                self.net = nn.Sequential(nn.Linear(5, 32), nn.Tanh(), nn.Linear(32, 2))

            def forward(self, x):
                return self.net(x)

        def netlint_batch():
            g = torch.Generator().manual_seed(3)
            x = torch.randn(8, 5, generator=g)
            return x, torch.stack([x[:, 0] * x[:, 1], x[:, 2].sin()], 1)
    """)
    proc = run_netlint("overfit", "model.py", "--plot", "curve.png", "--output-format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    model, = json.loads(proc.stdout)["models"]
    assert model["batch"].startswith("netlint_batch(): inputs 8×5, targets 8×2")
    assert model["loss_name"] == "mean squared error"
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_is_a_one_line_error(write_model, tmp_path):
    # An environment where `import matplotlib` fails, as where it is not installed.
    blocker = tmp_path / "no_matplotlib" / "matplotlib"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('No module named matplotlib')\n")
    import os
    env = {**os.environ, "PYTHONPATH": str(blocker.parent)}
    proc = run_netlint("overfit", str(OVERFIT / "small_cnn.py"), "--plot", "curve.png", cwd=tmp_path, env=env)
    assert proc.returncode == 2
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert "--plot needs matplotlib" in proc.stderr
    assert not (tmp_path / "curve.png").exists()


@pytest.mark.parametrize("args", [["missing.py"], ["fixtures/overfit/small_cnn.py", "--lr", "0"],
                                  ["fixtures/overfit/small_cnn.py", "--steps", "0"],
                                  ["fixtures/overfit/small_cnn.py::Nope"]])
def test_errors_exit_2(args):
    proc = run_netlint("overfit", *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.strip()
