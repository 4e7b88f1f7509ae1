"""A parameter that takes a layer class (``norm_layer``, ``act``) is guessed as torch's
class torchvision uses by default (nn.BatchNorm2d, nn.ReLU), shown by its dotted name; a
parameter that names a type as a string or is a flag (``norm_type``, ``norm: str``,
``bn: bool``) gets no class; a
finding on a layer whose class is netlint's guess says so. Through the real CLI."""

from __future__ import annotations

from conftest import netlint_json

FPN = """
    import torch
    from torch import nn


    class FPNDeblur(nn.Module):
        def __init__(self, norm_layer, act, output_ch=3, num_filters=64):
            super().__init__()
            self.head = nn.Sequential(nn.Conv2d(3, num_filters, 3, padding=1), norm_layer(num_filters), act())
            self.tail = nn.Conv2d(num_filters, output_ch, 3, padding=1)

        def forward(self, x):
            return torch.tanh(self.tail(self.head(x))) + x


    class StringNorm(nn.Module):
        def __init__(self, norm_type, width=8):
            super().__init__()
            self.body = nn.Conv2d(3, width, 3, padding=1)

        def forward(self, x):
            return self.body(x)


    class AnnotatedNorm(StringNorm):
        def __init__(self, norm: str):
            super().__init__("instance")


    class FlagNorm(StringNorm):
        def __init__(self, bn: bool):
            super().__init__("batch" if bn else "none")
"""


def test_layer_class_parameters_are_guessed_shown_by_name_and_findings_on_them_say_so(write_model, tmp_path):
    write_model(FPN)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    model, = report["models"]
    assert model["call"] == "FPNDeblur(norm_layer=nn.BatchNorm2d, act=nn.ReLU)"
    assert model["arguments_from"] == "guessed from parameter names"
    batchnorm, = [f for f in report["findings"] if f["code"] == "NL201"]
    assert batchnorm["layer"] == "head.1"
    assert "a class netlint guessed for a normalization-layer parameter" in batchnorm["message"]
    skipped = {s["target"]: s["reason"] for s in report["skipped"]}
    assert "no convention covers 'norm_type'" in skipped["model.py::StringNorm"]
    assert "no convention covers 'norm'" in skipped["model.py::AnnotatedNorm"]
    assert "no convention covers 'bn'" in skipped["model.py::FlagNorm"]


def test_a_batchnorm_the_code_itself_passes_is_reported_without_the_guess_note(write_model, tmp_path):
    write_model(FPN + """

    def build():
        return FPNDeblur(nn.BatchNorm2d, nn.ReLU)
    """)
    report, proc = netlint_json("model.py::FPNDeblur", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    assert report["models"][0]["arguments_from"] == "model.py:36"
    batchnorm, = [f for f in report["findings"] if f["code"] == "NL201"]
    assert "guessed" not in batchnorm["message"]
