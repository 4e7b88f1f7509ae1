"""Constructor arguments found in the project's own code (netlint.arguments.from_code)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from netlint.arguments.from_code import CodeArguments, arguments_from_code


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Write files under a fresh project root (the working directory, so ``where`` is relative)."""
    monkeypatch.chdir(tmp_path)

    def write(files: dict[str, str]) -> Path:
        for name, source in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source).lstrip("\n"))
        return tmp_path

    return write


MODEL = """
import torch.nn as nn

class {name}(nn.Module):
    def __init__(self, *args, **kwargs):
        super().__init__()
"""


def test_main_block_folds_names_and_finds_the_example_input(project):
    root = project({"swinir.py": MODEL.format(name="SwinIR") + """
if __name__ == '__main__':
    upscale = 4
    window_size = 8
    height = (1024 // upscale // window_size + 1) * window_size
    width = (720 // upscale // window_size + 1) * window_size
    model = SwinIR(upscale=2, img_size=(height, width), window_size=window_size,
                   img_range=1., depths=[6, 6, 6, 6], embed_dim=60, num_heads=[6, 6, 6, 6],
                   mlp_ratio=2, upsampler='pixelshuffledirect')
    x = torch.randn((1, 3, height, width))
    x = model(x)
"""})
    assert arguments_from_code(root / "swinir.py", "SwinIR", root) == [CodeArguments(
        "upscale=2, img_size=(264, 184), window_size=8, img_range=1.0, depths=[6, 6, 6, 6], "
        "embed_dim=60, num_heads=[6, 6, 6, 6], mlp_ratio=2, upsampler='pixelshuffledirect'",
        "swinir.py:12", ((1, 3, 264, 184),))]


def test_reversed_main_test_and_nested_blocks_and_wrapped_model(project):
    root = project({"net.py": MODEL.format(name="Net") + """
if "__main__" == __name__:
    with open("log") as f:
        for _ in range(2):
            net = Net(16, depth=-2 ** 2).cuda().eval()
            net.forward(torch.zeros(2, 3, 32, 32).cuda(), torch.ones(size=(2, 1)))
"""})
    assert arguments_from_code(root / "net.py", "Net", root) == [
        CodeArguments("16, depth=-4", "net.py:10", ((2, 3, 32, 32), (2, 1)))]


def test_module_import_alias_in_a_test_script(project):
    root = project({
        "RRDBNet_arch.py": MODEL.format(name="RRDBNet"),
        "test.py": """
import torch
import RRDBNet_arch as arch

device = torch.device('cuda')
model = arch.RRDBNet(3, 3, 64, 23, gc=32)
model.eval()
model = model.to(device)
""",
    })
    assert arguments_from_code(root / "RRDBNet_arch.py", "RRDBNet", root) == [
        CodeArguments("3, 3, 64, 23, gc=32", "test.py:5")]


def test_class_imported_from_its_package_in_the_tests_folder(project):
    root = project({
        "models/__init__.py": "",
        "models/unet.py": MODEL.format(name="UNet"),
        "tests/test_unet.py": """
from models.unet import UNet

def test_forward():
    net = UNet(n_channels=3, n_classes=2)
    assert net
""",
    })
    assert arguments_from_code(root / "models/unet.py", "UNet", root) == [
        CodeArguments("n_channels=3, n_classes=2", "tests/test_unet.py:4")]


def test_relative_aliased_and_star_imports(project):
    root = project({
        "pkg/__init__.py": "",
        "pkg/unet.py": MODEL.format(name="UNet"),
        "pkg/a.py": "from .unet import UNet as U\nU(1)\n",
        "pkg/b.py": "from . import unet\nunet.UNet(2)\n",
        "pkg/c.py": "from pkg.unet import *\nUNet(3)\n",
        "d.py": "import pkg.unet\npkg.unet.UNet(4)\n",
    })
    found = arguments_from_code(root / "pkg/unet.py", "UNet", root)
    assert sorted(c.arguments for c in found) == ["1", "2", "3", "4"]


def test_same_class_name_in_a_sibling_folder_is_not_matched(project):
    root = project({
        "gan/models.py": MODEL.format(name="Generator"),
        "gan/train.py": "from models import Generator\ngenerator = Generator(100)\n",
        "wgan/models.py": MODEL.format(name="Generator"),
        "wgan/train.py": "from models import Generator\ngenerator = Generator(64)\n",
    })
    assert arguments_from_code(root / "gan/models.py", "Generator", root) == [
        CodeArguments("100", "gan/train.py:2")]


