"""NL202 on the forms real image-to-image code takes: a classifier kept whole, sliced, or
used through ``.features`` / ``layerN`` / ``features_only``, from torchvision, timm,
segmentation_models_pytorch, a third-party zoo or the project itself; the evidence is an
ImageNet weights request. Where each fires is marked in the fixtures (tests/test_fixtures.py);
here: what the findings say. Through the real CLI."""

from __future__ import annotations

import pytest

from conftest import netlint_json, part_of


@pytest.fixture
def findings(fixture_files_report):
    """The findings of one code that linting a fixture file reports (conftest.fixture_files_report)."""
    report, proc = fixture_files_report

    def of(path: str, code: str = "NL202") -> list[dict]:
        part = part_of(report, path)
        assert part["errors"] == [] and part["models"], proc.stderr
        return [f for f in part["findings"] if f["code"] == code]

    return of


def test_a_sliced_densenet_is_found_through_its_slices_on_the_line_that_built_it(findings):
    finding, = findings("fixtures/rules/nl202/nl202_densenet_features_sliced.py")
    assert (finding["line"], finding["severity"]) == (16, "warning")
    assert "DenseNet built by torchvision.models.densenet.densenet121()" in finding["message"]
    assert "DenseNet121_Weights.IMAGENET1K_V1" in finding["message"]
    assert "enc0, enc1, enc2, enc3" in finding["message"]
    batchnorm, = findings("fixtures/rules/nl202/nl202_densenet_features_sliced.py", "NL201")
    assert batchnorm["line"] == 16  # not the line of the slice (enc0 = nn.Sequential(...))


def test_the_projects_own_classifier_through_features_with_weights_from_a_missing_file(findings):
    whole, sliced = findings("fixtures/rules/nl202/nl202_project_mobilenet_features.py")
    assert whole["target"].endswith("::MobileDeblur") and whole["severity"] == "warning"
    assert "MobileNetV2 with pretrained weights pretrained/mobilenetv2.pth.tar reused as encoder" in whole["message"]
    assert sliced["target"].endswith("::MobilePyramidDeblur") and sliced["severity"] == "warning"
    assert "reused as enc0, enc1, enc2, enc3 in" in sliced["message"]


def test_an_smp_unet_used_for_restoration_reports_its_encoder_not_its_decoder(findings):
    finding, = findings("fixtures/rules/nl202/nl202_smp_unet_restoration.py")
    assert finding["severity"] == "warning" and finding["layer"] == "unet.encoder"
    assert "ResNetEncoder" in finding["message"]
    assert "smp-hub/resnet34.imagenet/model.safetensors" in finding["message"]
    assert "(106 layers, 21,284,672 parameters)" in finding["message"]  # ResNet-34 without its head


def test_timm_features_only_keeps_the_evidence_of_its_imagenet_weights(findings):
    finding, = findings("fixtures/rules/nl202/nl202_timm_features_only.py")
    assert finding["severity"] == "warning" and finding["layer"] == "encoder"
    assert "timm/resnet18.a1_in1k" in finding["message"]


def test_a_third_party_zoo_with_and_without_imagenet_weights(write_model, tmp_path):
    write_model("""
        from torch import nn
        from efficientnet_pytorch import EfficientNet

        class Dehaze(nn.Module):
            def __init__(self, pretrained=True):
                super().__init__()
                if pretrained:
                    self.backbone = EfficientNet.from_pretrained("efficientnet-b0")
                else:
                    self.backbone = EfficientNet.from_name("efficientnet-b0")
                self.head = nn.Sequential(nn.Upsample(scale_factor=32), nn.Conv2d(1280, 3, 3, padding=1))

            def forward(self, x):
                return x + self.head(self.backbone.extract_features(x))
    """)
    report, proc = netlint_json("model.py::Dehaze()", "model.py::Dehaze(pretrained=False)", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    nl202 = {f["target"]: f for f in report["findings"] if f["code"] == "NL202"}
    with_weights, without = nl202["model.py::Dehaze()"], nl202["model.py::Dehaze(pretrained=False)"]
    assert (with_weights["line"], with_weights["severity"]) == (9, "warning")
    assert "EfficientNet built by efficientnet_pytorch.model.EfficientNet.from_pretrained()" in with_weights["message"]
    assert "efficientnet-b0-355c32eb.pth" in with_weights["message"]
    assert (without["line"], without["severity"]) == (11, "note")


def test_the_task_comes_from_a_class_count_the_code_passes_not_from_a_default():
    """RestoreNet(in_channels=3, num_classes=3): an RGB output at the input size."""
    report, proc = netlint_json("fixtures/rules/nl202/nl202_default_class_count.py::RestoreNet",
                                "fixtures/rules/nl202/nl202_default_class_count.py::RestoreNet(num_classes=3)")
    assert report["errors"] == [], proc.stderr
    default, passed = report["models"]
    assert default["task"] == "image-to-image"
    assert passed["task"] == "segmentation" and "given to the constructor" in passed["task_reason"]
    assert {f["target"] for f in report["findings"]} == {default["target"]}


def test_loss_networks_discriminators_and_classifiers_stay_quiet(fixture_files_report):
    report, proc = fixture_files_report
    report = part_of(report, "fixtures/rules/nl202/nl202_quiet_forms.py")
    assert report["errors"] == [], proc.stderr
    assert len(report["models"]) == 3
    assert all(m["weights_requested"] for m in report["models"])  # each asked for ImageNet weights
    assert [f for f in report["findings"] if f["code"] == "NL202"] == []


def test_weights_that_are_not_imagenet_leave_a_projects_conv_stack_alone(write_model, tmp_path):
    """A project network that ends in a Linear layer without visible pooling is a classifier
    only when ImageNet weights were loaded into it."""
    source = """
        import torch
        from torch import nn

        class Encoder(nn.Module):
            def __init__(self, outputs):
                super().__init__()
                self.features = nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1), nn.ReLU(),
                                              nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU())
                self.fc = nn.Linear(64, outputs)

            def forward(self, x):
                return self.fc(self.features(x).mean((2, 3)))

        class Colorize(nn.Module):
            def __init__(self, outputs=1000, weights="WEIGHTS"):
                super().__init__()
                encoder = Encoder(outputs)
                encoder.load_state_dict(torch.load(weights))
                self.features = encoder.features
                self.decoder = nn.Sequential(nn.Upsample(scale_factor=4), nn.Conv2d(64, 3, 3, padding=1))

            def forward(self, x):
                return self.decoder(self.features(x))
    """
    write_model(source)
    report, proc = netlint_json("model.py::Colorize(weights='ckpt/encoder_imagenet.pth')",
                                "model.py::Colorize(outputs=16, weights='ckpt/autoencoder_epoch9.pth')",
                                "model.py::Colorize(weights='ckpt/autoencoder_epoch9.pth')", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    nl202 = {f["target"].split("::")[1]: f["severity"] for f in report["findings"] if f["code"] == "NL202"}
    assert nl202 == {"Colorize(weights='ckpt/encoder_imagenet.pth')": "warning",  # named ImageNet
                     "Colorize(weights='ckpt/autoencoder_epoch9.pth')": "warning"}  # a 1000-class head
