"""The three rules' numbers through the CLI, checked against counts of real modules built
in the test."""

from __future__ import annotations

import pytest
from torch import nn

from conftest import findings, netlint_json, only, params


def test_nl101_depthwise_1x1_against_one_plain_conv():
    finding, = only("fixtures/rules/nl101/separable_1x1.py", "ProjectionHead", "NL101")
    separable = params(nn.Conv2d(128, 128, 1, groups=128), nn.Conv2d(128, 256, 1))
    plain = params(nn.Conv2d(128, 256, 1))
    assert (separable, plain) == (33_280, 33_024)
    assert (finding["params_before"], finding["params_after"], finding["params_delta"]) == (separable, plain, -256)
    assert finding["layer"] == "layers.depthwise" and finding["severity"] == "warning"
    assert "Conv2d(128, 256, kernel_size=1)" in finding["fix"]


def test_nl101_groups_the_pairs_one_line_creates():
    finding, = only("fixtures/rules/nl101/separable_1x1.py", "SeparableNet", "NL101")
    pairs = [(32, 64), (64, 128)]
    before = sum(params(nn.Conv2d(i, i, 1, groups=i, bias=False), nn.Conv2d(i, o, 1, bias=False)) for i, o in pairs)
    after = sum(params(nn.Conv2d(i, o, 1, bias=False)) for i, o in pairs)
    assert (finding["params_before"], finding["params_after"]) == (before, after)
    assert finding["message"].startswith("2 depthwise-pointwise pairs made by this line")


def test_nl101_functional_and_depth_multiplier():
    functional, = only("fixtures/rules/nl101/separable_1x1.py", "FunctionalSeparable", "NL101")
    assert functional["layer"] == "conv2d" and functional["params_delta"] < 0
    multiplier, = only("fixtures/rules/nl101/separable_1x1.py", "HeatmapHead", "NL101")
    before = params(nn.Conv2d(32, 128, 3, groups=32), nn.Conv2d(128, 5, 1))
    assert (multiplier["params_before"], multiplier["params_after"]) == (before, params(nn.Conv2d(32, 5, 3)))
    assert "depth multiplier of 4" in multiplier["message"]


def test_nl101_quiet_when_the_separable_pair_saves():
    assert findings("fixtures/rules/nl101/mobilenet_blocks.py") == []


def test_nl201_one_finding_per_creation_line_with_buffer_effect():
    by_line = {f["line"]: f for f in only("fixtures/rules/nl201/srgan_x4_batchnorm.py", "SRResNetGenerator", "NL201")}
    bn1 = by_line[10]
    assert bn1["message"].startswith("16 BatchNorm2d layers made by this line")
    bn = nn.BatchNorm2d(64)
    assert bn1["params_before"] == 16 * params(bn)
    assert bn1["params_after"] == 16 * params(nn.InstanceNorm2d(64, affine=True))
    buffers = 16 * sum(b.numel() for b in bn.buffers())
    assert f"the {buffers:,} running-statistics buffer values go away" in bn1["fix"]


def test_nl201_quiet_outside_image_to_image():
    for path in ("fixtures/rules/nl201/resnet_classifier.py", "fixtures/rules/nl201/segmentation_resnet_backbone.py",
                 "fixtures/rules/nl201/pix2pix_unet_instancenorm.py", "fixtures/rules/nl201/edsr_x4.py"):
        assert findings(path) == [], path


def test_nl201_on_the_batch_norm_function_only_when_it_normalizes_with_running_statistics():
    """F.batch_norm with ``training=True`` as a constant (an AdaIN layer folding the batch into
    the channels, positional or keyword) is instance normalization: quiet. Following
    ``self.training`` it is BatchNorm: one finding, at the call."""
    path = "fixtures/rules/nl201/nl201_functional_batch_norm.py"
    assert only(path, "AdaINDecoder", "NL201") == []
    finding, = only(path, "HandNormGenerator", "NL201")
    line = next(i for i, text in enumerate(open(path).read().splitlines(), 1) if "self.running_var, self.weight" in text)
    assert finding["line"] == line


def test_nl202_severity_follows_the_weights_evidence():
    warning, = only("fixtures/rules/nl202/translation_pretrained_backbone.py", "ResNetTranslator", "NL202")
    assert warning["severity"] == "warning"
    assert "ResNet34_Weights.IMAGENET1K_V1" in warning["message"] and "resnet34()" in warning["message"]
    note, = only("fixtures/rules/nl202/translation_pretrained_backbone.py", "MobileNetTranslator", "NL202")
    assert note["severity"] == "note" and "pretrained weights" not in note["message"]
    user, = only("fixtures/rules/nl202/user_backbone_translation.py", "Colorizer", "NL202")
    assert (user["severity"], user["layer"]) == ("note", "backbone")


def test_nl101_only_when_the_pointwise_conv_is_the_only_consumer():
    # ContextBlock's depthwise output also feeds a global-context branch: not a pair
    finding, = only("fixtures/rules/nl101/separable_with_context_branch.py", "ContextNet", "NL101")
    assert finding["layer"] == "separable.depthwise"
    before = params(nn.Conv2d(64, 64, 1, groups=64, bias=False), nn.Conv2d(64, 128, 1, bias=False))
    assert (finding["params_before"], finding["params_after"]) == (before, params(nn.Conv2d(64, 128, 1, bias=False)))


def test_nl101_quiet_on_timm_global_context_blocks():
    # each block's depthwise output feeds the GlobalContext attention conv and the main path
    pytest.importorskip("timm")
    report, proc = netlint_json("timm.models:gc_efficientnetv2_rw_t", "--select", "NL101")
    assert not report["errors"], proc.stderr
    model, = report["models"]
    assert model["capture"] in ("fx", "export") and report["findings"] == []
