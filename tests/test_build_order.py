"""Root models are built the way their project builds them, in the documented order (README,
"Constructor arguments"): the arguments given; its file's zero-argument factories and its
classmethod constructors; the calls of the project's code (also with their non-constant
arguments left at their defaults); a subclass that takes its base's arguments through the
base's calls; a guess by the parameter's meaning. What the user or the code gave that does not
build is an error; what netlint made up that does not build is a skip."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import netlint_json, run_netlint
from test_bad_input import assert_one_line_error

MOBILENET = """
import torch.nn as nn


class MobileNetV3(nn.Module):
    def __init__(self, cfgs, mode, num_classes=1000, width_mult=1.0):
        super().__init__()
        assert mode in ("large", "small")
        layers = [nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.Hardswish()]
        cin = 16
        for k, c, use_hs, s in cfgs:
            cout = int(c * width_mult)
            layers += [nn.Conv2d(cin, cout, k, s, k // 2, bias=False), nn.BatchNorm2d(cout),
                       nn.Hardswish() if use_hs else nn.ReLU()]
            cin = cout
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(cin, num_classes)

    def forward(self, x):
        return self.classifier(self.pool(self.features(x)).flatten(1))


def mobilenetv3_large(**kwargs):
    cfgs = [
        [3, 24, 0, 2],
        [5, 40, 1, 2],
    ]
    return MobileNetV3(cfgs, mode="large", **kwargs)


def mobilenetv3_small(pretrained=False, **kwargs):
    cfgs = [[3, 16, 0, 2]]
    model = MobileNetV3(cfgs, mode="small", **kwargs)
    return model


def load_checkpoint(path):  # a function that returns something else: never called
    raise RuntimeError("not a factory")
"""

EFFICIENTNET = """
import torch.nn as nn

WIDTHS = {"b0": (32, 1280), "b1": (40, 1408)}


class EfficientNet(nn.Module):
    def __init__(self, stem, head, num_classes=1000):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, stem, 3, 2, 1, bias=False), nn.BatchNorm2d(stem), nn.SiLU())
        self.head = nn.Sequential(nn.Conv2d(stem, head, 1, bias=False), nn.BatchNorm2d(head), nn.SiLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(head, num_classes)

    def forward(self, x):
        return self.fc(self.pool(self.head(self.stem(x))).flatten(1))

    @classmethod
    def from_name(cls, model_name, **override):
        stem, head = WIDTHS[model_name]
        return cls(stem, head, **override)

    @classmethod
    def from_pretrained(cls, model_name, weights_path=None, num_classes=1000):
        model = cls.from_name(model_name, num_classes=num_classes)
        return model
"""

EFFICIENTNET_TEST = """
from efficientnet import EfficientNet


def test_b1():
    model = EfficientNet.from_name("b1")
    assert model
"""

BASE_AND_SUBCLASS = """
import torch.nn as nn


class BaseNet(nn.Module):
    def __init__(self, cfg, norm="batch"):
        super().__init__()
        cin = 3
        layers = []
        for width in cfg:
            layers += [nn.Conv2d(cin, width, 3, padding=1), nn.InstanceNorm2d(width), nn.ReLU()]
            cin = width
        self.body = nn.Sequential(*layers)
        self.out = nn.Conv2d(cin, 3, 3, padding=1)

    def forward(self, x):
        return self.out(self.body(x))


class TanhNet(BaseNet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.act = nn.Tanh()

    def forward(self, x):
        return self.act(super().forward(x))


class SigmoidNet(BaseNet):
    def forward(self, x):
        return super().forward(x).sigmoid()
"""

BASE_CALL = """
from nets import BaseNet

net = BaseNet([8, 16], norm="instance")
"""

PIX2PIX_LIKE = """
import torch.nn as nn


class ResnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, ngf=64, n_blocks=6, padding_type="reflect"):
        super().__init__()
        assert padding_type in ("reflect", "zero")
        layers = [nn.Conv2d(input_nc, ngf, 7, padding=3), nn.InstanceNorm2d(ngf), nn.ReLU()]
        for _ in range(n_blocks):
            layers += [nn.Conv2d(ngf, ngf, 3, padding=1), nn.InstanceNorm2d(ngf), nn.ReLU()]
        layers += [nn.Conv2d(ngf, output_nc, 7, padding=3), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)
"""

PIX2PIX_TRAIN = """
import argparse
from networks import ResnetGenerator


def main():
    opt = argparse.ArgumentParser().parse_args()
    net = ResnetGenerator(1, 2, opt.ngf, n_blocks=opt.n_blocks, padding_type="zero")
    other = ResnetGenerator(opt.input_nc, 3)  # input_nc has no default: not usable
"""


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip("\n"))
    return tmp_path


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(textwrap.dedent(text).lstrip("\n").splitlines(), 1) if needle in line)


def analyzed(report: dict) -> dict[str, dict]:
    return {m["target"].split("::")[1]: m for m in report["models"]}


def test_a_class_that_needs_a_config_list_is_built_by_its_files_zero_argument_factory(tmp_path):
    project(tmp_path, {"mobilenetv3.py": MOBILENET})
    report, proc = netlint_json("mobilenetv3.py", cwd=tmp_path)
    assert report["errors"] == [] and report["skipped"] == [], proc.stderr
    model = analyzed(report)["MobileNetV3"]
    assert model["call"] == "mobilenetv3_large()"
    assert model["arguments_from"] == f"mobilenetv3.py:{line_of(MOBILENET, 'def mobilenetv3_large')}"
    stem, blocks, head = 3 * 16 * 9 + 32, (16 * 24 * 9 + 48) + (24 * 40 * 25 + 80), 40 * 1000 + 1000
    assert model["params"] == stem + blocks + head
    assert "built as mobilenetv3_large() (arguments from mobilenetv3.py:" in run_netlint(
        "mobilenetv3.py", cwd=tmp_path).stdout


def test_the_second_factory_when_the_first_does_not_build_and_a_main_block_call_of_a_factory(tmp_path):
    broken = MOBILENET.replace('mode="large"', 'mode="huge"')
    project(tmp_path, {"mobilenetv3.py": broken})
    report, proc = netlint_json("mobilenetv3.py", "-v", cwd=tmp_path)
    model = analyzed(report)["MobileNetV3"]
    assert model["call"] == "mobilenetv3_small()" and report["errors"] == [], proc.stderr
    assert any("mobilenetv3_large() (arguments from mobilenetv3.py:" in note and "does not build" in note
               for note in model["notes"]), model["notes"]
    with_main = MOBILENET + '\nif __name__ == "__main__":\n    net = mobilenetv3_small(num_classes=7)\n' \
                            '    net(torch.randn(2, 3, 96, 96))\n'
    project(tmp_path, {"mobilenetv3.py": "import torch\n" + with_main})
    report, proc = netlint_json("mobilenetv3.py", cwd=tmp_path)
    model = analyzed(report)["MobileNetV3"]
    # the zero-argument factories come first, the calls of the code after them
    assert model["call"] == "mobilenetv3_large()", proc.stderr
    report, proc = netlint_json("mobilenetv3.py::MobileNetV3", cwd=tmp_path)  # named: the same sources
    assert report["models"][0]["call"] == "mobilenetv3_large()", proc.stderr


def test_classmethod_constructors_are_targets_and_their_calls_are_sources(tmp_path):
    project(tmp_path, {"efficientnet.py": EFFICIENTNET, "tests/test_model.py": EFFICIENTNET_TEST})
    report, proc = netlint_json("efficientnet.py", cwd=tmp_path)
    assert report["errors"] == [] and report["skipped"] == [], proc.stderr
    model = analyzed(report)["EfficientNet"]
    assert model["call"] == "EfficientNet.from_name('b1')"
    assert model["arguments_from"] == f"tests/test_model.py:{line_of(EFFICIENTNET_TEST, 'from_name(')}"
    assert model["params"] == 3 * 40 * 9 + 80 + 40 * 1408 + 2 * 1408 + 1408 * 1000 + 1000

    report, proc = netlint_json('efficientnet.py::EfficientNet.from_name("b0", num_classes=10)',
                                "efficientnet.py::EfficientNet.from_pretrained('b0')", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    params = {m["target"]: m["params"] for m in report["models"]}
    assert params == {
        "efficientnet.py::EfficientNet.from_name('b0', num_classes=10)":
            3 * 32 * 9 + 64 + 32 * 1280 + 2 * 1280 + 1280 * 10 + 10,
        "efficientnet.py::EfficientNet.from_pretrained('b0')": 3 * 32 * 9 + 64 + 32 * 1280 + 2 * 1280 + 1280 * 1000 + 1000,
    }
    proc = run_netlint("efficientnet.py::EfficientNet.from_size(1)", cwd=tmp_path)
    assert_one_line_error(proc, "'EfficientNet.from_size' is not defined in efficientnet.py")


def test_a_zero_argument_classmethod_constructor_builds_the_class(tmp_path):
    source = EFFICIENTNET.replace("    @classmethod\n    def from_pretrained",
                                  "    @classmethod\n    def small(cls):\n        return cls(8, 16, num_classes=2)\n\n"
                                  "    @classmethod\n    def from_pretrained")
    project(tmp_path, {"efficientnet.py": source})
    report, proc = netlint_json("efficientnet.py", cwd=tmp_path)
    model = analyzed(report)["EfficientNet"]
    assert (model["call"], model["params"]) == ("EfficientNet.small()", 3 * 8 * 9 + 16 + 8 * 16 + 32 + 16 * 2 + 2)


def test_a_subclass_takes_its_bases_arguments_and_the_same_missing_argument_is_the_same_skip(tmp_path):
    project(tmp_path, {"nets.py": BASE_AND_SUBCLASS})
    report, proc = netlint_json("nets.py", cwd=tmp_path)
    assert proc.returncode == 0 and report["errors"] == [] and report["models"] == [], proc.stderr
    reasons = {s["target"].split("::")[1]: s["reason"] for s in report["skipped"]}
    assert set(reasons) == {"BaseNet", "TanhNet", "SigmoidNet"}
    # a base network nobody builds is analyzed through its subclasses
    assert reasons.pop("BaseNet").startswith("a base class: TanhNet, SigmoidNet subclass it")
    assert all("needs arguments (cfg)" in r and "no convention covers 'cfg'" in r for r in reasons.values()), reasons

    project(tmp_path, {"train.py": BASE_CALL})
    report, proc = netlint_json("nets.py", cwd=tmp_path)
    assert report["errors"] == [] and report["skipped"] == [], proc.stderr
    models = analyzed(report)
    line = line_of(BASE_CALL, "BaseNet(")
    assert (models["BaseNet"]["call"], models["BaseNet"]["arguments_from"]) == (
        "BaseNet([8, 16], norm='instance')", f"train.py:{line}")
    for name in ("TanhNet", "SigmoidNet"):
        assert models[name]["call"] == f"{name}(cfg=[8, 16], norm='instance')"
        assert models[name]["arguments_from"] == f"train.py:{line}, a call of its base BaseNet"
        assert models[name]["params"] == models["BaseNet"]["params"]


def test_a_subclass_whose_base_arguments_do_not_build_it_is_skipped(tmp_path):
    fussy = BASE_AND_SUBCLASS.replace("        self.act = nn.Tanh()",
                                      "        assert len(self.body) > 6, 'needs three blocks'\n        self.act = nn.Tanh()")
    project(tmp_path, {"nets.py": fussy, "train.py": BASE_CALL})
    report, proc = netlint_json("nets.py", cwd=tmp_path)
    assert report["errors"] == [] and proc.returncode in (0, 1), proc.stderr
    skipped, = report["skipped"]
    assert skipped["target"] == "nets.py::TanhNet"
    assert "TanhNet(cfg=[8, 16], norm='instance') (arguments from train.py:" in skipped["reason"]
    assert "needs three blocks" in skipped["reason"]


def test_a_call_with_non_constant_arguments_builds_with_those_at_their_defaults(tmp_path):
    project(tmp_path, {"networks.py": PIX2PIX_LIKE, "train.py": PIX2PIX_TRAIN})
    report, proc = netlint_json("networks.py", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    model, = report["models"]
    assert model["call"] == "ResnetGenerator(1, 2, padding_type='zero')"
    assert model["arguments_from"] == (f"train.py:{line_of(PIX2PIX_TRAIN, 'net = ')}, "
                                       "opt.ngf and opt.n_blocks left at their defaults")
    assert model["params"] == (1 * 64 * 49 + 64) + 6 * (64 * 64 * 9 + 64) + (64 * 2 * 49 + 2)


def test_a_call_of_the_code_that_does_not_build_is_an_error_unless_a_later_way_builds(tmp_path):
    # no convention covers padding_type, and the constructor names no value it accepts: nothing else to try
    unnamed = (PIX2PIX_LIKE.replace('input_nc, output_nc,', 'input_nc, output_nc, padding_type,')
               .replace(', padding_type="reflect"', "")
               .replace('assert padding_type in ("reflect", "zero")', "assert len(padding_type) > 4"))
    project(tmp_path, {"networks.py": unnamed,
                       "test_gen.py": "from networks import ResnetGenerator\nResnetGenerator(3, 3, padding_type='same')\n"})
    proc = run_netlint("networks.py", cwd=tmp_path)
    assert_one_line_error(proc, "networks.py", "building ResnetGenerator(3, 3, padding_type='same') "
                                               "(arguments from test_gen.py:2) failed: AssertionError")
    project(tmp_path, {"networks.py": PIX2PIX_LIKE})
    report, proc = netlint_json("networks.py", "-v", cwd=tmp_path)
    model, = report["models"]
    assert (model["call"], model["arguments_from"]) == ("ResnetGenerator(input_nc=3, output_nc=3)",
                                                        "guessed from parameter names"), proc.stderr
    assert any(note.startswith("ResnetGenerator(3, 3, padding_type='same') (arguments from test_gen.py:2) "
                               "does not build") for note in model["notes"]), model["notes"]


def test_a_kernel_size_is_guessed_as_a_kernel_not_an_image_side(tmp_path):
    project(tmp_path, {"blur.py": """
        import torch.nn as nn


        class Blur(nn.Module):
            def __init__(self, channels, kernel_size, stride, vocab_size, img_size):
                super().__init__()
                assert img_size > kernel_size
                self.conv = nn.Conv2d(channels, channels, kernel_size, stride, kernel_size // 2, groups=channels)
                self.words = nn.Embedding(vocab_size, 4)

            def forward(self, x):
                return self.conv(x)
    """})
    report, proc = netlint_json("blur.py", cwd=tmp_path)
    model, = report["models"]
    assert model["call"] == "Blur(channels=3, kernel_size=3, stride=1, vocab_size=1000, img_size=64)", proc.stderr


def test_defaults_that_do_not_build_then_the_calls_of_other_files_through_a_package_reexport(tmp_path):
    """EfficientNet(blocks_args=None, ...) only builds through its classmethods; another file
    imports it from the package's __init__.py and calls one with constants."""
    source = EFFICIENTNET.replace("def __init__(self, stem, head, num_classes=1000):",
                                  "def __init__(self, stem=None, head=None, num_classes=1000):\n"
                                  "        assert stem is not None, 'use EfficientNet.from_name'")
    project(tmp_path, {"effnet/model.py": source.replace("stem, head = WIDTHS[model_name]",
                                                        "stem, head = lookup(model_name)"),
                       "effnet/__init__.py": "from .model import EfficientNet\n"})
    proc = run_netlint("effnet/model.py", cwd=tmp_path)
    assert_one_line_error(proc, "building EfficientNet failed: AssertionError: use EfficientNet.from_name",
                          "or build it with a classmethod: 'effnet/model.py::EfficientNet.from_name(model_name)' "
                          "or 'effnet/model.py::EfficientNet.from_pretrained(model_name)'")
    project(tmp_path, {"effnet/model.py": source})  # model_name indexes WIDTHS: its keys are guessed
    report, proc = netlint_json("effnet/model.py", cwd=tmp_path)
    model = analyzed(report)["EfficientNet"]
    assert model["call"] == "EfficientNet.from_name(model_name='b0')", proc.stderr
    assert model["arguments_from"].startswith("the keys of WIDTHS (effnet/model.py:"), model["arguments_from"]
    project(tmp_path, {"hubconf.py": "import effnet\n\ndef b1():\n    return effnet.EfficientNet.from_name('b1')\n"})
    report, proc = netlint_json("effnet/model.py", cwd=tmp_path)
    model = analyzed(report)["EfficientNet"]
    assert (model["call"], model["arguments_from"]) == ("EfficientNet.from_name('b1')", "hubconf.py:4"), proc.stderr


def test_a_guess_whose_forward_fails_is_a_skip_too(tmp_path):
    project(tmp_path, {"blocks.py": """
        import torch.nn as nn


        class Bottleneck(nn.Module):
            expansion = 4

            def __init__(self, in_channels, width):
                super().__init__()
                self.conv1 = nn.Conv2d(in_channels, width, 1, bias=False)
                self.conv2 = nn.Conv2d(width, width * self.expansion, 3, padding=1, bias=False)

            def forward(self, x):
                return x + self.conv2(self.conv1(x))  # in_channels must be width * 4
    """})
    report, proc = netlint_json("blocks.py", cwd=tmp_path)
    assert proc.returncode == 0 and report["errors"] == [] and report["models"] == [], proc.stderr
    skipped, = report["skipped"]
    assert skipped["reason"].startswith("its constructor needs arguments; with Bottleneck(in_channels=3, width=64) "
                                        "(guessed from parameter names) its forward failed")
    assert skipped["reason"].endswith("— give them as 'blocks.py::Bottleneck(...)'")