def test_calls_with_values_known_only_at_run_time_come_last_with_those_left_out(project):
    root = project({"unet.py": MODEL.format(name="UNet") + """
if __name__ == "__main__":
    import argparse
    args = argparse.ArgumentParser().parse_args()
    a = UNet(args.n_channels, 2)
    b = UNet(n_channels=len("abc"))
    c = UNet(*[3, 2])
    d = UNet(**{"n_channels": 3})
    e = functools.partial(UNet, 3)
    f = UNet(undefined_name)
    g = UNet(3, n_classes=2)
"""})
    assert arguments_from_code(root / "unet.py", "UNet", root) == [
        CodeArguments("3, n_classes=2", "unet.py:16"),
        CodeArguments("args.n_channels, 2", "unet.py:10", left_out=(0,))]  # to build with its default


def test_dotted_names_of_imported_modules_are_kept_as_written(project):
    root = project({"gen.py": MODEL.format(name="Gen") + """
import torch
from torch.nn import LayerNorm

if __name__ == "__main__":
    net = Gen(3, norm_layer=nn.InstanceNorm2d, act=torch.nn.ReLU, final=LayerNorm)
"""})
    assert arguments_from_code(root / "gen.py", "Gen", root) == [CodeArguments(
        "3, norm_layer=nn.InstanceNorm2d, act=torch.nn.ReLU, final=LayerNorm", "gen.py:11")]


def test_main_block_then_tests_then_other_files_without_duplicates(project):
    root = project({
        "net.py": MODEL.format(name="Net") + 'if __name__ == "__main__":\n    Net(1)\n    Net(1)\n',
        "a_train.py": "from net import Net\nNet(3)\nNet(2)\n",
        "tests/test_net.py": "from net import Net\nNet(2)\nNet(1)\n",
        "broken.py": "from net import Net\nNet(4\n",
    })
    assert arguments_from_code(root / "net.py", "Net", root) == [
        CodeArguments("1", "net.py:7"),
        CodeArguments("2", "tests/test_net.py:2"),
        CodeArguments("3", "a_train.py:2"),
    ]


@pytest.mark.parametrize("name", ["test/use.py", "test_use.py", "use_test.py", "test.py", "tests.py"])
def test_test_files_come_before_other_files(project, name):
    root = project({
        "net.py": MODEL.format(name="Net"),
        "a_use.py": "from net import Net\nNet(1)\n",
        name: "import sys, os\nfrom net import Net\nNet(2)\n",
    })
    assert [c.arguments for c in arguments_from_code(root / "net.py", "Net", root)] == ["2", "1"]


def test_skipped_folders_are_not_read(project):
    root = project({
        "net.py": MODEL.format(name="Net"),
        ".venv/pyvenv.cfg": "",
        ".venv/use.py": "from net import Net\nNet(1)\n",
        "build/use.py": "from net import Net\nNet(2)\n",
        "env/pyvenv.cfg": "",
        "env/use.py": "from net import Net\nNet(3)\n",
    })
    assert arguments_from_code(root / "net.py", "Net", root) == []


def test_attributes_of_parameters_and_calls_do_not_count(project):
    root = project({
        "gan.py": MODEL.format(name="Generator"),
        "train.py": """
import torch
from gan import Generator

def main(opt):
    generator = Generator(opt.latent_dim, opt.img_shape)
    other = Generator(torch.cuda.device_count())

def build(latent_dim=100):
    return Generator(latent_dim)
""",
    })
    found = arguments_from_code(root / "gan.py", "Generator", root)
    assert [c for c in found if c.arguments] == []  # build() is a factory of the project: no call of it
    assert [(c.callee, c.where) for c in found] == [("build", "train.py:8")]


def test_inputs_bound_in_a_function_scope(project):
    root = project({
        "net.py": MODEL.format(name="Net"),
        "bench.py": """
import torch
from net import Net

SIZE = 64

def run(device):
    c = 3
    x = torch.rand(1, c, SIZE, SIZE).to(device)
    net = Net(c).to(device)
    print(net(x).shape)
""",
    })
    assert arguments_from_code(root / "net.py", "Net", root) == [
        CodeArguments("3", "bench.py:9", ((1, 3, 64, 64),))]


