"""A non-editable install ships the engine and the built-in rules."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile

from conftest import REPO

MODEL = """
from torch import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.depthwise = nn.Conv2d(128, 128, 1, groups=128)
        self.pointwise = nn.Conv2d(128, 256, 1)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))
"""


def test_wheel_install_runs_the_built_in_rules(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(wheels), str(REPO)], check=True, capture_output=True)
    wheel, = wheels.glob("torch_netlint-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "netlint/rules/separable_conv_1x1.py" in names
    assert not any(name.startswith(("tests/", "fixtures/", "rules/")) for name in names)

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    (tmp_path / "model.py").write_text(MODEL)
    # -S keeps the editable install's path hook out; the wheel's copy comes first on the path.
    env = {"PYTHONPATH": f"{target}:{sysconfig.get_paths()['purelib']}", "PATH": "/usr/bin:/bin"}
    code = "import netlint, sys; from netlint.cli import main; print(netlint.__file__, file=sys.stderr); main()"
    proc = subprocess.run([sys.executable, "-S", "-c", code, "model.py", "--output-format", "concise"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert str(target / "netlint") in proc.stderr
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("model.py:8:26: NL101 ")
