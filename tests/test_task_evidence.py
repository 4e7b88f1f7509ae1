"""What a model is for, from more than its output's shape, and the seed rules on it: dense
prediction (a 1–2 channel map at a colour input's size) versus image-to-image, forwards that
return their own losses, ImageNet checkpoint files as NL202 evidence, inputs cut along the
channels, frozen loss networks (NL104), and findings on a guessed layer class. Through the
real CLI; the findings of each fixture are its marked lines (tests/test_fixtures.py)."""

from __future__ import annotations

import pytest

from conftest import fixture_file_report, fixture_models, netlint_json, part_of, run_netlint


@pytest.mark.parametrize("name, task", [
    ("U_Net", "segmentation"), ("SaliencyNet", "segmentation"), ("FlowHead", "segmentation"),
    ("SoftmaxSegNet", "segmentation"), ("GrayDenoiser", "image-to-image"), ("EdgeGenerator", "image-to-image"),
    ("GuidedDepthUpsampler", "image-to-image"),
])
def test_a_small_map_at_the_size_of_a_colour_input_is_a_dense_prediction_unless_named_a_generator(name, task):
    assert fixture_models("task/task_dense_prediction.py")[name]["task"] == task


def test_the_task_reason_says_which_evidence_decided():
    models = fixture_models("task/task_dense_prediction.py")
    assert "1 channel from the input's 3: a per-pixel map" in models["U_Net"]["task_reason"]
    assert "EdgeGenerator is named as an image generator" in models["EdgeGenerator"]["task_reason"]
    assert "a final Softmax over 3 classes" in models["SoftmaxSegNet"]["task_reason"]


def test_a_forward_that_returns_its_losses_is_judged_by_its_decoder():
    models = fixture_models("task/task_loss_in_forward.py")
    adain = models["AdaINNet"]
    assert adain["task"] == "image-to-image"
    assert adain["task_reason"].startswith("the forward returns 2 scalars, not an image")
    assert "decoder makes an image of the input's 3 channels at the input's size" in adain["task_reason"]
    assert models["TorchvisionAdaIN"]["task"] == "image-to-image"
    assert models["ClassifierWithLoss"]["task"] != "image-to-image"


def test_nl202_on_style_transfer_whose_encoder_is_an_imagenet_vgg():
    report, proc = fixture_file_report("fixtures/task/task_loss_in_forward.py")
    assert report["errors"] == [], proc.stderr
    nl202 = {f["target"].split("::")[1]: f for f in report["findings"] if f["code"] == "NL202"}
    assert set(nl202) == {"AdaINNet", "TorchvisionAdaIN"}
    message = nl202["AdaINNet"]["message"]
    assert "with pretrained weights models/vgg_normalised.pth reused as enc_1, enc_2, enc_3" in message
    assert nl202["AdaINNet"]["severity"] == "warning"


def test_an_imagenet_checkpoint_file_copied_into_an_encoder_is_nl202_evidence():
    report, proc = fixture_file_report("fixtures/rules/nl202/nl202_checkpoint_files.py")
    assert report["errors"] == [], proc.stderr
    finding, = [f for f in report["findings"] if f["code"] == "NL202"]
    assert finding["target"].endswith("::DehazeUNet") and finding["layer"] == "encoder"
    assert "ResNetFeatures with pretrained weights ./weights/res2net50_v1b_26w_4s-3cf99910.pth" in finding["message"]
    requested = {m["target"].split("::")[1]: m["weights_requested"] for m in report["models"]}
    assert requested["DehazeUNet"] == [{"module": "encoder",
                                        "weights": "./weights/res2net50_v1b_26w_4s-3cf99910.pth"}]


CHECKPOINTS = [
    ("resnet50-19c8e357.pth", True), ("pretrained/densenet121-a639ec97.pth", True),
    ("mobilenet_v2.pth.tar", True), ("vgg_normalised.pth", True), ("tf_efficientnet_b0_aa-827b6e33.pth", True),
    ("checkpoints/resnet_generator_epoch10.pth", False), ("weights/G_vgg_latest.pth", False),
]

RESTORER = """
import torch
from torch import nn

class Restorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1))
        self.encoder.load_state_dict(torch.load({checkpoint!r}))
        self.tail = nn.Conv2d(16, 3, 3, padding=1)

    def forward(self, x):
        return x + self.tail(self.encoder(x))
"""


