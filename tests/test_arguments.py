"""Models whose constructor needs arguments are linted as the project builds them: with the
arguments given in the target, those the project's own code uses, or a guess from the
parameters' names, and the report says which."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import netlint_json, run_netlint

UNET = """
import torch
import torch.nn as nn


class DoubleConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

    def forward(self, x):
        return self.net(x)


class UNet(nn.Module):
    def __init__(self, n_channels, n_classes, norm=nn.BatchNorm2d):
        super().__init__()
        self.inc = DoubleConv(n_channels, 16)
        self.down = nn.MaxPool2d(2)
        self.mid = DoubleConv(16, 16)
        self.up = nn.Upsample(scale_factor=2)
        self.out = nn.Conv2d(16, n_classes, 1)

    def forward(self, x):
        return self.out(self.up(self.mid(self.down(self.inc(x)))))
"""

# a super-resolution net whose defaults do not build: its own __main__ block shows how
SWIN_LIKE = """
import torch
import torch.nn as nn


class SwinLike(nn.Module):
    def __init__(self, upscale=4, img_size=(48, 48), window_size=7, embed_dim=8):
        super().__init__()
        assert img_size[0] % window_size == 0, "img_size must be a multiple of window_size"
        self.window_size = window_size
        self.conv = nn.Conv2d(3, embed_dim, 3, padding=1)
        self.up = nn.Sequential(nn.Conv2d(embed_dim, 3 * upscale ** 2, 3, padding=1), nn.PixelShuffle(upscale))

    def forward(self, x):
        return self.up(self.conv(x))


if __name__ == "__main__":
    upscale = 2
    window_size = 8
    height = (1024 // upscale // window_size + 1) * window_size
    model = SwinLike(upscale=upscale, img_size=(height, 64), window_size=window_size).eval()
    x = torch.randn((1, 3, height, 64))
    print(model(x).shape)
"""

RRDB = """
import torch.nn as nn


class RRDBNet(nn.Module):
    def __init__(self, in_nc, out_nc, nf, nb, gc=32):
        super().__init__()
        self.first = nn.Conv2d(in_nc, nf, 3, 1, 1)
        self.body = nn.Sequential(*[nn.Conv2d(nf, nf, 3, 1, 1) for _ in range(nb)])
        self.last = nn.Conv2d(nf, out_nc, 3, 1, 1)

    def forward(self, x):
        return self.last(self.body(self.first(x)))
"""

RRDB_TEST_SCRIPT = """
import sys
import RRDBNet_arch as arch

model_path = sys.argv[1]
model = arch.RRDBNet(3, 3, 16, 2, gc=8)
"""

GAN_SCRIPT = """
import argparse
import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument("--latent_dim", type=int, default=12)
parser.add_argument("--channels", type=int, default=1)
opt = parser.parse_args()


class Generator(nn.Module):
    def __init__(self, latent_dim, channels):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(latent_dim, 8 * 8 * channels), nn.Tanh())

    def forward(self, z):
        return self.model(z)


generator = Generator(opt.latent_dim, opt.channels)
for epoch in range(200):
    pass  # the training loop: never run
