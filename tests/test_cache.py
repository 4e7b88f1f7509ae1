"""The incremental cache (netlint.cache), through the CLI: a second run over unchanged files
reads their results and reports them byte for byte as a fresh lint; an edit to a project file a
model imports, an option, the config or a damaged entry makes netlint lint again; the linted
tree is never written. One sequence of runs in a temporary project, shared by the tests."""

from __future__ import annotations

import os
import re
import textwrap
import time

import pytest

from conftest import run_netlint, tree

BLOCKS = """
from torch import nn


class ConvBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.norm(self.conv(x)).relu()
"""

NET = """
import torch
from torch import nn

from blocks import ConvBlock


class Net(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = ConvBlock(3, 16)
        self.body = ConvBlock(16, 32)
        self.head = nn.Linear(32, classes)

    def forward(self, x):
        pooled = nn.functional.adaptive_avg_pool2d(self.body(self.stem(x)), 1)
        return self.head(torch.flatten(pooled, 1))
"""

GEN = """
import torch
from torch import nn

print("building the generator's table")


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.norm = nn.BatchNorm2d(8)
        self.out = nn.Conv2d(8, 3, 3, padding=1)

    def forward(self, x):
        return torch.tanh(self.out(self.norm(self.conv(x))))
"""

BROKEN = """
from torch import nn


class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        raise RuntimeError("the weights table is missing")

    def forward(self, x):
        return x
"""

DIES = """
import os

from torch import nn


class Dies(nn.Module):
    def __init__(self):
        super().__init__()
        os._exit(3)

    def forward(self, x):
        return x


class Lives(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(x)
"""


SLOW = """
import time

from torch import nn


class Slow(nn.Module):
    def __init__(self):
        super().__init__()
        time.sleep(60)
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(x)
"""


# a class whose base is an alias: ``Plain`` and ``Torch`` have the same length, so an edit from
# one to the other in place keeps the file's size (and the test restores its mtime)
HEADS = """
from torch import nn

Torch = nn.Module
Plain = object


class Head(Plain):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)
"""


# a model whose base comes from a folder linked into the project (a shared checkout): discovery
# reads it through the import, not by listing the project's folders
LINKED = """
from torch import nn

from shared.kinds import Kind


class Tail(Kind):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)
"""
KINDS = "from torch import nn\n\nTorch = nn.Module\nPlain = object\nKind = Plain\n"


def rebased_in_place(file, old: str, new: str) -> None:
    """The file's text edited in place (same inode, same size), its access and modification
    times set back: only the ctime and the content tell the edit."""
    before = file.stat()
    text = file.read_bytes()
    assert len(old) == len(new) and old.encode() in text
    with open(file, "r+b") as stream:
        stream.write(text.replace(old.encode(), new.encode()))
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = file.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


def discovery(proc) -> str:
    """"cached" or "scanned", from the -v note."""
    found = re.search(r"; discovery (\w+)", proc.stderr)
    assert found, proc.stderr
    return found[1]