def test_a_call_without_arguments_gives_its_example_input(project):
    root = project({"net.py": MODEL.format(name="Net") + """
if __name__ == "__main__":
    net = Net()
    print(net(torch.randn(1, 3, 32, 32)))
    print(Net()(torch.randn(1, 1, 8, 8), torch.randn(1, 1, 8, 8)))
"""})
    assert arguments_from_code(root / "net.py", "Net", root) == [CodeArguments("", "net.py:8", ((1, 3, 32, 32),))]
    root = project({"solo.py": MODEL.format(name="Solo") + """
if __name__ == "__main__":
    print(Solo()(torch.randn(1, 1, 8, 8), torch.randn(1, 1, 8, 8)))
"""})
    assert arguments_from_code(root / "solo.py", "Solo", root) == [
        CodeArguments("", "solo.py:8", ((1, 1, 8, 8), (1, 1, 8, 8)))]


def test_zero_argument_factories_and_classmethod_constructors_come_first(project):
    root = project({"net.py": """
import torch.nn as nn

class Net(nn.Module):
    def __init__(self, cfgs, mode):
        super().__init__()

    @classmethod
    def small(cls):
        return cls([[3, 16]], "small")

    @classmethod
    def from_name(cls, name):
        return cls(CONFIGS[name], name)

def net_large(**kwargs):
    cfgs = [[3, 16], [5, 40]]
    model = Net(cfgs, "large", **kwargs)
    return model

def net_tiny():
    return Net([[3, 8]], mode="tiny")

def net_custom(cfgs):
    return Net(cfgs, "custom")

if __name__ == "__main__":
    net = Net.from_name("b0")
    net(torch.randn(1, 3, 64, 64))
""", "use.py": "from net import Net\nimport opts\nNet(opts.cfgs, 'large')\n"})
    assert arguments_from_code(root / "net.py", "Net", root) == [
        CodeArguments("", "net.py:15", callee="net_large"),
        CodeArguments("", "net.py:8", callee="Net.small"),
        CodeArguments("'b0'", "net.py:27", ((1, 3, 64, 64),), callee="Net.from_name"),
        CodeArguments("[[3, 8]], mode='tiny'", "net.py:21"),  # net_tiny is that call, shown as written
        CodeArguments("cfgs, 'custom'", "net.py:24", left_out=(0,)),  # (cfgs has no default: never built)
        CodeArguments("opts.cfgs, 'large'", "use.py:3", left_out=(0,)),
        CodeArguments("", "net.py:23", callee="net_custom", guess=("cfgs",)),  # its parameter guessed, last
    ]


def test_label_tensors_written_out_are_example_inputs(project):
    root = project({"gen.py": MODEL.format(name="Gen") + """
if __name__ == "__main__":
    g = Gen(10)
    z = torch.randn(4, 100)
    g(z, torch.tensor([1, 2, 3, 0]))
    Gen(12)(z, torch.arange(4))
    Gen(13)(torch.tensor([[0.0, 1.0]]), torch.LongTensor([[1, 2], [3]]))  # ragged: not a shape
"""})
    assert arguments_from_code(root / "gen.py", "Gen", root) == [
        CodeArguments("10", "gen.py:8", ((4, 100), (4,))),
        CodeArguments("12", "gen.py:11", ((4, 100), (4,))),
        CodeArguments("13", "gen.py:12"),
    ]


def test_the_files_own_classes_are_arguments_as_written(project):
    root = project({"resnet.py": MODEL.format(name="ResNet") + """
class Bottleneck(nn.Module):
    pass

if __name__ == "__main__":
    net = ResNet(Bottleneck, [3, 4, 6, 3])
""", "train.py": "from resnet import ResNet\nclass Bottleneck:\n    pass\nResNet(Bottleneck, [2, 2])\n"})
    assert arguments_from_code(root / "resnet.py", "ResNet", root) == [
        CodeArguments("Bottleneck, [3, 4, 6, 3]", "resnet.py:11"),
        CodeArguments("Bottleneck, [2, 2]", "train.py:4", left_out=(0,))]  # another file's Bottleneck is not this one