@pytest.fixture(scope="module")
def checkpoint_models(tmp_path_factory):
    """A model file for each checkpoint name, all linted in one run (each file's part of the
    report is what linting it alone reports)."""
    folder = tmp_path_factory.mktemp("checkpoints")
    files = [f"model_{number}.py" for number in range(len(CHECKPOINTS))]
    for file, (checkpoint, _) in zip(files, CHECKPOINTS):
        (folder / file).write_text(RESTORER.format(checkpoint=checkpoint))
    return netlint_json(*files, "-j", "2", cwd=folder)


@pytest.mark.parametrize("number, checkpoint, reported", [(n, *case) for n, case in enumerate(CHECKPOINTS)])
def test_checkpoint_names_of_the_model_zoos_are_imagenet_evidence_a_projects_own_are_not(
        number, checkpoint, reported, checkpoint_models):
    report, proc = checkpoint_models
    report = part_of(report, f"model_{number}.py")
    assert report["errors"] == [], proc.stderr
    assert report["models"][0]["weights_requested"] == [{"module": "encoder", "weights": checkpoint}]
    assert any(f["code"] == "NL202" for f in report["findings"]) == reported


def test_an_input_cut_along_the_channels_gets_the_channels_of_its_parts():
    models = fixture_models("inputs/input_stereo_pair.py")
    chunked = "chunked into 2 by the forward"  # the count read from the code; a slice is found by trying
    for name, why in (("StereoChunkSR", chunked), ("StereoLoopSR", chunked), ("StereoSliceSR", "reads a part of it")):
        assert models[name]["input_shape"] == [[1, 6, 256, 256]], name
        assert why in models[name]["input_reason"], name
        assert models[name]["task"] == "image-to-image"


def test_a_layer_given_the_wrong_channels_by_the_layers_before_it_says_so(write_model, tmp_path):
    write_model("""
        from torch import nn

        class PyramidSegmenter(nn.Module):
            def __init__(self, n_classes=5, psp_size=2048):
                super().__init__()
                self.backbone = nn.Sequential(nn.Conv2d(3, 512, 3, stride=8, padding=1), nn.ReLU())
                self.psp = nn.Conv2d(psp_size, 256, 1)
                self.head = nn.Sequential(nn.Upsample(scale_factor=8), nn.Conv2d(256, n_classes, 1))

            def forward(self, x):
                return self.head(self.psp(self.backbone(x)))
    """)
    proc = run_netlint("model.py", cwd=tmp_path)
    assert proc.returncode == 2
    error, = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert ("psp Conv2d takes 2048 channels and was given 1×512×32×32, 512 channels, from the layers before it: "
            "the constructor's arguments disagree with each other, not with the input") in error
    assert "--input-shape" not in error and "Traceback" not in proc.stderr


def test_a_frozen_loss_network_is_no_unused_parameter_a_trainable_one_is_with_advice():
    report, proc = fixture_file_report("fixtures/rules/nl104/nl104_frozen_loss_network.py")
    unused = {f["target"].split("::")[1]: f for f in report["findings"] if f["code"] == "NL104"}
    assert set(unused) == {"SRWithTrainableLossNet"}
    assert "freeze it (loss_net.requires_grad_(False))" in unused["SRWithTrainableLossNet"]["fix"]


GUESSED = "(a class netlint guessed for a normalization-layer parameter: check the class the project passes)"


def test_every_finding_on_a_guessed_norm_layer_says_so_once(write_model, tmp_path):
    write_model("""
        from torch import nn

        class Translator(nn.Module):
            def __init__(self, norm_layer, width=32):
                super().__init__()
                self.body = nn.Sequential(
                    nn.Conv2d(3, width, 3, padding=1), norm_layer(width), nn.ReLU(),
                    nn.Conv2d(width, 3, 3, padding=1))

            def forward(self, x):
                return self.body(x)
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    by_code = {f["code"]: f["message"] for f in report["findings"]}
    assert {"NL102", "NL201"} <= set(by_code)
    for code in ("NL102", "NL201"):
        assert by_code[code].count(GUESSED) == 1, by_code[code]