def counts(proc) -> tuple[int, int]:
    """(cached, linted) files, from the -v note."""
    found = re.search(r"cache: (\d+) files? cached, (\d+) linted", proc.stderr)
    assert found, proc.stderr
    return int(found[1]), int(found[2])


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("cache")
    project = base / "project"
    project.mkdir()
    for name, text in (("blocks.py", BLOCKS), ("net.py", NET), ("gen.py", GEN), ("broken.py", BROKEN),
                       ("heads.py", HEADS), ("linked.py", LINKED),
                       ("notes.py", "NOTES = 'no model here'\n"),
                       ("pyproject.toml", '[tool.netlint]\nfail-level = "note"\n')):
        (project / name).write_text(textwrap.dedent(text))
    (base / "shared").mkdir()
    (base / "shared" / "kinds.py").write_text(KINDS)
    (project / "shared").symlink_to(base / "shared", target_is_directory=True)
    env = {**os.environ, "HOME": str(base / "home"), "XDG_CACHE_HOME": str(base / "xdg")}
    env.pop("NETLINT_NO_CACHE")

    def lint(*args: str, **extra: str):
        return run_netlint(*args, cwd=project, env={**env, **extra})

    done: dict = {"project": project, "base": base, "before": tree(project)}
    done["cold"] = lint(".", "-v", "--output-format", "json")
    done["warm"] = lint(".", "-v", "--output-format", "json")
    for file in project.iterdir():  # (a checkout, a restored CI cache: new stats, the same contents)
        os.utime(file, ns=(file.stat().st_atime_ns, file.stat().st_mtime_ns + 10 ** 9))
    touched = time.time()
    done["touched"] = lint(".", "-v")
    done["fresh html"] = lint(".", "--output-format", "html")  # (the drawing's data: entries of their own)
    done["cached html"] = lint(".", "--output-format", "html")
    # (netlint keeps a file's stat from 2 s after its last change; before, it compares contents)
    time.sleep(max(0.0, touched + 2.5 - time.time()))
    done["settled"] = lint(".", "-v")  # the stats of the touched files kept
    rebased_in_place(project / "heads.py", "class Head(Plain)", "class Head(Torch)")
    done["rebased"] = lint(".", "-v")
    rebased_in_place(project / "heads.py", "class Head(Torch)", "class Head(Plain)")
    rebased_in_place(base / "shared" / "kinds.py", "Kind = Plain", "Kind = Torch")
    done["linked rebased"] = lint(".", "-v")
    rebased_in_place(base / "shared" / "kinds.py", "Kind = Torch", "Kind = Plain")
    with open(project / "blocks.py", "a") as stream:
        stream.write("\n# a comment: the block file changed\n")
    done["block edited"] = lint(".", "-v")
    done["input shape"] = lint("net.py", "-v", "--input-shape", "1,3,64,64")
    (project / "pyproject.toml").write_text('[tool.netlint]\nfail-level = "warning"\n')
    done["config changed"] = lint("net.py", "-v")
    entries = [p for p in (base / "xdg" / "netlint").rglob("*") if p.is_file()]
    done["entries"] = len(entries)
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    done["truncated"] = lint(".", "-v", "-j", "2")
    done["after truncated"] = lint(".", "-v", "-j", "2")
    done["moved"] = lint("gen.py", "-v", NETLINT_CACHE_DIR=str(base / "ci-cache"))
    crash = base / "crash"
    crash.mkdir()
    (crash / "models.py").write_text(textwrap.dedent(DIES))
    (crash / "slow.py").write_text(textwrap.dedent(SLOW))
    done["died"] = run_netlint(".", "-v", "--timeout", "2", cwd=crash, env=env)
    done["died again"] = run_netlint(".", "-v", "--timeout", "2", cwd=crash, env=env)
    done["after"] = tree(project)
    return done


def test_a_second_run_reads_the_cache_and_reports_the_same(runs):
    assert counts(runs["cold"]) == (0, 3)  # net.py, gen.py, broken.py: the others define no model to build
    assert counts(runs["warm"]) == (3, 0)
    assert runs["warm"].stdout == runs["cold"].stdout and runs["warm"].returncode == runs["cold"].returncode == 2
    assert "NL102" in runs["warm"].stdout and "the weights table is missing" in runs["warm"].stdout
    assert "building the generator's table" in runs["warm"].stderr + runs["warm"].stdout  # what it printed, kept


@pytest.mark.parametrize("fresh, cached", [("cold", "warm"), ("fresh html", "cached html"),
                                           ("truncated", "after truncated")])
def test_a_cached_result_is_rendered_byte_for_byte(runs, fresh, cached):
    """JSON, HTML (with the drawing's data) and the full text with -v (notes, what the code
    printed, tracebacks), with -j 2: every format renders the same LintResult."""
    assert runs[cached].stdout and runs[cached].stdout == runs[fresh].stdout
    assert runs[cached].returncode == runs[fresh].returncode == 2
    if "-v" in runs[cached].args:
        assert counts(runs[fresh])[1] and counts(runs[cached]) == (3, 0)
        assert untimed(runs[cached].stderr).partition("\n")[2] == untimed(runs[fresh].stderr).partition("\n")[2]
        assert "\ntime: " in runs[fresh].stderr  # -v's time lines: only for what this run linted


