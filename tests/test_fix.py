"""--fix, --unsafe-fixes and --diff through the real CLI, on files written to a temporary
folder: each rule's fix, code kept as written, values from variables left alone, fixes
verified (and rolled back when they do not verify), a second run with nothing to do (the
bundled fixtures fixed: test_fix_fixtures.py)."""

from __future__ import annotations

import json
import stat
import subprocess
import textwrap
from pathlib import Path

import pytest

from conftest import netlint_json, part_of, run_netlint


def model_source(body: str) -> str:
    header = "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n\n\n"
    return header + textwrap.dedent(body).lstrip("\n")


def model_file(write_model, body: str, name: str = "model.py"):
    return write_model(model_source(body), name)


def after_fix(path, *flags) -> str:
    proc = run_netlint(path.name, "--fix", *flags, cwd=path.parent)
    assert proc.returncode in (0, 1), proc.stderr
    return path.read_text()


CASES = {
    "NL102 positional flag": ("""
        class Net(nn.Module):
            def __init__(self, c=8):
                super().__init__()
                self.conv = nn.Conv2d(c, c, 3, 1, 1, 1, 1, True)
                self.bn = nn.BatchNorm2d(c)
                self.head = nn.Linear(c, 10)

            def forward(self, x):
                return self.head(self.bn(self.conv(x)).mean((2, 3)))
        """, "nn.Conv2d(c, c, 3, 1, 1, 1, 1, True)", "nn.Conv2d(c, c, 3, 1, 1, 1, 1, False)", ()),
    "NL102 multi-line call with comments": ('''
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(
                    3,  # RGB
                    16,
                    kernel_size=3,
                    padding=1,
                    padding_mode='zeros',
                )
                self.bn = nn.BatchNorm2d(16)
                self.head = nn.Linear(16, 10)

            def forward(self, x):
                return self.head(self.bn(self.conv(x)).mean((2, 3)))
        ''', "padding_mode='zeros',\n        )", "padding_mode='zeros',\n            bias=False,\n        )", ()),
    "NL102 keyword inside Sequential": ("""
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = nn.Sequential(nn.Conv2d(3, 16, 3, bias=True), nn.BatchNorm2d(16), nn.ReLU())
                self.head = nn.Linear(16, 10)

            def forward(self, x):
                return self.head(self.body(x).mean((2, 3)))
        """, "nn.Conv2d(3, 16, 3, bias=True)", "nn.Conv2d(3, 16, 3, bias=False)", ()),
    "NL302 module in Sequential": ("""
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.ReLU(inplace=True))
                self.head = nn.Linear(16, 10)

            def forward(self, x):
                return self.head(self.body(x).mean((2, 3)))
        """, "nn.ReLU(), nn.ReLU(inplace=True))", "nn.ReLU(), nn.Identity())", ()),
    "NL302 function in forward": ("""
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU())
                self.head = nn.Linear(16, 10)

            def forward(self, x):
                x = F.relu(self.body(x))
                return self.head(x.mean((2, 3)))
        """, "x = F.relu(self.body(x))", "x = self.body(x)", ()),
    "NL201 BatchNorm to InstanceNorm": ("""
        class Generator(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 16, 3, padding=1, bias=False)
                self.norm = nn.BatchNorm2d(16, momentum=0.2, track_running_stats=True)
                self.out = nn.Conv2d(16, 3, 3, padding=1)

            def forward(self, x):
                return torch.tanh(self.out(torch.relu(self.norm(self.conv(x)))))
        """, "nn.BatchNorm2d(16, momentum=0.2, track_running_stats=True)",
        "nn.InstanceNorm2d(16, momentum=0.2, affine=True)", ("--unsafe-fixes",)),
    "NL303 return logits": ("""
        class Classifier(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(32, 10)

            def forward(self, x):
                return F.softmax(self.fc(x), dim=1)
        """, "return F.softmax(self.fc(x), dim=1)", "return self.fc(x)", ("--unsafe-fixes",)),
    "NL301 kernel divisible by the stride": ("""
        class Upsampler(nn.Module):
            def __init__(self):
                super().__init__()
                self.up = nn.ConvTranspose2d(16, 3, kernel_size=3, stride=2, padding=1, output_padding=1)

            def forward(self, x):
                return torch.tanh(self.up(x))
        """, "kernel_size=3, stride=2, padding=1, output_padding=1",
        "kernel_size=4, stride=2, padding=1, output_padding=0", ("--unsafe-fixes", "--input-shape", "1,16,32,32")),
    "NL101 one plain convolution": ("""
        class Net(nn.Module):
            def __init__(self, c=32):
                super().__init__()
                self.mix = nn.Sequential(nn.Conv2d(c, c, 1, groups=c), nn.Conv2d(c, 64, 1))
                self.head = nn.Linear(64, 10)

            def forward(self, x):
                return self.head(self.mix(x).mean((2, 3)))
        """, "nn.Sequential(nn.Conv2d(c, c, 1, groups=c), nn.Conv2d(c, 64, 1))",
        "nn.Sequential(nn.Identity(), nn.Conv2d(c, 64, 1))", ("--unsafe-fixes",)),
}


