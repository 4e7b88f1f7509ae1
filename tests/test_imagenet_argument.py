"""``pretrained='imagenet'`` / ``pretrained=True`` passed to a call that built a classifier is
the code's request for ImageNet weights, even when the function loads nothing (a zoo's
factory copied into the project with its loading cut out): NL202 warns on that call. The
same with ``pretrained=False`` is no warning; a request that really loaded weights is not
counted twice. Through the real CLI."""

from __future__ import annotations

from conftest import netlint_json

FIXTURE = "fixtures/rules/nl202/nl202_imagenet_argument.py"


def nl202(report: dict, target_end: str) -> list[dict]:
    return [f for f in report["findings"] if f["code"] == "NL202" and f["target"].endswith(target_end)]


def test_an_ignored_imagenet_argument_of_the_projects_factory_is_evidence_on_the_call_line():
    report, proc = netlint_json(FIXTURE)
    assert report["errors"] == [], proc.stderr
    finding, = nl202(report, "::SENetDeblur")
    assert (finding["line"], finding["severity"]) == (59, "warning")
    assert "TinySENet with pretrained weights pretrained='imagenet' reused as enc0, enc1, enc2" in finding["message"]
    assert nl202(report, "::ScratchSENetDeblur") == []
    models = {m["target"].rpartition("::")[2]: m for m in report["models"]}
    assert models["SENetDeblur"]["weights_requested"] == [{"module": "encoder", "weights": "pretrained='imagenet'"}]
    assert models["ScratchSENetDeblur"]["weights_requested"] == []


def test_pretrained_true_counts_through_a_1000_class_head_and_a_real_request_is_not_doubled(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn
        from torchvision import models


        class Classifier(nn.Module):
            def __init__(self, num_classes=1000):
                super().__init__()
                self.body = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.ReLU())
                self.pool = nn.AdaptiveAvgPool2d(1)
                self.fc = nn.Linear(16, num_classes)

            def forward(self, x):
                return self.fc(torch.flatten(self.pool(self.body(x)), 1))


        def classifier(pretrained=False, **kwargs):
            return Classifier(**kwargs)


        def build_backbone(name, pretrained):
            return classifier(pretrained=pretrained)


        class Restorer(nn.Module):
            def __init__(self, pretrained=True):
                super().__init__()
                self.body = build_backbone("tiny", pretrained).body
                self.resnet = models.resnet18(pretrained=pretrained)
                self.stem = nn.Sequential(self.resnet.conv1, self.resnet.bn1)
                self.out = nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(16 + 64, 3, 3, padding=1))

            def forward(self, x):
                return self.out(torch.cat([self.body(x), self.stem(x)], 1))
    """)
    report, proc = netlint_json("model.py::Restorer()", "model.py::Restorer(pretrained=False)", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    pretrained, scratch = report["models"]
    assert sorted(r["weights"] for r in pretrained["weights_requested"]) == \
        ["ResNet18_Weights.IMAGENET1K_V1", "pretrained=True"]
    assert scratch["weights_requested"] == []
    warnings = {f["line"]: f for f in nl202(report, "::Restorer()") if f["severity"] == "warning"}
    assert set(warnings) == {29, 30}  # the user's call of the project's factory, not the factory's inner call
    assert "Classifier with pretrained weights pretrained=True reused as body" in warnings[29]["message"]
    assert not [f for f in nl202(report, "::Restorer(pretrained=False)") if f["severity"] == "warning"]