"""


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def models_of(report: dict) -> dict[str, dict]:
    return {m["target"]: m for m in report["models"]}


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(textwrap.dedent(text).splitlines(), 1) if needle in line)


def unet_params(n_channels: int, n_classes: int) -> int:
    return (n_channels * 16 * 9 + 2 * 16) + (16 * 16 * 9 + 2 * 16) + 16 * n_classes + n_classes


def test_arguments_given_in_the_target_file_and_module(tmp_path, monkeypatch):
    project(tmp_path, {"unet/unet_model.py": UNET, "unet/__init__.py": ""})
    report, proc = netlint_json("unet/unet_model.py::UNet(n_channels=3, n_classes=2)",
                                "unet.unet_model:UNet(1,5, norm=nn.InstanceNorm2d)", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    models = models_of(report)
    assert set(models) == {"unet/unet_model.py::UNet(n_channels=3, n_classes=2)",
                           "unet.unet_model:UNet(1, 5, norm=nn.InstanceNorm2d)"}
    given = models["unet/unet_model.py::UNet(n_channels=3, n_classes=2)"]
    assert (given["call"], given["arguments_from"]) == ("UNet(n_channels=3, n_classes=2)", "given")
    assert given["params"] == unet_params(3, 2)
    assert models["unet.unet_model:UNet(1, 5, norm=nn.InstanceNorm2d)"]["params"] == unet_params(1, 5)


def test_binary_segmentation_is_not_image_to_image(tmp_path):
    """Two output channels at the input size: a class map, because the constructor says
    n_classes; NL201 (BatchNorm in image-to-image) must not fire on it."""
    project(tmp_path, {"unet.py": UNET})
    report, proc = netlint_json("unet.py::UNet(3, n_classes=2)", cwd=tmp_path)
    model, = report["models"]
    assert model["task"] == "segmentation", model["task_reason"]
    assert [f for f in report["findings"] if f["code"] == "NL201"] == []


def test_bad_arguments_are_one_clear_error(tmp_path):
    project(tmp_path, {"unet.py": UNET})
    proc = run_netlint("unet.py::UNet(3, make(2))", cwd=tmp_path)
    assert proc.returncode == 2
    assert "'make(2)' is neither a literal nor a dotted name" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_netlint("unet.py::UNet(3, 2, norm=nn.NoSuchNorm)", cwd=tmp_path)
    assert proc.returncode == 2 and "'nn.NoSuchNorm' is not defined in the model's module" in proc.stderr
    proc = run_netlint("unet.py::UNet(3, 2, 4, 5)", cwd=tmp_path)
    assert proc.returncode == 2 and "building UNet(3, 2, 4, 5) (arguments given) failed: TypeError" in proc.stderr


def test_arguments_and_input_from_the_files_own_main_block(tmp_path):
    project(tmp_path, {"swin.py": SWIN_LIKE})
    report, proc = netlint_json("swin.py", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    model, = report["models"]
    height = (1024 // 2 // 8 + 1) * 8
    assert model["call"] == f"SwinLike(upscale=2, img_size=({height}, 64), window_size=8)"
    line = line_of(SWIN_LIKE, "model = SwinLike(")
    assert model["arguments_from"] == f"swin.py:{line}"
    assert model["input_shape"] == [[1, 3, height, 64]]
    assert model["input_reason"] == f"the input swin.py:{line} passes to it"
    assert model["output_shape"] == [[1, 3, 2 * height, 128]]


def test_arguments_from_a_script_that_imports_the_model(tmp_path):
    project(tmp_path, {"RRDBNet_arch.py": RRDB, "test.py": RRDB_TEST_SCRIPT})
    report, proc = netlint_json("RRDBNet_arch.py", cwd=tmp_path)
    model, = report["models"]
    line = line_of(RRDB_TEST_SCRIPT, "arch.RRDBNet(")
    assert (model["call"], model["arguments_from"]) == ("RRDBNet(3, 3, 16, 2, gc=8)", f"test.py:{line}")
    assert model["params"] == (3 * 16 * 9 + 16) + 2 * (16 * 16 * 9 + 16) + (16 * 3 * 9 + 3)
    full = run_netlint("RRDBNet_arch.py", cwd=tmp_path)
    assert f"built as RRDBNet(3, 3, 16, 2, gc=8) (arguments from test.py:{line})" in full.stdout


def test_a_class_of_the_same_name_elsewhere_is_not_its_call(tmp_path):
    other = RRDB_TEST_SCRIPT.replace("import RRDBNet_arch as arch", "import other.RRDBNet_arch as arch")
    project(tmp_path, {"RRDBNet_arch.py": RRDB, "other/RRDBNet_arch.py": RRDB, "other/__init__.py": "",
                       "test.py": other})
    report, _ = netlint_json("RRDBNet_arch.py", cwd=tmp_path)
    assert report["models"][0]["arguments_from"] == "guessed from parameter names"


def test_arguments_of_the_instance_a_script_builds_after_argparse(tmp_path):
    project(tmp_path, {"gan.py": GAN_SCRIPT})
    report, proc = netlint_json("gan.py", "--timeout", "20", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    model, = report["models"]
    assert (model["call"], model["arguments_from"]) == (
        "Generator(12, 1)", f"gan.py:{line_of(GAN_SCRIPT, 'generator = ')}")
    assert model["params"] == 12 * 64 + 64


def test_guessed_arguments_are_reported_as_guessed(tmp_path):
    project(tmp_path, {"unet.py": UNET})
    report, proc = netlint_json("unet.py", cwd=tmp_path)
    model, = report["models"]
    assert (model["call"], model["arguments_from"]) == ("UNet(n_channels=3, n_classes=10)",
                                                        "guessed from parameter names")
    assert model["task"] == "segmentation"  # the guessed class count, not an image
    assert "built as UNet(n_channels=3, n_classes=10) (arguments guessed from parameter names)" in \
        run_netlint("unet.py", cwd=tmp_path).stdout


def test_a_guess_that_does_not_build_is_a_skip_not_an_error(tmp_path):
    fussy = UNET.replace("super().__init__()\n        self.inc",
                         "super().__init__()\n        assert n_classes == 21, 'VOC has 21 classes'\n        self.inc")
    project(tmp_path, {"unet.py": fussy})
    report, proc = netlint_json("unet.py", cwd=tmp_path)
    assert proc.returncode == 0 and report["errors"] == [] and report["models"] == []
    skipped, = (s for s in report["skipped"] if s["model"])  # (its blocks are listed as not root models)
    assert skipped["target"] == "unet.py::UNet"
    assert skipped["reason"].startswith("its constructor needs arguments; the guess "
                                        "UNet(n_channels=3, n_classes=10) does not build")
    assert "VOC has 21 classes" in skipped["reason"] and "give them as 'unet.py::UNet(...)'" in skipped["reason"]


def test_models_found_through_star_imports_and_behind_a_local_base(tmp_path):
    parts = "import torch.nn as nn\n\n\nclass Conv(nn.Module):\n    def __init__(self):\n" \
            "        super().__init__()\n        self.c = nn.Conv2d(3, 3, 3, padding=1)\n\n" \
            "    def forward(self, x):\n        return self.c(x)\n"
    model = "from .parts import *\n\n\nclass StarNet(Conv):\n    pass\n\n\nclass Wide(nn.Module):\n" \
            "    def __init__(self):\n        super().__init__()\n        self.c = nn.Conv2d(3, 4, 1)\n\n" \
            "    def forward(self, x):\n        return self.c(x)\n\n\nclass Local_Base:\n    pass\n\n\n" \
            "class WideLocal(Local_Base, Wide):\n    def __init__(self):\n        Local_Base.__init__(self)\n" \
            "        Wide.__init__(self)\n"
    project(tmp_path, {"pkg/__init__.py": "", "pkg/parts.py": parts, "pkg/net.py": model})
    report, proc = netlint_json("pkg/net.py", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    assert {m["target"] for m in report["models"]} == {"pkg/net.py::StarNet", "pkg/net.py::Wide",
                                                       "pkg/net.py::WideLocal"}  # (StarNet: Conv's forward)
    assert {s["target"] for s in report["skipped"] if not s["model"]} == set()
    star = "from .parts import *\n\n\nclass UNetLike(nn.Module):\n    def __init__(self):\n" \
           "        super().__init__()\n        self.c = Conv()\n\n    def forward(self, x):\n        return self.c(x)\n"
    project(tmp_path, {"pkg/star.py": star})
    report, proc = netlint_json("pkg/star.py", cwd=tmp_path)
    assert [m["target"] for m in report["models"]] == ["pkg/star.py::UNetLike"], proc.stderr


def test_building_blocks_another_file_assembles_are_not_models(tmp_path):
    """unet_parts.py's blocks need arguments and unet_model.py builds them inside UNet:
    only UNet is linted (the parts are listed as building blocks with -v)."""
    parts = UNET.split("class UNet")[0].replace("DoubleConv", "Down")
    model = "from .unet_parts import *\n\n\nclass UNet(nn.Module):\n    def __init__(self, n_channels, n_classes):\n" \
            "        super().__init__()\n        self.down = Down(n_channels, 16)\n        self.out = nn.Conv2d(16, n_classes, 1)\n\n" \
            "    def forward(self, x):\n        return self.out(self.down(x))\n"
    project(tmp_path, {"unet/__init__.py": "", "unet/unet_parts.py": parts, "unet/unet_model.py": model})
    report, proc = netlint_json(".", cwd=tmp_path)
    assert [m["target"] for m in report["models"]] == ["unet/unet_model.py::UNet"], proc.stderr
    block, = report["skipped"]
    assert block == {"target": "unet/unet_parts.py::Down", "model": False,
                     "reason": "a building block: unet/unet_model.py:7 builds it in a model of its own"}


INPAINTING = """
import torch.nn as nn


class ContextEncoder(nn.Module):
    \"\"\"Fills in the missing centre of a 128×128 image: outputs the 64×64 region.\"\"\"

    def __init__(self, channels=3):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(channels, 16, 4, 2, 1), nn.BatchNorm2d(16), nn.LeakyReLU(0.2),
            nn.Conv2d(16, channels, 3, 1, 1), nn.Tanh())

    def forward(self, masked):
        return self.net(masked)
"""


def test_an_inpainting_generator_that_outputs_the_missing_region_is_image_to_image(tmp_path):
    project(tmp_path, {"inpaint.py": INPAINTING})
    report, proc = netlint_json("inpaint.py", "--input-shape", "1,3,128,128", cwd=tmp_path)
    model, = report["models"]
    assert model["task"] == "image-to-image", model["task_reason"]
    assert "NL201" in {f["code"] for f in report["findings"]}
