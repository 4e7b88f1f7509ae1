"""What the project's code says a constructor parameter without a default takes, read with
``ast`` (guesses: netlint's inference, a skip when they do not build):

- a key of a module-level table of its file that the class indexes with it or checks it
  against (``cfg[vgg_name]``, ``cfgs[mode]``, ``arch_settings[depth]``, ``assert model_name
  in VALID_MODELS``): the table's keys, first first;
- an option of the same name of the project's scripts (``--base-width`` for ``baseWidth``,
  ``netlint.arguments.script_options``): its default;
- a module of the same name at the top level of its file (``decoder = nn.Sequential(...)``
  for a ``decoder`` parameter);
- a path to a configuration file (``config_path``, ``cfg_file``, ``model_def``): the project's
  files with an extension its code names (``.cfg``, ``.yaml``, ``.json``...), a path a string
  of the code names first (``"config/yolov3.cfg"``), then the names closest to the class's."""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netlint.arguments.parser_defaults import script_defaults
from netlint.arguments.project_text import file_text, file_tree, project_python_files
from netlint.arguments.script_options import option_default, snake
from netlint.project import CONFIG_EXTENSIONS, config_files as project_config_files, project_root

MAX_KEYS = 4  # the keys of a table tried, first first
MAX_FILES = 3  # the configuration files tried
_PATH_WORDS = {"path", "file", "filename", "fname", "def", "cfgfile", "cfg_file", "config_file", "yaml", "json"}
_READERS = {"json": {"json"}, "yaml": {"yaml", "yml"}, "toml": {"toml"}, "tomllib": {"toml"},
            "configparser": {"ini", "cfg"}}
_QUOTED = re.compile(r"""['"]([^'"\n]*\.(%s))['"]""" % "|".join(CONFIG_EXTENSIONS))


@dataclass(frozen=True)
class Hint:
    values: tuple[Any, ...]  # the values to try, best first
    source: str  # how the report says where they come from: "the keys of cfg (vgg.py:11)"
    texts: tuple[str, ...] = ()  # how the call shows each value, when not by its repr: "decoder"


def hints(factory: Any, required: list[str], namespace: dict[str, Any]) -> dict[str, Hint]:
    """For the ``required`` parameters of ``factory`` that the code says something about."""
    found: dict[str, Hint] = {}
    node, path = _definition(factory)
    tables = _table_keys(node, path, set(required)) if node is not None else {}
    for name in required:
        if name in tables:
            found[name] = tables[name]
        elif (accepted := accepted_names(factory, name)) is not None:
            found[name] = accepted
        elif path is not None and (option := option_default(name, path, project_root(path.resolve()))) is not None:
            value, script = option
            found[name] = Hint((value,), f"the default of {script}'s option {snake(name)}")
        elif _is_module(namespace.get(name)):
            found[name] = Hint((namespace[name],), f"the module {name} of {_shown(path) or 'its file'}", (name,))
        elif path is not None and (built := _layers_of_file(name, path, namespace)) is not None:
            found[name] = built
        elif is_path_parameter(name) and path is not None:
            files = config_files(path, _owner_name(factory))
            if files:
                found[name] = Hint(tuple(_shown(f) for f in files), "the project's configuration files")
    return found


