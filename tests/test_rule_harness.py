"""The in-process harness (netlint.harness): one rule on one model's source, no CLI, no worker,
no registration, for fast rule tests. What users see (formats, exit codes, fixes) is tested
through the CLI elsewhere; these tests check that the harness reports what the rule finds, at
the line that created the layer, and stays quiet when the rule should."""

from __future__ import annotations

import pytest

from netlint.graph import ModelGraph
from netlint.harness import findings, lint_code
from netlint.rule import Rule
from netlint.rules.bias_before_norm import BiasBeforeNorm
from netlint.rules.large_batch_lr_scaling import LargeBatchLrScaling
from netlint.rules.transposed_conv_checkerboard import TransposedConvCheckerboard

CONV_BN = """
    import torch.nn as nn


    class Block(nn.Module):
        def __init__(self, bias=True):
            super().__init__()
            self.conv = nn.Conv2d(3, 16, 3, padding=1, bias=bias)
            self.bn = nn.BatchNorm2d(16)
            self.head = nn.Conv2d(16, 10, 1)

        def forward(self, x):
            return self.head(self.bn(self.conv(x)))
"""


def test_a_rule_reports_the_line_that_created_the_layer():
    assert findings(CONV_BN, BiasBeforeNorm) == [(8, "NL102")]


def test_a_rule_stays_quiet_on_the_fixed_model():
    assert findings(CONV_BN.replace("bias=True", "bias=False"), BiasBeforeNorm) == []


def test_only_the_rules_given_run():
    assert findings(CONV_BN, TransposedConvCheckerboard) == []


def test_the_input_shape_and_the_result_are_the_pipelines():
    result = lint_code(CONV_BN, BiasBeforeNorm, input_shapes=((2, 3, 32, 32),))
    model, = result.models
    assert model.input_shapes == ((2, 3, 32, 32),)
    assert [f.layer for f in result.findings] == ["conv"]


def test_a_rule_that_is_not_registered_runs():
    class EveryConv(Rule):
        code = "NL999"
        name = "every-conv"
        needs = frozenset({"modules"})

        def check(self, graph: ModelGraph):
            for layer in graph.layers:
                if layer.type == "Conv2d":
                    yield self.finding(graph, layer, "a convolution", "none")

    assert findings(CONV_BN, EveryConv) == [(8, "NL999"), (10, "NL999")]


def test_a_source_rule_reads_the_file_without_a_model():
    code = """
        import torch
        from torch.utils.data import DataLoader


        def train(model, data):
            loader = DataLoader(data, batch_size=4096, shuffle=True)
            optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            return loader, optimizer
    """
    assert findings(code, LargeBatchLrScaling) == [(7, "NL501"), (8, "NL501")]


def test_a_model_that_cannot_be_built_fails_the_test():
    broken = CONV_BN.replace("nn.BatchNorm2d(16)", "nn.BatchNorm2d(undefined_name)")
    with pytest.raises(AssertionError, match="undefined_name"):
        findings(broken, BiasBeforeNorm)