def untimed(stderr: str) -> str:
    return "".join(line for line in stderr.splitlines(keepends=True) if not line.startswith("time: "))


def test_the_cache_survives_parallel_workers(runs):
    assert counts(runs["truncated"]) == (0, 3)  # -j 2 writes every entry again
    assert counts(runs["after truncated"]) == (3, 0)


def test_an_edited_block_file_relints_exactly_the_models_that_import_it(runs):
    assert counts(runs["block edited"]) == (2, 1)  # net.py imports blocks.py; gen.py and broken.py do not


def test_discovery_is_kept_while_the_files_it_may_read_keep_their_contents(runs):
    assert discovery(runs["cold"]) == "scanned" and discovery(runs["warm"]) == "cached"
    assert discovery(runs["touched"]) == "cached" and counts(runs["touched"]) == (3, 0)  # new stats, same texts
    assert discovery(runs["settled"]) == "cached"


def test_a_class_that_changes_base_in_place_is_found_again(runs):
    """Same size, same inode, mtime set back (after a run that kept the files' stats): the
    ctime tells the edit, and the scan runs again."""
    assert "heads.py" not in runs["warm"].stdout
    assert discovery(runs["rebased"]) == "scanned" and counts(runs["rebased"]) == (3, 1)
    assert "heads.py::Head" in runs["rebased"].stdout
    assert discovery(runs["block edited"]) == "scanned" and "heads.py" not in runs["block edited"].stdout


def test_a_base_changed_in_a_linked_folder_is_found_again(runs):
    """The folder is not listed (a symlink): the file the scan parsed through the import is
    recorded with the text it parsed."""
    assert "linked.py" not in runs["warm"].stdout and "linked.py" not in runs["rebased"].stdout
    assert discovery(runs["linked rebased"]) == "scanned" and counts(runs["linked rebased"]) == (3, 1)
    assert "linked.py::Tail" in runs["linked rebased"].stdout
    assert "linked.py" not in runs["block edited"].stdout


def test_a_damaged_discovery_entry_is_ignored(runs):
    assert discovery(runs["truncated"]) == "scanned" and discovery(runs["after truncated"]) == "cached"


def test_an_option_that_changes_results_misses(runs):
    assert counts(runs["input shape"]) == (0, 1)
    assert "1×3×64×64" in runs["input shape"].stdout


def test_a_changed_config_misses(runs):
    assert counts(runs["config changed"]) == (0, 1)


def test_a_truncated_entry_is_ignored(runs):
    assert runs["entries"] >= 4
    proc = runs["truncated"]
    assert proc.returncode == 2 and "internal error" not in proc.stderr and "NL102" in proc.stdout


def test_netlint_cache_dir_moves_the_cache(runs):
    assert counts(runs["moved"]) == (0, 1)
    assert [p for p in (runs["base"] / "ci-cache").rglob("*") if p.is_file()]


def test_the_linted_tree_is_never_written(runs):
    before, after = runs["before"], runs["after"]
    assert set(after) == set(before)
    assert [name for name in before if name != "blocks.py" and after[name] != before[name]] == ["pyproject.toml"]
    assert not (runs["base"] / "home").exists()  # XDG_CACHE_HOME holds the cache; nothing under HOME


def test_a_worker_that_died_or_ran_out_of_time_is_not_cached(runs):
    """Neither may happen again (the OOM killer, a busy machine): the next run lints them again."""
    assert "the process ended with exit code 3" in runs["died"].stderr
    assert "took longer than 2 s (--timeout)" in runs["died"].stderr
    assert counts(runs["died"]) == counts(runs["died again"]) == (0, 2)
    assert runs["died again"].stdout == runs["died"].stdout
