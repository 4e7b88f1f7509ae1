"""The rule catalog (NL102–NL402) through the real CLI: the parameter counts each finding
reports are checked against real modules built here, and the quiet cases stay quiet."""

from __future__ import annotations

from torch import nn

from conftest import FIXTURES, findings, linted_path, netlint_json, only, params


def counts(finding: dict) -> tuple[int, int, int]:
    return finding["params_before"], finding["params_after"], finding["params_delta"]


# NL102 bias-before-norm

def test_nl102_vgg_bn_builder_line_is_one_finding():
    finding, = only("fixtures/rules/nl102/bias_before_norm.py", "SmallVGGBN", "NL102")
    convs = [(3, 8), (8, 16), (16, 32), (32, 32), (32, 64), (64, 64), (64, 64), (64, 64)]
    before = params(*(nn.Conv2d(i, o, 3, padding=1) for i, o in convs))
    after = params(*(nn.Conv2d(i, o, 3, padding=1, bias=False) for i, o in convs))
    assert counts(finding) == (before, after, -sum(o for _, o in convs))
    assert finding["message"].startswith("8 Conv2d layers made by this line")
    assert finding["severity"] == "warning" and "bias=False" in finding["fix"]


def test_nl102_linear_groupnorm_and_functional_forms():
    linear, = only("fixtures/rules/nl102/bias_before_norm.py", "TabularMLP", "NL102")
    assert linear["layer"] == "fc1"
    assert counts(linear) == (params(nn.Linear(64, 128)), params(nn.Linear(64, 128, bias=False)), -128)
    group, = only("fixtures/rules/nl102/bias_before_norm.py", "GroupNormHead", "NL102")
    assert group["layer"] == "conv"  # GroupNorm(64, 64); the stem before GroupNorm(32, 64) is kept
    assert counts(group)[2] == -64
    functional, = only("fixtures/rules/nl102/bias_before_norm.py", "FunctionalStem", "NL102")
    assert counts(functional) == (params(nn.Conv2d(3, 32, 3)), params(nn.Conv2d(3, 32, 3, bias=False)), -32)


def test_nl102_quiet_before_layernorm_and_shared_outputs():
    assert only("fixtures/rules/nl102/bias_before_norm.py", "PatchMixer", "NL102") == []
    stem = only("fixtures/rules/nl102/bias_before_norm.py", "FunctionalStem", "NL102")
    assert [f["layer"] for f in stem] == ["conv2d"]


def test_nl102_cyclegan_instancenorm_generator():
    generator = only("fixtures/rules/nl102/cyclegan_resnet_generator.py", "ResnetGenerator", "NL102")
    by_line = {f["line"]: f for f in generator}
    up = by_line[marked_line("rules/nl102/cyclegan_resnet_generator.py", "nn.ConvTranspose2d(")]
    assert counts(up) == (params(nn.ConvTranspose2d(128, 64, 3), nn.ConvTranspose2d(64, 32, 3)),
                          params(nn.ConvTranspose2d(128, 64, 3, bias=False), nn.ConvTranspose2d(64, 32, 3, bias=False)),
                          -96)
    assert "no affine shift" in up["fix"]  # InstanceNorm2d(affine=False): the bias was all the shift there was


# NL103 linear-collapse

def test_nl103_forgotten_activation_is_a_warning_with_the_merged_layer():
    finding, = only("fixtures/rules/nl103/linear_collapse.py", "ForgottenActivation", "NL103")
    assert counts(finding) == (params(nn.Linear(128, 256), nn.Linear(256, 10)), params(nn.Linear(128, 10)),
                               params(nn.Linear(128, 10)) - params(nn.Linear(128, 256), nn.Linear(256, 10)))
    assert finding["severity"] == "warning" and "Linear(128, 10)" in finding["message"]


def test_nl103_1x1_pair_and_low_rank_note():
    conv, bottleneck = sorted(only("fixtures/rules/nl103/linear_collapse.py", "ProjectionNeck", "NL103"),
                              key=lambda f: f["line"])
    assert counts(conv)[:2] == (params(nn.Conv2d(128, 64, 1), nn.Conv2d(64, 32, 1)), params(nn.Conv2d(128, 32, 1)))
    assert conv["severity"] == "warning"
    # F.linear(F.linear(x, W16x128), W128x16): 4,096 weights against 16,384 merged
    merged = params(nn.Linear(128, 128, bias=False))
    assert counts(bottleneck) == (16 * 128 * 2, merged, merged - 16 * 128 * 2)
    assert bottleneck["severity"] == "note" and "low-rank bottleneck" in bottleneck["message"]


def test_nl103_quiet_when_something_separates_the_maps():
    assert only("fixtures/rules/nl103/linear_collapse.py", "SeparatedMaps", "NL103") == []


