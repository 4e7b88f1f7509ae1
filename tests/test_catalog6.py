"""Issue 28's second slice: init evidence on meta (NL313 constant-weight-init, NL314
repeated-init), convolutions without a nonlinearity (NL106), dropout before pooling (NL204),
weight decay on norms and biases (NL503), width heuristics in plain classifiers (NL107,
NL108). fixtures/catalog6/ is linted once in the shared run of the fixture folders; the fast
cases run one rule in process (netlint.harness)."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, part_of
from test_fixtures import expected_marks
from netlint.harness import findings, lint_code
from netlint.rules.constant_weight_init import ConstantWeightInit
from netlint.rules.conv_pair_without_nonlinearity import ConvPairWithoutNonlinearity
from netlint.rules.repeated_init import RepeatedInit

FOLDER = FIXTURES / "catalog6"
CODES = {"NL106", "NL107", "NL108", "NL204", "NL313", "NL314", "NL503"}


def folder_part(report: dict, name: str = "") -> dict:
    return part_of(report, f"fixtures/catalog6/{name}" if name else "fixtures/catalog6/")


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*.py")), ids=lambda p: p.name)
def test_findings_are_the_marked_lines(path, fixture_folders_report):
    report, proc = fixture_folders_report
    part = folder_part(report, path.name)
    assert part["errors"] == [], proc.stderr
    assert part["models"], f"{path.name}: no model analyzed"
    found = {(f["code"], f["line"]) for f in part["findings"] if f["code"] in CODES}
    assert found == {mark for mark in expected_marks(path) if mark[0] in CODES}


def test_init_evidence_names_the_training_codes_apply(fixture_folders_report):
    report, _ = fixture_folders_report
    by_code = {f["code"]: f for f in folder_part(report, "init_apply.py")["findings"]}
    assert "run by model.apply(weights_init) at fixtures/catalog6/init_apply.py:" in by_code["NL314"]["message"]
    assert by_code["NL314"]["severity"] == "note"
    assert "model.apply(zero_init)" in by_code["NL313"]["message"] and "zero" in by_code["NL313"]["message"]


def test_conv_pair_reports_the_merged_convolution(fixture_folders_report):
    report, _ = fixture_folders_report
    pairs = sorted((f for f in folder_part(report, "conv_pairs.py")["findings"] if f["code"] == "NL106"),
                   key=lambda f: f["line"])
    square, factorized = pairs
    assert square["severity"] == "warning" and "one 5×5 convolution" in square["message"]
    # Conv2d(3, 32, 3) + Conv2d(32, 64, 3) against one Conv2d(3, 64, 5)
    assert (square["params_before"], square["params_after"]) == (3 * 32 * 9 + 32 + 32 * 64 * 9 + 64, 3 * 64 * 25 + 64)
    assert factorized["severity"] == "note" and "factorized" in factorized["message"]


def test_weight_decay_note_is_at_the_optimizer(fixture_folders_report):
    report, _ = fixture_folders_report
    finding, = [f for f in folder_part(report, "weight_decay.py")["findings"] if f["code"] == "NL503"]
    assert finding["target"].endswith("::DecayedBN") and "two parameter groups" in finding["fix"]


LIBRARY_ZERO_INIT = """
import torchvision
from torch import nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = torchvision.models.resnet18(num_classes=10, zero_init_residual=True)

    def forward(self, x):
        return self.backbone(x)
"""


def test_a_librarys_own_zero_init_and_norm_init_stay_quiet():
    result = lint_code(LIBRARY_ZERO_INIT, ConstantWeightInit, RepeatedInit)
    assert result.errors == [] and result.models
    assert result.findings == []


ZERO_HIDDEN_FUNCTIONAL = """
import torch
from torch import nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 64)
        self.fc2 = nn.Linear(64, 2)
        self.apply(self._init)

    def _init(self, m):
        if isinstance(m, nn.Linear):
            with torch.no_grad():
                m.weight.zero_()
                m.bias.zero_()

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))
"""


def test_zero_weights_through_self_apply_fire_at_the_hidden_layer_only():
    assert findings(ZERO_HIDDEN_FUNCTIONAL, ConstantWeightInit, input_shapes=((4, 20),)) == [(17, "NL313")]


PARTIAL_FILL = ZERO_HIDDEN_FUNCTIONAL.replace("m.weight.zero_()", "m.weight[0].zero_()")


def test_a_fill_of_part_of_a_weight_is_not_a_constant_init():
    assert findings(PARTIAL_FILL, ConstantWeightInit, input_shapes=((4, 20),)) == []


CONV_BLOCKS = """
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(8, 16, 5, padding=2),
            nn.Dropout(0.1),
            nn.Conv1d(16, 16, 5, padding=2),
            nn.GELU(),
            nn.Conv1d(16, 16, 3, padding=1),
            nn.GroupNorm(4, 16),
            nn.Conv1d(16, 4, 1),
        )

    def forward(self, x):
        return self.body(x)
"""


def test_conv1d_pairs_are_seen_through_dropout_and_a_norm_between_stays_quiet():
    assert findings(CONV_BLOCKS, ConvPairWithoutNonlinearity, input_shapes=((2, 8, 64),)) == [(9, "NL106")]


DECAY_ZERO = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                                  nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc(self.body(x).flatten(1))


if __name__ == "__main__":
    model = Net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=DECAY)
"""


def test_weight_decay_of_zero_is_quiet_and_a_positive_one_is_noted():
    from netlint.rules.weight_decay_on_norm_and_bias import WeightDecayOnNormAndBias

    assert findings(DECAY_ZERO.replace("DECAY", "0"), WeightDecayOnNormAndBias) == []
    assert findings(DECAY_ZERO.replace("DECAY", "1e-4"), WeightDecayOnNormAndBias) == [(19, "NL503")]


def test_the_new_rules_are_registered_and_documented():
    from importlib.metadata import entry_points

    registered = {ep.name: ep.load() for ep in entry_points(group="netlint.rules") if ep.name in CODES}
    assert set(registered) == CODES
    for code, rule in registered.items():
        assert rule.code == code
        for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References"):
            assert section in rule.__doc__, (code, section)


ADALN_ZERO = """
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.norm = nn.LayerNorm(d, elementwise_affine=False)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.ada = nn.Sequential(nn.SiLU(), nn.Linear(d, 3 * d))
        nn.init.constant_(self.ada[-1].weight, 0)
        nn.init.constant_(self.ada[-1].bias, 0)

    def forward(self, x, c):
        shift, scale, gate = self.ada(c).chunk(3, dim=-1)
        return x + gate.unsqueeze(1) * self.mlp(self.norm(x) * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1))


class DiT(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.embed = nn.Linear(8, d)
        self.cond = nn.Linear(4, d)
        self.block = Block(d)
        self.out = nn.Linear(d, 8)
        nn.init.zeros_(self.out.weight)

    def forward(self, x, c):
        return self.out(self.block(self.embed(x), self.cond(c)))
"""


def test_zero_initialized_gates_and_heads_stay_quiet():
    # DiT's adaLN-Zero: the modulation Linear starts at zero and its output scales a residual branch
    assert findings(ADALN_ZERO, ConstantWeightInit, input_shapes=((2, 16, 8), (2, 4))) == []