def accepted_names(factory: Any, name: str) -> Hint | None:
    """The strings the constructor checks the parameter against (``assert backbone in
    ['resnet50', 'mobilenetv2']``, ``if backbone == 'resnet101':``), in its own ``__init__``
    and in those of its project base classes it passes the parameter on to (``super().__init__
    (backbone, ...)``), and in the class's methods when it keeps the parameter on ``self``
    (``self.option_unpool = option_unpool``, then ``if self.option_unpool == 'sum':`` in
    ``forward``): the one the project's scripts give as a default first, then the code's order."""
    found: list[str] = []
    where = ""
    for init in _project_inits(factory):
        node, path = _definition(init)
        owner = node if isinstance(node, ast.ClassDef) else None
        if owner is not None:
            node = next((n for n in owner.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        if node is None or path is None:
            continue
        kept = _kept_on_self(node, name)
        uses = [(use, name) for use in ast.walk(node)]
        uses += [(use, None) for use in ast.walk(owner)] if owner is not None and kept else []
        for use, plain in uses:
            if isinstance(use, ast.Compare) and len(use.ops) == 1:
                sides = [use.left, use.comparators[0]]
                if any(isinstance(side, ast.Name) and side.id == plain if plain else _is_kept(side, kept)
                       for side in sides):
                    strings = [e.value for side in sides for e in _elements(side)
                               if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                    found += [v for v in strings if v not in found]
                    where = where or f"{_shown(path)}:{use.lineno}"
    if not found:
        return None
    defaults = script_defaults(project_root(Path(where.rpartition(":")[0]).resolve()))
    found.sort(key=lambda v: defaults.index(v) if v in defaults else len(defaults))
    return Hint(tuple(found[:MAX_KEYS]), f"the names the constructor accepts ({where})")


def _kept_on_self(init: ast.AST, name: str) -> set[str]:
    """The attributes of ``self`` the constructor keeps the parameter under (``self.mode = mode``)."""
    return {t.attr for n in ast.walk(init) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name)
            and n.value.id == name for t in n.targets
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"}


def _is_kept(node: ast.expr, kept: set[str]) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in kept and isinstance(node.value, ast.Name)
            and node.value.id == "self")


def _project_inits(factory: Any) -> list[Any]:
    """The ``__init__`` of a class and of its bases defined in the project; a function alone."""
    from netlint.user_code import is_library_file

    if not inspect.isclass(factory):
        return [factory]
    inits = []
    for cls in factory.__mro__:
        init = vars(cls).get("__init__")
        try:
            file = inspect.getsourcefile(init) if inspect.isfunction(init) else None
        except TypeError:
            file = None
        if file and not is_library_file(file):
            inits.append(init)
    return inits


def _elements(node: ast.expr) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]


def _layers_of_file(name: str, path: Path, namespace: dict[str, Any]) -> Hint | None:
    """``features`` (or ``layers`` for ``make_layers``): what a function of the file that
    builds layers from a configuration makes of the entries of a table of the file
    (``make_layers(cfg['A'])``), built on meta."""
    import torch

    from netlint.class_scan import factories

    tree = file_tree(path)
    if tree is None:
        return None
    builders = [f for f in factories(tree.body, {"nn", "torch"}).values() if len(f.required) == 1
                and (name == "features" or name in f.name.lower().split("_"))]
    tables = [(t, v) for t, (v, _line) in _tables(tree).items() if isinstance(v, ast.Dict)
              and all(isinstance(x, ast.List) for x in v.values)]
    if not builders or not tables or not callable(namespace.get(builders[0].name)):
        return None
    builder, (table, value) = builders[0], tables[0]
    keys = _literals(list(value.keys))[:MAX_KEYS]
    made, texts = [], []
    for key in keys:
        try:
            with torch.device("meta"):
                made.append(namespace[builder.name](namespace[table][key]))
        except Exception:  # (the project's function: what fails is not tried)
            continue
        texts.append(f"{builder.name}({table}[{key!r}])")
    if not made:
        return None
    return Hint(tuple(made), f"{builder.name} and the keys of {table} ({_shown(path)})", tuple(texts))


def is_path_parameter(name: str) -> bool:
    words = set(name.lower().strip("_").split("_")) | {name.lower().strip("_")}
    return bool(words & _PATH_WORDS) and not words & {"dir", "folder", "root"}


def _is_module(value: Any) -> bool:
    from torch import nn

    return isinstance(value, nn.Module)


def _owner_name(factory: Any) -> str:
    return getattr(factory, "__qualname__", "").split(".")[0]


def _shown(path: Path | None) -> str:
    from netlint.paths import display_path

    return display_path(path) if path is not None else ""


def _definition(factory: Any) -> tuple[ast.AST | None, Path | None]:
    """The class that holds ``factory`` (a class, or a classmethod of one), or the function."""
    function = getattr(factory, "__func__", factory)
    try:
        path = Path(inspect.getsourcefile(function) or "")
    except TypeError:
        return None, None
    tree = file_tree(path)
    if tree is None:
        return None, path
    owner = _owner_name(factory)
    node = next((n for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef)) and n.name == owner), None)
    return node, path


