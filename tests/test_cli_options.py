"""The command line's options and targets as users give them: rule selection, the task, the
input shapes, a factory of an installed package (its formats and exit codes: test_cli.py)."""

from __future__ import annotations

import pytest

from conftest import netlint_json
from test_cli import BN_GENERATOR


@pytest.mark.parametrize("args, codes", [  # (no option: test_cli.py's test_json_schema, NL201 alone)
    (("--select", "NL1"), set()),
    (("--select", "NL2"), {"NL201"}),
    (("--ignore", "NL201"), set()),
    (("--ignore", "NL2", "--select", "NL201"), {"NL201"}),  # the more specific prefix wins
    (("--select", "ALL", "--ignore", "nl20"), set()),
])
def test_select_and_ignore(write_model, tmp_path, args, codes):
    write_model(BN_GENERATOR)
    report, proc = netlint_json("model.py", *args, cwd=tmp_path)
    assert {f["code"] for f in report["findings"]} == codes
    assert proc.returncode == (1 if codes else 0)


def test_declared_task_wins(write_model, tmp_path):
    write_model(BN_GENERATOR)
    report, proc = netlint_json("model.py", "--task", "classification", cwd=tmp_path)
    assert proc.returncode == 0 and report["findings"] == []
    assert report["models"][0]["task_reason"] == "declared (--task or the config)"


def test_given_input_shape(write_model, tmp_path):
    write_model(BN_GENERATOR)
    report, _ = netlint_json("model.py", "--input-shape", "2,3,64,48", cwd=tmp_path)
    model = report["models"][0]
    assert model["input_shape"] == [[2, 3, 64, 48]] and model["output_shape"] == [[2, 3, 64, 48]]
    assert model["input_reason"] == "given with --input-shape"


def test_several_inputs_and_inferred_kinds(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn

        class TwoInputs(nn.Module):
            def __init__(self):
                super().__init__()
                self.embed = nn.Embedding(1000, 32)
                self.proj = nn.Linear(16, 32)
                self.head = nn.Linear(32, 5)

            def forward(self, tokens, features):
                return self.head(self.embed(tokens).mean(1) + self.proj(features))
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    model = report["models"][0]
    assert model["input_shape"] == [[1, 128], [1, 16]]
    assert "embed Embedding (index tensor)" in model["input_reason"]
    assert model["task"] == "classification"
    report, proc = netlint_json("model.py", "--input-shape", "4,7", "--input-shape", "4,16", cwd=tmp_path)
    assert report["models"][0]["input_shape"] == [[4, 7], [4, 16]]
    report, proc = netlint_json("model.py", "--input-shape", "4,7", cwd=tmp_path)
    assert proc.returncode == 2 and "takes 2 input(s) (tokens, features)" in report["errors"][0]["message"]


def test_importable_factory_target():
    torchvision = pytest.importorskip("torchvision")
    report, proc = netlint_json("torchvision.models:resnet18")
    assert proc.returncode == 0, proc.stderr
    model, = report["models"]
    assert model["task"] == "classification" and model["output_shape"] == [[1, 1000]]
    assert model["params"] == sum(p.numel() for p in torchvision.models.resnet18().parameters())
