"""Research scripts, as they are: fixtures/scripts is a corpus of files that parse
arguments, train or serve at the top level, write files, start programs, exit or crash.
Each test lints a temporary copy of it through the installed console script, with a
temporary home folder, and checks what is reported and that nothing was written (in every
output format: test_scripts_formats.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, model

CORPUS = FIXTURES / "scripts"
NETLINT = Path(sys.executable).with_name("netlint")  # the console script: no `python -m` sys.path



def line_of(file: str, text: str) -> int:
    """The line of the corpus file that holds ``text``."""
    lines = (CORPUS / file).read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


NOT_RUN = "was not run (netlint runs a file's definitions, not its work)"


def failed(file: str, text: str, why: str) -> str:
    """The note for the top-level statement of ``file`` at ``text`` that failed with ``why``."""
    return (f"{file}:{line_of(file, text)}: this top-level statement failed when imported ({why}); "
            "the rest of the file ran")


def not_run(file: str, text: str, what: str) -> str:
    return f"{file}:{line_of(file, text)}: {what} {NOT_RUN}"


GOOD_MODELS = [
    "argparse_required.py::Generator",  # the command line's required option is None; the rest are defaults
    "chatty.py::ChattyNet",
    "cpp_extension_at_import.py::ScaledConv",
    "exits_at_import.py::ToyModel",
    "gan_training_script.py::Generator",
    "gan_training_script.py::Discriminator",
    "models/net.py::Colorizer",
    "models/unet.py::TinyUNet",
    "native_crash.py::HealthyModel",
    "prompts_at_import.py::Classifier",
    "registry.py::RegisteredNet",
    "server_loop.py::Scorer",
    "subprocess_at_import.py::Encoder",
    "training_loop.py::Net",
    "writes_at_import.py::Denoiser",
]
ERRORS = [  # (target, path, line, message): one per broken file
    ("hard_exit.py", "hard_exit.py", None, "the process ended with exit code 3 while importing hard_exit.py"),
    ("missing_module.py::Attention", "missing_module.py", line_of("missing_module.py", "fancy_attention_ops.attend"),
     "forward failed: model uses fancy_attention_ops, which is not installed: install the project's requirements"),
    ("native_crash.py::CrashingModel", "native_crash.py", line_of("native_crash.py", "class CrashingModel"),
     "the process was killed by SIGSEGV while analyzing it"),
    # (its folder is answered as made, as a download folder is: load/virtual_files; the write is refused)
    ("writes_at_import.py::LoggingModel", "writes_at_import.py", line_of("writes_at_import.py", "with open(os.path"),
     "building LoggingModel failed: Refused: netlint refused to write 'runs/exp1/config.txt': linted code may not "
     "write files"),
]


class Project:
    """A copy of the corpus and a home folder, and what they held before netlint ran."""

    def __init__(self, root: Path) -> None:
        self.root, self.home = root / "repo", root / "home"
        shutil.copytree(CORPUS, self.root)
        (self.home / ".cache").mkdir(parents=True)
        self.before = self.snapshot()

    def snapshot(self) -> dict[str, bytes | None]:
        """Every file (its bytes) and folder (None) under the copy and the home folder."""
        tree = {}
        for top in (self.root, self.home):
            for path in sorted(top.rglob("*")):
                tree[str(path.relative_to(top.parent))] = None if path.is_dir() else path.read_bytes()
        return tree

    def netlint(self, *args: str, cwd: Path | None = None, **popen) -> subprocess.CompletedProcess:
        env = {**os.environ, "HOME": str(self.home)}
        env.pop("TORCH_EXTENSIONS_DIR", None)
        return subprocess.run([str(NETLINT), *args], cwd=cwd or self.root, env=env, capture_output=True,
                              text=True, timeout=600, **popen)

    def report(self, *args: str) -> tuple[dict, subprocess.CompletedProcess]:
        proc = self.netlint(*args, "--output-format", "json")
        assert proc.stdout, proc.stderr
        return json.loads(proc.stdout), proc

    def assert_unchanged(self) -> None:
        after = self.snapshot()
        assert sorted(set(after) - set(self.before)) == [], "netlint wrote into the tree or the home folder"
        assert after == self.before


@pytest.fixture(scope="module")
def linted(tmp_path_factory):
    """The corpus linted once as `netlint . --output-format json -v`, shared by the cases."""
    project = Project(tmp_path_factory.mktemp("scripts"))
    report, proc = project.report(".", "-v")
    project.assert_unchanged()
    return project, report, proc


def notes_of(report: dict, target: str) -> list[str]:
    return next(m["notes"] for m in report["models"] if m["target"] == target)


def test_one_report_lists_every_good_model_and_one_error_per_broken_file(linted):
    _, report, proc = linted
    assert proc.returncode == 2
    assert [m["target"] for m in report["models"]] == GOOD_MODELS
    assert [(e["target"], e["path"], e["line"], e["message"]) for e in report["errors"]] == ERRORS
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    target, path, line, message = ERRORS[1]
    assert f"error: {path}:{line}: {target}: {message}" in errors
    assert len(errors) == len(ERRORS)


def test_a_required_option_the_command_line_lacks_is_none_and_the_model_still_builds(linted):
    _, report, _ = linted
    line = line_of("argparse_required.py", "parse_args()")
    assert notes_of(report, "argparse_required.py::Generator") == [
        f"argparse_required.py:{line}: the command line must give --dataroot: netlint parsed the options' defaults, "
        "with None for it"]


def test_worker_count_does_not_change_the_report(linted, tmp_path):
    serial_project, serial, _ = linted
    project = Project(tmp_path)
    parallel, proc = project.report(".", "-v", "-j", "2")
    project.assert_unchanged()
    assert proc.returncode == 2

    def homeless(report: dict, home: Path) -> str:  # the notes name each run's own home folder
        # Known, left for later: torch creates its inductor cache folder the first time a worker
        # imports torch._dynamo (training_loop.py's optimizer does); that mkdir is refused and
        # noted for whichever file comes first in that worker, so -j changes which file says it.
        models = [{**m, "notes": [n for n in m["notes"] if "torchinductor" not in n]} for m in report["models"]]
        return json.dumps({**report, "models": models}).replace(str(home.resolve()), "~")

    assert homeless(parallel, project.home) == homeless(serial, serial_project.home)


def test_argparse_defaults_define_the_models(linted):
    _, report, _ = linted
    generator = model(report, "gan_training_script.py::Generator")
    assert generator["input_shape"] == [[64, 100]]  # the training loop's z: --batch_size and --latent_dim's defaults
    assert generator["output_shape"] == [[64, 1, 28, 28]]  # --channels and --img_size
    assert generator["params"] == 100 * 128 + 128 + 128 * 256 + 256 + 256 * 784 + 784


def test_top_level_training_and_serving_loops_do_not_run(tmp_path):
    project = Project(tmp_path)
    # each loop would run far past a 60 s limit (which importing torch stays under on a busy machine)
    report, proc = project.report("training_loop.py", "gan_training_script.py", "server_loop.py", "--timeout", "60")
    project.assert_unchanged()
    assert proc.returncode == 0, proc.stderr
    assert [m["target"] for m in report["models"]] == [
        "training_loop.py::Net", "gan_training_script.py::Generator", "gan_training_script.py::Discriminator",
        "server_loop.py::Scorer"]
    assert not_run("training_loop.py", "for epoch", "a top-level for loop that does not iterate over a literal "
                   "collection") in notes_of(report, "training_loop.py::Net")
    assert not_run("server_loop.py", "while True", "a top-level while loop"
                   ) in notes_of(report, "server_loop.py::Scorer")


def test_a_registration_loop_in_a_model_file_runs(linted):
    _, report, _ = linted
    registered = model(report, "registry.py::RegisteredNet")
    assert registered["params"] == (3 * 32 * 9 + 32) + 2 * (32 * 32 * 9 + 32)  # basic blocks, width 16 × depth 2
    assert not any(NOT_RUN in note for note in registered["notes"])


def test_refused_writes_at_import_are_notes_and_the_file_still_defines_its_models(linted):
    project, report, _ = linted
    refused = [n for n in notes_of(report, "writes_at_import.py::Denoiser") if "netlint refused" in n]
    cache = project.home.resolve() / ".cache" / "denoiser"
    assert refused == [
        failed("writes_at_import.py", "images/static",
               "Refused: netlint refused mkdir of 'images': linted code may not change files"),
        failed("writes_at_import.py", "train_log",
               "Refused: netlint refused to write 'train_log.txt': linted code may not write files"),
        failed("writes_at_import.py", "~/.cache",
               f"Refused: netlint refused mkdir of {str(cache)!r}: linted code may not change files"),
    ]


def test_a_subprocess_at_import_is_refused(linted):
    _, report, _ = linted
    assert failed("subprocess_at_import.py", "check_output", "Refused: netlint refused to start a process "
                  "(subprocess.Popen 'git'): linted code may not run programs"
                  ) in notes_of(report, "subprocess_at_import.py::Encoder")


def test_a_cpp_extension_is_not_compiled(linted):
    _, report, _ = linted
    line = line_of("cpp_extension_at_import.py", "fused = load(")
    assert notes_of(report, "cpp_extension_at_import.py::ScaledConv") == [
        f"cpp_extension_at_import.py:{line}: the extension 'fused_op' was not compiled (netlint compiles nothing): "
        "a stand-in, which a model may not use"]


def test_an_exit_at_import_is_skipped_and_the_models_are_built(linted):
    _, report, _ = linted
    line = line_of("exits_at_import.py", "if torch.cuda.device_count() < 2")
    assert notes_of(report, "exits_at_import.py::ToyModel") == [
        f"exits_at_import.py:{line}: this top-level statement failed when imported (it exits: Requires at least 2 "
        "GPUs to run, but got 0); netlint skipped it and the rest of the file ran"]


def test_input_at_import_fails_at_once_while_standard_input_stays_open(tmp_path):
    project = Project(tmp_path)
    out, err = tmp_path / "out.json", tmp_path / "err.txt"
    with out.open("w") as stdout, err.open("w") as stderr, subprocess.Popen(
            [str(NETLINT), "prompts_at_import.py", "--output-format", "json", "--timeout", "30"],
            cwd=project.root, env={**os.environ, "HOME": str(project.home)},
            stdin=subprocess.PIPE, stdout=stdout, stderr=stderr) as running:
        running.wait(timeout=120)  # a prompt that waited for this pipe would time out
    project.assert_unchanged()
    assert running.returncode == 0, err.read_text()
    report = json.loads(out.read_text())
    assert failed("prompts_at_import.py", "answer = input", "EOFError: EOF when reading a line"
                  ) in notes_of(report, "prompts_at_import.py::Classifier")


def test_what_user_code_prints_stays_out_of_the_report_and_shows_with_verbose(tmp_path):
    project = Project(tmp_path)
    quiet = project.netlint("chatty.py", "gan_training_script.py")
    verbose = project.netlint("chatty.py", "gan_training_script.py", "-v")
    project.assert_unchanged()
    assert quiet.returncode == verbose.returncode == 0, quiet.stderr
    printed = "=> building ChattyNet with 2 layers"
    assert printed not in quiet.stdout + quiet.stderr and "Namespace(" not in quiet.stdout + quiet.stderr
    assert verbose.stdout == quiet.stdout
    assert f"printed by chatty.py::ChattyNet:\n  => loading the chatty model definitions\n  {printed}" in verbose.stderr
    assert "printed by gan_training_script.py::Generator:\n  Namespace(n_epochs=200" in verbose.stderr
    native = "=> written to stderr's file descriptor, as native code does"
    assert native not in quiet.stderr and f"printed by chatty.py:\n  {native}" in verbose.stderr


def test_a_namespace_package_imports_from_the_repository_root(tmp_path):
    project = Project(tmp_path)
    for file, model_class in [("models/net.py", "Colorizer"), ("models/unet.py", "TinyUNet")]:
        report, proc = project.report(file)
        assert report["errors"] == [], proc.stderr
        assert [m["target"] for m in report["models"]] == [f"{file}::{model_class}"]
    project.assert_unchanged()


def test_one_dying_file_fails_alone_with_one_worker(tmp_path):
    project = Project(tmp_path)
    report, proc = project.report("hard_exit.py", "native_crash.py", "chatty.py", "-j", "1")
    project.assert_unchanged()
    assert proc.returncode == 2
    assert [m["target"] for m in report["models"]] == ["native_crash.py::HealthyModel", "chatty.py::ChattyNet"]
    assert [(e["target"], e["message"]) for e in report["errors"]] == [
        ("hard_exit.py", "the process ended with exit code 3 while importing hard_exit.py"),
        ("native_crash.py::CrashingModel", "the process was killed by SIGSEGV while analyzing it")]


def test_netlint_still_writes_what_it_is_asked_to(tmp_path):
    project = Project(tmp_path)
    proc = project.netlint("writes_at_import.py", "--output-format", "json", "-o", "report.json")
    assert proc.returncode == 2
    written = project.root / "report.json"
    assert [m["target"] for m in json.loads(written.read_text())["models"]] == ["writes_at_import.py::Denoiser"]
    written.unlink()
    project.assert_unchanged()