def real_params(text: str, name: str) -> int:
    """The parameter count of the file's model class, built for real on the CPU."""
    namespace: dict = {}
    exec(compile(text, "model.py", "exec"), namespace)
    model = namespace[name]()
    return sum(p.numel() for p in model.parameters())


@pytest.fixture(scope="module")
def fixed(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess]]:
    """Each case in a file of its own; the files of the cases that take the same flags fixed in
    one run (the report says which file each entry is about): case -> (its file, the run)."""
    root = tmp_path_factory.mktemp("fixes")
    groups: dict[tuple[str, ...], list[str]] = {}
    for case, (_, _, _, flags) in CASES.items():
        groups.setdefault(flags, []).append(case)
    names = {case: f"case{number}.py" for number, case in enumerate(CASES)}
    done = {}
    for number, (flags, cases) in enumerate(groups.items()):
        folder = root / f"flags{number}"
        folder.mkdir()
        paths = {case: folder / names[case] for case in cases}
        for case, path in paths.items():
            path.write_text(model_source(CASES[case][0]))
        proc = run_netlint(*(p.name for p in paths.values()), "--fix", "--output-format", "json", *flags, cwd=folder)
        done |= {case: (path, proc) for case, path in paths.items()}
    return done


@pytest.mark.parametrize("case", CASES)
def test_each_fix(fixed, case):
    body, old, new, flags = CASES[case]
    original = model_source(body)
    path, proc = fixed[case]
    code = case.split()[0]
    report = part_of(json.loads(proc.stdout), path.name)
    finding, = [f for f in report["fixed"] if f["code"] == code]
    assert finding["fix_applicability"] == ("unsafe" if "--unsafe-fixes" in flags else "safe")
    assert code not in {f["code"] for f in report["findings"]} and not report["errors"], proc.stderr
    text = path.read_text()
    assert text == original.replace(old, new)  # nothing else moved, not even a space
    delta = finding["params_delta"] or 0
    if code == "NL301":  # its first suggestion (upsample + conv) is not the automatic fix
        delta = 16 * 3 * 4 * 4 - 16 * 3 * 3 * 3
    model, = report["models"]
    assert model["params"] == real_params(text, model["class"]) == real_params(original, model["class"]) + delta


def test_json_gives_the_edit_and_the_report_counts_fixed(write_model):
    path = model_file(write_model, CASES["NL102 keyword inside Sequential"][0])
    report, _ = netlint_json(path.name, cwd=path.parent)
    finding, = report["findings"]
    edit, = finding["edits"]
    line = path.read_text().splitlines()[edit["range"]["start"]["line"] - 1]
    start, end = edit["range"]["start"]["column"] - 1, edit["range"]["end"]["column"] - 1
    assert edit["path"] == "model.py" and line[start:end] + "→" + edit["new_text"] == "True→False"
    assert finding["fix_unavailable"] is None
    proc = run_netlint(path.name, "--fix", "--output-format", "json", cwd=path.parent)
    fixed = json.loads(proc.stdout)
    assert proc.returncode == 0 and fixed["findings"] == [] and [f["code"] for f in fixed["fixed"]] == ["NL102"]
    path.write_text(path.read_text().replace("bias=False", "bias=True") + "\n")
    proc = run_netlint(path.name, "--fix", cwd=path.parent)
    assert proc.returncode == 0 and "Found 1 finding (1 fixed, 0 remaining) in 1 model." in proc.stdout


def test_values_from_variables_are_left_alone_with_the_reason(write_model):
    path = model_file(write_model, """
        class Generator(nn.Module):
            def __init__(self, norm_layer=nn.BatchNorm2d, use_bias=True):
                super().__init__()
                self.conv = nn.Conv2d(3, 16, 3, padding=1, bias=use_bias)
                self.norm = norm_layer(16)
                self.out = nn.Conv2d(16, 3, 3, padding=1)

            def forward(self, x):
                return torch.tanh(self.out(torch.relu(self.norm(self.conv(x)))))
        """)
    original = path.read_text()
    report, _ = netlint_json(path.name, cwd=path.parent)
    reasons = {f["code"]: f["fix_unavailable"] for f in report["findings"]}
    assert reasons == {"NL102": "no automatic fix: the bias flag comes from `use_bias`",
                       "NL201": "no automatic fix: the layer's class comes from `norm_layer`"}
    assert all(f["fix_applicability"] is None and f["edits"] == [] for f in report["findings"])
    proc = run_netlint(path.name, "--fix", "--unsafe-fixes", cwd=path.parent)
    assert proc.returncode == 1 and path.read_text() == original
    assert "no automatic fix: the bias flag comes from `use_bias`" in proc.stdout


