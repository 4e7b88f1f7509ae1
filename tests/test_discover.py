"""Which targets a path names, found by reading source (no import for files without models)."""

from __future__ import annotations

import subprocess
import sys

from conftest import netlint_json

MODELS = """
from torch import nn


class Block(nn.Module):
    def __init__(self, channels=8):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return self.conv(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.blocks = nn.Sequential(Block(), Block())
        self.head = nn.Linear(8, 2)

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)).mean((2, 3)))


class Configurable(nn.Module):
    def __init__(self, width, *, depth):
        super().__init__()
        self.fc = nn.Linear(width, width)

    def forward(self, x):
        return self.fc(x)


def make_configurable():
    return Configurable(16, depth=2)
"""


def test_targets_of_a_file(write_model, tmp_path):
    """Block only serves Net; Configurable is built as the file's own factory calls it."""
    write_model(MODELS)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [m["target"] for m in report["models"]] == ["model.py::Net", "model.py::Configurable"]
    configurable = report["models"][1]
    line = next(i for i, text in enumerate((tmp_path / "model.py").read_text().splitlines(), 1)
                if "Configurable(16" in text)
    assert (configurable["call"], configurable["arguments_from"]) == ("Configurable(16, depth=2)", f"model.py:{line}")
    assert configurable["params"] == 16 * 16 + 16
    assert report["skipped"] == [{"target": "model.py::Block", "reason": "a building block: Net builds it",
                                  "model": False}]


OPAQUE = """
from torch import nn


class Opaque(nn.Module):
    def __init__(self, frobnicator):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x)
"""


def test_a_model_netlint_cannot_build_is_counted_in_every_summary(write_model, tmp_path):
    write_model(OPAQUE)
    from conftest import run_netlint
    reason = ("its constructor needs arguments (frobnicator) and none of the project's code calls it "
              "with constants; no convention covers 'frobnicator' — give them as 'model.py::Opaque(...)'")
    full = run_netlint("model.py", cwd=tmp_path)
    assert full.returncode == 0, full.stderr
    assert f"1 model skipped (model.py::Opaque: {reason})." in full.stdout
    assert "1 model skipped" in run_netlint("model.py", "--output-format", "concise", cwd=tmp_path).stdout
    assert "::warning title=netlint skipped models::1 model skipped" in \
        run_netlint("model.py", "--output-format", "github", cwd=tmp_path).stdout
    report, _ = netlint_json("model.py", cwd=tmp_path)
    assert report["skipped"] == [{"target": "model.py::Opaque", "reason": reason, "model": True}]
    assert f"skipped: model.py::Opaque: {reason}" in run_netlint("model.py", "-v", cwd=tmp_path).stderr


def test_named_class_and_factory(write_model, tmp_path):
    write_model(MODELS)
    report, proc = netlint_json("model.py::Block", "model.py::make_configurable",
                                "--input-shape", "1,8,32,32", cwd=tmp_path)
    assert [m["target"] for m in report["models"]] == ["model.py::Block"]
    assert report["errors"][0]["target"] == "model.py::make_configurable"  # shape fits Block only
    report, proc = netlint_json("model.py::make_configurable", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert report["models"][0]["class"] == "Configurable"
    assert report["models"][0]["params"] == 16 * 16 + 16


def test_imported_classes_are_not_targets(write_model, tmp_path):
    write_model(MODELS)
    write_model("from model import Net\nfrom torch import nn\n\n\nclass Wrapper(nn.Module):\n"
                "    def __init__(self):\n        super().__init__()\n        self.net = Net()\n\n"
                "    def forward(self, x):\n        return self.net(x)\n", "wrapper.py")
    report, proc = netlint_json("wrapper.py", cwd=tmp_path)
    assert [m["target"] for m in report["models"]] == ["wrapper.py::Wrapper"]
    assert report["models"][0]["params"] == 3 * 8 * 9 + 8 + 2 * (8 * 8 * 9 + 8) + 8 * 2 + 2


def test_folders_skip_hidden_virtualenvs_and_build_output(write_model, tmp_path):
    write_model(MODELS, "src/models/net.py")
    for skipped in (".hidden/net.py", "venv/lib/net.py", "build/net.py", "dist/net.py"):
        write_model(MODELS, skipped)
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    # macOS's AppleDouble file beside a model copied from a Mac: binary metadata, not Python
    (tmp_path / "src" / "models" / "._net.py").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ")
    report, proc = netlint_json(".", cwd=tmp_path)
    assert [m["target"] for m in report["models"]] == ["src/models/net.py::Net", "src/models/net.py::Configurable"]
    assert not report["errors"], proc.stderr


# What a commit without models never needs: torch, and the parts of netlint that read models or
# training code (the source rules load training_code only for a file that mentions their words)
NOT_FOR_PLAIN_FILES = ("torch", "netlint.training_code", "netlint.graph", "netlint.capture", "netlint.load",
                       "netlint.isolation", "netlint.arguments.attempts", "libcst")


def test_a_file_without_models_does_not_import_torch(write_model, tmp_path):
    write_model("import json\n\n\nclass Config:\n    pass\n\n\ndef load():\n    return json.loads('{}')\n",
                "plain.py")
    code = ("import sys\nfrom netlint.cli import main\nsys.argv = ['netlint', 'plain.py']\n"
            "try:\n    main()\nexcept SystemExit as exit:\n"
            f"    print(exit.code, [m for m in {NOT_FOR_PLAIN_FILES!r} if m in sys.modules])\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert proc.stdout.splitlines()[-1] == "0 []", proc.stderr


def test_files_named_like_other_modules(write_model, tmp_path):
    """A model file named like a standard module, and two files with one name in two folders."""
    body = "from torch import nn\n\n\nclass {name}(nn.Module):\n    def __init__(self):\n" \
           "        super().__init__()\n        self.fc = nn.Linear({n}, 2)\n\n" \
           "    def forward(self, x):\n        return self.fc(x)\n"
    write_model(body.format(name="Typed", n=3), "types.py")
    write_model(body.format(name="First", n=4), "a/model.py")
    write_model(body.format(name="Second", n=5), "b/model.py")
    report, proc = netlint_json(".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert {m["target"]: m["params"] for m in report["models"]} == {
        "a/model.py::First": 10, "b/model.py::Second": 12, "types.py::Typed": 8}
