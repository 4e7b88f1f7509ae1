"""netlint's import graph stays one-directional: no module imports itself back through others, and no
module imports another module's private names. Read with ``ast`` from the source (nothing is imported),
so the test fails on the line that breaks the structure, before any behaviour does.

Importing ``a.b.c`` from outside the package ``a.b`` runs ``a/b/__init__.py`` first, so it counts as an
import of ``a.b`` too. Every import counts, wherever it is written: at module level, inside a function, or under
``if TYPE_CHECKING``. An import deferred into a function still makes the two modules depend on each
other; deferring it only hides the cycle from the interpreter, not from the reader who has to
understand one module before the other.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE_DIRS = {"netlint": REPO / "netlint", "netlint.rules": REPO / "rules"}  # pyproject's package-dir


@dataclass(frozen=True)
class Import:
    importer: str
    line: int
    module: str  # the netlint module imported (the most specific one that exists)
    name: str | None  # the name imported from it (from MODULE import NAME), None for a whole module


def modules(package_dirs: dict[str, Path] = PACKAGE_DIRS) -> dict[str, Path]:
    """Every netlint module by dotted name (a package by its own name, for its __init__.py)."""
    found = {}
    for package, folder in package_dirs.items():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


def is_package(module: str, known: dict[str, Path]) -> bool:
    return known[module].name == "__init__.py"


def imports(module: str, known: dict[str, Path]) -> list[Import]:
    """The netlint modules and names ``module`` imports, from every import statement in it."""
    tree = ast.parse(known[module].read_text(), str(known[module]))
    package = module if is_package(module, known) else module.rpartition(".")[0]
    found = []
    bound: dict[str, str] = {}  # local name -> the netlint module it is bound to (for MODULE._name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = innermost(alias.name, known)
                if target:
                    found.append(Import(module, node.lineno, target, None))
                    if alias.asname and target == alias.name:
                        bound[alias.asname] = target
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                if f"{base}.{alias.name}" in known:  # from PACKAGE import SUBMODULE
                    found.append(Import(module, node.lineno, f"{base}.{alias.name}", None))
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
                elif base in known:
                    found.append(Import(module, node.lineno, base, alias.name))
    for node in ast.walk(tree):  # discover._model_classes through `from netlint import discover`
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in bound and is_private(node.attr)):
            found.append(Import(module, node.lineno, bound[node.value.id], node.attr))
    return found


def innermost(dotted: str, known: dict[str, Path]) -> str | None:
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in known:
            return ".".join(parts[:end])
    return None


def graph(package_dirs: dict[str, Path] = PACKAGE_DIRS) -> tuple[dict[str, Path], list[Import]]:
    known = modules(package_dirs)
    edges = [i for m in known for i in imports(m, known) if i.module != m]
    return known, edges + [p for e in edges for p in packages_run_first(e, known)]


def packages_run_first(edge: Import, known: dict[str, Path]) -> list[Import]:
    """Importing ``a.b.c`` from outside ``a.b`` runs ``a/b/__init__.py`` first (and ``a/__init__.py``
    from outside ``a``): an import of the packages around a module, which can close a cycle too."""
    parts = edge.module.split(".")
    found = []
    for end in range(1, len(parts)):
        package = ".".join(parts[:end])
        if package in known and not (edge.importer == package or edge.importer.startswith(package + ".")):
            found.append(Import(edge.importer, edge.line, package, None))
    return found


def cycles(known: dict[str, Path], edges: list[Import]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    after: dict[str, set[str]] = {m: set() for m in known}
    for edge in edges:
        after[edge.importer].add(edge.module)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(after[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(known):
        if node not in index:
            visit(node)
    return sorted(components)


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(known: dict[str, Path], edges: list[Import]) -> list[Import]:
    """Imports of another module's private name (``from netlint.cli import _shape``). A private
    module (``rules/_counting.py``) is private to its package: the rules beside it may import it."""
    found = []
    for edge in edges:
        if edge.name is not None and is_private(edge.name):
            found.append(edge)
        elif any(is_private(part) for part in edge.module.split(".")):
            owner = edge.module.rpartition(".")[0]
            if not (edge.importer == owner or edge.importer.startswith(owner + ".")):
                found.append(edge)
    return found


def where(edge: Import, known: dict[str, Path]) -> str:
    path = known[edge.importer]
    path = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    return f"{path}:{edge.line} imports {edge.module}" + (f".{edge.name}" if edge.name else "")


def test_the_graph_reads_every_module():
    known, edges = graph()
    assert {"netlint.cli", "netlint.lint", "netlint.arguments.attempts", "netlint.rules.bias_before_norm"} <= set(known)
    assert any(e.importer == "netlint.cli" and e.module == "netlint.lint" for e in edges)
    # relative and function-level imports are read too
    probe = imports("netlint.rules.bias_before_norm", known)
    assert any(e.module == "netlint.rules._counting" for e in probe)


def test_the_checks_find_a_deferred_cycle_and_a_private_import(tmp_path):
    package = tmp_path / "netlint"
    (package / "load").mkdir(parents=True)
    files = {"__init__.py": "", "cli.py": "def _shape(v):\n    return v\n",
             "summary.py": "from netlint.cli import _shape\n",
             "report.py": "from netlint import cli as c\nc._shape('1')\n",
             "load/__init__.py": "from netlint.load.construct import build\n",
             "load/construct.py": "from netlint.sites import frame_site\ndef build():\n    pass\n",
             "sites.py": "def frame_site():\n    from .load import build  # deferred: still a cycle\n"}
    for name, text in files.items():
        (package / name).write_text(text)
    known, edges = graph({"netlint": package})
    assert cycles(known, edges) == [["netlint.load", "netlint.load.construct", "netlint.sites"]]
    assert sorted((e.importer, e.name) for e in private_imports(known, edges)) == [
        ("netlint.report", "_shape"), ("netlint.summary", "_shape")]


def test_the_checks_count_a_package_init_run_by_importing_its_submodule(tmp_path):
    package = tmp_path / "netlint"
    (package / "load").mkdir(parents=True)
    files = {"__init__.py": "",
             "load/__init__.py": "from netlint.load.construct import build\n",
             "load/construct.py": ("from netlint.load.user_code import LoadError\nfrom netlint.sites import site\n"
                                   "def build():\n    pass\n"),
             "load/user_code.py": "class LoadError(Exception):\n    pass\n",
             "sites.py": "from netlint.load.user_code import LoadError\ndef site():\n    pass\n",  # runs load/__init__
             "report.py": "from netlint.sites import site\n"}
    for name, text in files.items():
        (package / name).write_text(text)
    known, edges = graph({"netlint": package})
    assert cycles(known, edges) == [["netlint.load", "netlint.load.construct", "netlint.sites"]]
    # the same cycle at run time: the fresh-interpreter check names the modules it breaks
    failed = not_importable_alone(["netlint.report", "netlint.sites", "netlint.load.user_code"], tmp_path)
    assert [line.partition(":")[0] for line in failed] == ["netlint.report", "netlint.sites"]
    assert "partially initialized module 'netlint.sites'" in failed[1]


def test_no_import_cycle():
    known, edges = graph()
    found = cycles(known, edges)
    lines = []
    for component in found:
        members = set(component)
        lines.append("cycle: " + " ".join(component))
        lines += ["    " + where(e, known) for e in edges if e.importer in members and e.module in members]
    assert not found, "netlint's modules import each other in a cycle:\n" + "\n".join(lines)


def test_no_private_name_imported_across_modules():
    known, edges = graph()
    found = private_imports(known, edges)
    assert not found, ("modules import another module's private names (make them public, or move the code):\n"
                       + "\n".join("    " + where(e, known) for e in found))


IMPORT_EACH_ALONE = """
import importlib, sys, traceback
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "netlint" or m.startswith("netlint.")]:
        del sys.modules[loaded]  # each module imported first, as a user's `import netlint.x` would
    try:
        importlib.import_module(name)
    except Exception:
        print(name + ": " + traceback.format_exc(limit=-1).strip().splitlines()[-1])
"""


def not_importable_alone(names: list[str], path: Path | None = None) -> list[str]:
    """The modules that fail when imported first in a fresh interpreter (one child imports each in
    turn after forgetting every netlint module: torch and the rest stay loaded, which keeps it fast)."""
    env = dict(os.environ, PYTHONPATH=str(path)) if path else None
    child = subprocess.run([sys.executable, "-c", IMPORT_EACH_ALONE, *names], capture_output=True, text=True,
                           env=env, cwd=path or REPO, timeout=120)
    assert child.returncode == 0, child.stderr
    return child.stdout.splitlines()


def test_every_module_imports_on_its_own():
    names = [m for m in modules() if not m.endswith(".__main__")]  # __main__ runs the command line
    failed = not_importable_alone(names)
    assert not failed, "modules that cannot be imported first (an import cycle at run time):\n" + "\n".join(failed)