def test_diff_writes_nothing(write_model, tmp_path):
    path = model_file(write_model, CASES["NL102 keyword inside Sequential"][0])
    original, mtime = path.read_bytes(), path.stat().st_mtime_ns
    proc = run_netlint(path.name, "--diff", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("--- a/model.py\n+++ b/model.py\n")
    assert "-        self.body = nn.Sequential(nn.Conv2d(3, 16, 3, bias=True)" in proc.stdout
    assert "+        self.body = nn.Sequential(nn.Conv2d(3, 16, 3, bias=False)" in proc.stdout
    assert "Would fix 1 finding." in proc.stderr
    assert path.read_bytes() == original and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py"]
    after_fix(path)
    proc = run_netlint(path.name, "--diff", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == ""


def test_unsafe_fixes_need_the_flag(write_model):
    path = model_file(write_model, CASES["NL201 BatchNorm to InstanceNorm"][0])
    original = path.read_text()
    proc = run_netlint(path.name, "--fix", cwd=path.parent)
    assert proc.returncode == 1 and path.read_text() == original
    assert "unsafe fix: netlint --fix --unsafe-fixes applies it" in proc.stdout
    assert "[*] 1 fixable with netlint --fix --unsafe-fixes." in proc.stdout
    assert "InstanceNorm2d" in after_fix(path, "--unsafe-fixes")


def test_config_fix_and_unfixable(write_model, tmp_path):
    path = model_file(write_model, """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = nn.Sequential(nn.Conv2d(3, 16, 3), nn.BatchNorm2d(16), nn.ReLU(), nn.ReLU())
                self.head = nn.Linear(16, 10)

            def forward(self, x):
                return self.head(self.body(x).mean((2, 3)))
        """)
    (tmp_path / "pyproject.toml").write_text('[tool.netlint]\nfix = true\nunfixable = ["NL302"]\n')
    proc = run_netlint(path.name, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "nn.Conv2d(3, 16, 3, bias=False)" in path.read_text() and "nn.ReLU(), nn.ReLU()" in path.read_text()
    assert "(1 fixed, 1 remaining)" in proc.stdout
    proc = run_netlint(path.name, "--no-fix", "--diff", cwd=tmp_path)  # --diff shows, never writes
    assert proc.returncode == 0 and proc.stdout == ""


BLOCKS = """
from torch import nn


def conv(c_in, c_out):
    return nn.Conv2d(c_in, c_out, 3, padding=1)
"""


def test_a_fix_that_does_not_verify_is_rolled_back(write_model, tmp_path):
    """The line that makes the flagged convolution also makes another model's convolution,
    whose bias no norm cancels: removing it moves that model's parameter count."""
    write_model(BLOCKS, "blocks.py")
    write_model("""
        from torch import nn
        from blocks import conv


        class WithNorm(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = nn.Sequential(conv(3, 16), nn.BatchNorm2d(16), nn.ReLU())
                self.head = nn.Linear(16, 10)

            def forward(self, x):
                return self.head(self.body(x).mean((2, 3)))
        """, "with_norm.py")
    write_model("""
        from torch import nn
        from blocks import conv


        class Plain(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = nn.Sequential(conv(3, 16), nn.ReLU())
                self.head = nn.Linear(16, 10)

            def forward(self, x):
                return self.head(self.body(x).mean((2, 3)))
        """, "plain.py")
    originals = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    proc = run_netlint("with_norm.py", "plain.py", "--fix", "--output-format", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    finding, = report["findings"]
    assert finding["code"] == "NL102" and finding["path"] == "blocks.py" and report["fixed"] == []
    assert finding["fix_unavailable"] == ("fix not applied: it did not verify (plain.py::Plain: the parameter "
                                          "count moved by -16, not by +0)")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == originals


def test_fix_keeps_the_file_mode_and_leaves_no_temporary_file(write_model, tmp_path):
    path = model_file(write_model, CASES["NL102 keyword inside Sequential"][0])
    path.chmod(0o640)
    after_fix(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py"]