# NL105 dense-head-dominates

def test_nl105_gap_suggestion_with_delta():
    finding, = only("fixtures/rules/nl105/dense_head.py", "TinyVGG", "NL105")
    before, after = params(nn.Linear(64 * 8 * 8, 512)), params(nn.Linear(64, 512))
    assert counts(finding) == (before, after, after - before)
    assert finding["severity"] == "note" and "64×8×8" in finding["message"]
    assert "AdaptiveAvgPool2d(1)" in finding["fix"] and "Linear(64, 512)" in finding["fix"]
    total = report_of("fixtures/rules/nl105/dense_head.py", "TinyVGG")["params"]
    assert f"{before:,} of the model's {total:,} parameters ({100 * before / total:.0f}%)" in finding["message"]


def test_nl105_quiet_with_global_pooling_or_a_small_head():
    for target in ("TinyVGGGap", "WideFeaturesSmallHead"):
        assert only("fixtures/rules/nl105/dense_head.py", target, "NL105") == []


# NL203 dropout-before-batchnorm

def test_nl203_direct_functional_and_wide_resnet():
    block, = only("fixtures/rules/nl203/dropout_before_batchnorm.py", "DropoutConvNet", "NL203")
    assert block["message"].startswith("3 Dropout2d layers made by this line (p=0.1, 0.2, 0.3)")
    functional, = only("fixtures/rules/nl203/dropout_before_batchnorm.py", "TabularNet", "NL203")
    assert "BatchNorm1d bn1" in functional["message"] and functional["params_delta"] is None
    assert only("fixtures/rules/nl203/dropout_before_batchnorm.py", "WideResNetTiny", "NL203") == []


# NL301 transposed-conv-checkerboard

def test_nl301_cyclegan_is_a_warning_and_resize_conv_costs_the_same():
    finding, = only("fixtures/rules/nl102/cyclegan_resnet_generator.py", "ResnetGenerator", "NL301")
    transposed = params(nn.ConvTranspose2d(128, 64, 3), nn.ConvTranspose2d(64, 32, 3))
    resize_conv = params(nn.Conv2d(128, 64, 3), nn.Conv2d(64, 32, 3))
    assert counts(finding) == (transposed, resize_conv, 0)
    assert finding["severity"] == "warning"
    assert 'nn.Upsample(scale_factor=2, mode="nearest")' in finding["fix"] and "kernel_size=4" in finding["fix"]


def test_nl301_note_outside_image_to_image_and_quiet_for_kernel_4():
    segmentation, = only("fixtures/rules/nl301/transposed_conv.py", "FCNTransposedDecoder", "NL301")
    assert segmentation["severity"] == "note"
    functional, = only("fixtures/rules/nl301/transposed_conv.py", "FunctionalUpsampler", "NL301")
    assert functional["severity"] == "warning" and counts(functional)[2] == 0
    assert only("fixtures/rules/nl301/transposed_conv.py", "DCGANGenerator", "NL301") == []


# NL302 redundant-activation

def test_nl302_reports_the_activation_to_remove():
    layers = {f["layer"]: f["message"]
              for f in only("fixtures/rules/nl302/redundant_activation.py", "DoubleReLUNet", "NL302")}
    assert set(layers) == {"se.clamp", "relu", "relu_2"}
    assert "Hardsigmoid se.gate, which is already within [0, 6]" in layers["se.clamp"]
    leaky, gelu = sorted(only("fixtures/rules/nl302/redundant_activation.py", "LeakyThenReLU", "NL302"),
                         key=lambda f: f["line"])
    assert leaky["layer"] == "act1" and "together they are one ReLU" in leaky["message"]
    assert gelu["layer"] == "relu_1" and "(≥ −0.17)" in gelu["message"]
    assert only("fixtures/rules/nl302/redundant_activation.py", "ResidualReLU", "NL302") == []


# NL303 probabilities-as-output

def test_nl303_classifiers_noted_image_models_quiet():
    path = "fixtures/rules/nl303/probabilities_as_output.py"
    noted = {f["target"].split("::")[1]: f for f in findings(path) if f["code"] == "NL303"}
    assert set(noted) == {"SoftmaxClassifier", "LogSoftmaxClassifier", "MultiLabelTagger"}
    assert {f["severity"] for f in noted.values()} == {"note"}
    assert "BCEWithLogitsLoss" in noted["MultiLabelTagger"]["fix"]


# NL304 feature-map-collapse

