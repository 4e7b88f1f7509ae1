"""Bad input: one clear line naming the file, exit 2, no traceback, the other targets
still analyzed."""

from __future__ import annotations

from conftest import netlint_json, run_netlint

GOOD = """
import torch
from torch import nn

class Good(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(x)
"""


def assert_one_line_error(proc, *fragments):
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in errors[0]
    return errors[0]


def test_missing_path_is_an_error_and_the_rest_is_analyzed(write_model, tmp_path):
    write_model(GOOD, "good.py")
    proc = run_netlint("missing.py", "good.py", cwd=tmp_path)
    assert_one_line_error(proc, "missing.py", "no such file")
    assert "good.py::Good" in proc.stdout


def test_syntax_error_names_file_and_line(write_model, tmp_path):
    write_model(GOOD, "good.py")
    write_model("import torch\nclass Broken(torch.nn.Module)\n    pass\n", "broken.py")
    proc = run_netlint(".", cwd=tmp_path)
    assert_one_line_error(proc, "broken.py:2", "SyntaxError")
    assert "good.py::Good" in proc.stdout


def test_a_file_in_python_2_that_defines_no_model_is_not_an_error(write_model, tmp_path):
    write_model(GOOD, "good.py")
    write_model("import torch\n\nclass Prefetcher(object):\n    def next(self, batch):\n"
                "        return batch.cuda(async=True)\n", "loaders.py")
    proc = run_netlint(".", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "good.py::Good" in proc.stdout


def test_a_package_that_is_not_installed_and_that_the_model_uses(write_model, tmp_path):
    write_model("import torch\nimport no_such_package_xyz\n\nclass Net(torch.nn.Module):\n"
                "    def __init__(self):\n        super().__init__()\n        self.conv = torch.nn.Conv2d(3, 8, 3)\n\n"
                "    def forward(self, x):\n        return no_such_package_xyz.scale(self.conv(x))\n", "net.py")
    write_model(GOOD, "good.py")
    report, proc = netlint_json(".", cwd=tmp_path)
    line = assert_one_line_error(proc, "net.py:10", "net.py::Net: forward failed: model uses no_such_package_xyz, "
                                                   "which is not installed: install the project's requirements")
    assert line.count("\n") == 0
    assert [(e["path"], e["line"]) for e in report["errors"]] == [("net.py", 10)]
    assert [m["target"] for m in report["models"]] == ["good.py::Good"]


def test_constructor_that_raises(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                raise ValueError("unsupported depth 7")

            def forward(self, x):
                return x
    """)
    proc = run_netlint("model.py", cwd=tmp_path)
    assert_one_line_error(proc, "model.py:8", "building Net failed", "ValueError: unsupported depth 7")


def test_forward_that_fails_at_the_example_input_says_which_shape(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)
                self.fc = nn.Linear(100, 10)

            def forward(self, x):
                return self.fc(self.conv(x).flatten(1))
    """)
    proc = run_netlint("model.py", cwd=tmp_path)
    line = assert_one_line_error(proc, "model.py", "1×3×256×256", "--input-shape")
    assert "inferred from conv Conv2d" in line


def test_verbose_shows_the_traceback(write_model, tmp_path):
    write_model("import torch\nimport no_such_package_xyz\n")
    proc = run_netlint("model.py::Net", "-v", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" in proc.stderr


def test_bad_option_value_exits_2_not_1(write_model, tmp_path):
    write_model(GOOD)
    for args in (["--task", "nonsense"], ["--input-shape", "a,b"], ["--select", "N L1"],
                 ["--output-format", "xml"]):
        proc = run_netlint("model.py", *args, cwd=tmp_path)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr


def test_explicit_target_that_needs_arguments_is_an_error(write_model, tmp_path):
    write_model("""
        from torch import nn

        class Block(nn.Module):
            def __init__(self, channels, frobnicator):
                super().__init__()
                self.conv = nn.Conv2d(channels, channels, 3)

            def forward(self, x):
                return self.conv(x)
    """)
    proc = run_netlint("model.py::Block", cwd=tmp_path)
    assert_one_line_error(proc, "needs arguments (channels, frobnicator)")