def _tables(tree: ast.Module) -> dict[str, tuple[ast.expr, int]]:
    """The file's top-level dicts, lists, tuples and sets written out: name -> (value, line)."""
    found: dict[str, tuple[ast.expr, int]] = {}
    for statement in tree.body:
        target = value = None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign):
            target, value = statement.target, statement.value
        if isinstance(target, ast.Name) and isinstance(value, (ast.Dict, ast.List, ast.Tuple, ast.Set)):
            found[target.id] = (value, statement.lineno)
    return found


def _literals(nodes: list[ast.expr | None]) -> list[Any]:
    values = []
    for node in nodes:
        try:
            values.append(ast.literal_eval(node))
        except (ValueError, TypeError, SyntaxError):
            return []
    return values


def _table_keys(node: ast.AST, path: Path, names: set[str]) -> dict[str, Hint]:
    """The parameters ``names`` that index a top-level table of the file, or are checked to be in one."""
    tree = file_tree(path)
    tables = _tables(tree) if tree is not None else {}
    if isinstance(node, ast.ClassDef):  # its own: self.arch_settings[depth]
        tables.update({f"self.{k}": v for k, v in _tables(ast.Module(body=node.body, type_ignores=[])).items()})
    found: dict[str, Hint] = {}
    for use in ast.walk(node):
        name = table = None
        indexed = False
        if isinstance(use, ast.Subscript) and isinstance(use.slice, ast.Name):
            name, table, indexed = use.slice.id, _table_name(use.value), True
        elif isinstance(use, ast.Compare) and isinstance(use.left, ast.Name) and len(use.ops) == 1 \
                and isinstance(use.ops[0], (ast.In, ast.NotIn)):
            name, table = use.left.id, _table_name(use.comparators[0])
        if name not in names or name in found or table not in tables:
            continue
        value, line = tables[table]
        if isinstance(value, ast.Dict):
            keys, what = _literals(list(value.keys)), "the keys"
        elif indexed:
            keys, what = list(range(len(value.elts))), "the positions"
        else:
            keys, what = _literals(list(value.elts)), "the entries"
        if keys:
            found[name] = Hint(tuple(keys[:MAX_KEYS]), f"{what} of {table} ({_shown(path)}:{line})")
    return found


def _table_name(node: ast.expr) -> str | None:
    """``cfg``, ``self.arch_settings`` (or ``cls.``: a class's own table)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
        return f"self.{node.attr}"
    return None


def config_files(path: Path, class_name: str) -> list[Path]:
    """The project's configuration files for a model of ``path``: those a string of its code
    names (its own file's first), then the files with an extension the code names, the
    names closest to the class's (or its file's) first."""
    root = project_root(path)
    files = [path.resolve(), *(f.resolve() for f in project_python_files(root) if f.resolve() != path.resolve())]
    named: list[Path] = []
    extensions: set[str] = set()
    for module, read in _READERS.items():  # the model's file reads json: .json files
        if re.search(rf"^\s*(import|from)\s+{module}\b", file_text(path.resolve()), re.MULTILINE):
            extensions |= read
    for file in files:
        for text, extension in _QUOTED.findall(file_text(file)):
            extensions.add(extension)
            for base in (root, file.parent, Path.cwd()):
                candidate = (base / text).resolve()
                if candidate.is_file() and candidate not in named and candidate.is_relative_to(root):
                    named.append(candidate)
                    break
    wanted = {re.sub(r"[^a-z0-9]", "", w) for w in (class_name.lower(), path.stem.lower())}
    others = sorted((f for f in project_config_files(root) if f.suffix[1:] in extensions and f not in named),
                    key=lambda f: (-_likeness(f.stem, wanted), len(f.relative_to(root).parts), str(f)))
    return (named + others)[:MAX_FILES]


def _likeness(stem: str, wanted: set[str]) -> int:
    stem = re.sub(r"[^a-z0-9]", "", stem.lower())
    return max((len(w) for w in wanted if w and (w in stem or stem in w)), default=0)