def test_nl304_names_the_collapse_and_the_1x1_equivalent():
    finding, = only("fixtures/rules/nl304/feature_map_collapse.py", "DeepUNet", "NL304")
    assert "downs.7.pool (output 1×32×1×1)" in finding["message"]
    wasted = params(nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.Conv2d(32, 32, 3, padding=1, bias=False))
    one_by_one = params(nn.Conv2d(32, 32, 1, bias=False), nn.Conv2d(32, 32, 1, bias=False))
    assert counts(finding) == (wasted, one_by_one, one_by_one - wasted)
    assert "only 2 of their 18 kernel taps" in finding["message"]
    assert only("fixtures/rules/nl304/feature_map_collapse.py", "GlobalPoolHead", "NL304") == []


def test_nl304_imagenet_resnet_on_cifar_sized_input_is_one_finding():
    finding, = only("torchvision.models:resnet18", "", "NL304", "--input-shape", "1,3,32,32")
    assert finding["layer"] == "layer4.0.conv1"  # the strided shortcut collapses too: reported once
    assert counts(finding)[:2] == (3 * params(nn.Conv2d(512, 512, 3, bias=False)),
                                   3 * params(nn.Conv2d(512, 512, 1, bias=False)))
    assert "Conv2d(512, 512, kernel_size=1, bias=False)" in finding["fix"]


def test_nl304_quiet_for_a_unet_bottleneck_the_decoder_upsamples():
    for path in ("fixtures/rules/nl201/pix2pix_unet_batchnorm.py", "fixtures/rules/nl201/pix2pix_unet_instancenorm.py"):
        assert [f for f in findings(path) if f["code"] == "NL304"] == [], path


# NL401 tensor-core-alignment (off by default)

def test_nl401_only_when_selected_and_not_for_input_or_classes():
    path = "fixtures/rules/nl401/tensor_core_alignment.py"
    assert [f for f in findings(path) if f["code"] == "NL401"] == []
    selected = [f for f in findings(path, "--extend-select", "NL401") if f["code"] == "NL401"]
    assert {f["line"] for f in selected} == marked_lines("rules/nl401/tensor_core_alignment.py", "# selected: NL401")
    assert {f["severity"] for f in selected} == {"note"}
    by_layer = {f["layer"]: f for f in selected}
    assert counts(by_layer["head.0"])[:2] == (params(nn.Linear(64, 100)), params(nn.Linear(64, 104)))
    assert counts(by_layer["features.3"])[:2] == (params(nn.Conv2d(32, 36, 3, bias=False)),
                                                  params(nn.Conv2d(32, 40, 3, bias=False)))
    assert "head.2" in by_layer and "out_features" not in by_layer["head.2"]["message"]  # 10 classes


# NL402 even-kernel

def test_nl402_stride_1_even_kernels_and_their_odd_replacement():
    denoiser, = only("fixtures/rules/nl402/even_kernel.py", "EvenKernelDenoiser", "NL402")
    assert counts(denoiser)[:2] == (4 * params(nn.Conv2d(32, 32, 2)), 4 * params(nn.Conv2d(32, 32, 3, padding=1)))
    assert 'padding="same"' in denoiser["message"]
    patch = sorted(only("fixtures/rules/nl402/even_kernel.py", "NLayerDiscriminator", "NL402"), key=lambda f: f["line"])
    assert [f["layer"] for f in patch] == ["model.8", "model.11"]  # the kernel-4 stride-2 layers are aligned
    assert counts(patch[0])[:2] == (params(nn.Conv2d(128, 256, 4, bias=False)), params(nn.Conv2d(128, 256, 5, bias=False)))
    assert only("fixtures/rules/nl402/even_kernel.py", "PatchifyClassifier", "NL402") == []
    assert [f for f in findings("fixtures/rules/nl301/transposed_conv.py") if f["code"] == "NL402"] == []  # DCGAN


def report_of(path: str, target: str) -> dict:
    report, _ = linted_path(path)
    return next(m for m in report["models"] if m["target"].endswith("::" + target))


def marked_line(fixture: str, text: str) -> int:
    lines = (FIXTURES / fixture).read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line and "# expect:" in line)


def marked_lines(fixture: str, mark: str) -> set[int]:
    lines = (FIXTURES / fixture).read_text().splitlines()
    return {n for n, line in enumerate(lines, 1) if line.rstrip().endswith(mark)}



# torchvision reference models (bench/rules_torchvision.py runs all 80 classifiers)

def test_torchvision_reference_models_as_bench_results_describes():
    models = ("resnet50", "vgg16", "mobilenet_v2", "efficientnet_b0")
    report, proc = netlint_json(*(f"torchvision.models:{m}" for m in models))
    assert not report["errors"], proc.stderr
    assert len(report["models"]) == 4
    finding, = report["findings"]
    assert (finding["target"], finding["code"], finding["layer"]) == ("torchvision.models:vgg16", "NL105", "classifier.0")
    before, after = params(nn.Linear(512 * 7 * 7, 4096)), params(nn.Linear(512, 4096))
    assert counts(finding) == (before, after, after - before) == (102_764_544, 2_101_248, -100_663_296)
