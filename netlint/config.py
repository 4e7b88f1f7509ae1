"""``[tool.netlint]`` in the nearest ``pyproject.toml`` that has the section, checked key by
key. Command-line flags replace the values of the keys they name.

Reading the config never imports torch.
"""

from __future__ import annotations

import fnmatch
import functools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netlint.rule import SEVERITIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TASKS = ("auto", "image-to-image", "classification", "segmentation")
CODE_OR_PREFIX = re.compile(r"ALL|[A-Z]{1,3}[0-9]{0,3}")
RULE_CODE = re.compile(r"[A-Z]{1,3}[0-9]{3}")
Shape = tuple[int, ...]


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class PathPattern:
    """A glob relative to ``base``. It matches a path, any of its parent folders, or any
    single name in it (``third_party`` matches ``src/third_party/x.py``)."""

    pattern: str
    base: Path

    def matches(self, path: Path | str) -> bool:
        resolved = Path(path).resolve()
        try:
            parts = resolved.relative_to(_resolved(self.base)).parts
        except ValueError:
            parts = resolved.parts
        pattern = self.pattern.removeprefix("./").rstrip("/")
        candidates = {"/".join(parts[:i]) for i in range(1, len(parts) + 1)} | set(parts)
        return any(fnmatch.fnmatchcase(c, pattern) for c in candidates)


@functools.lru_cache(maxsize=None)
def _resolved(folder: Path) -> Path:
    return folder.resolve()


@dataclass(frozen=True)
class FileIgnore:
    """``per-file-ignores``: these codes (or prefixes) are not reported in matching files."""

    files: PathPattern
    codes: tuple[str, ...]


@dataclass(frozen=True)
class TargetSettings:
    """``[tool.netlint.targets."models/gen.py::Generator"]``: how to build and judge a target."""

    pattern: str  # a target as shown, relative to the config's folder; globs allowed
    input_shapes: tuple[Shape, ...] = ()
    task: str | None = None
    init: str | None = None  # constructor arguments, as call arguments: "n_channels=3, n_classes=2"


@dataclass(frozen=True)
class TrainingSettings:
    """``[tool.netlint.training]``: the training recipe, for the rules that read training
    scripts when the script does not spell a value out as a literal."""

    batch_size: int | None = None
    lr: float | None = None
    reference_batch_size: int = 256  # Goyal et al. 2017: lr 0.1 for a batch of 256 (ResNet-50, SGD)
    reference_lr: float | None = None  # None: the rule's own default for the optimizer


@dataclass(frozen=True)
class Config:
    """Everything the config file and the flags decide. The defaults are netlint's."""

    path: Path | None = None  # the pyproject.toml read, if any
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[FileIgnore, ...] = ()
    fail_level: str = "note"
    exclude: tuple[PathPattern, ...] = ()
    targets: tuple[TargetSettings, ...] = ()
    models: tuple[str, ...] = ()  # extra targets: "package.module:factory" or "file.py::Name"
    rules_dirs: tuple[str, ...] = ()  # absolute folders of the project's own rule files
    severity: dict[str, str] = field(default_factory=dict)  # rule code -> severity
    training: TrainingSettings = TrainingSettings()
    fix: bool = False  # apply the safe fixes (--fix)
    unsafe_fixes: bool = False  # also the unsafe ones (--unsafe-fixes)
    fixable: tuple[str, ...] = ("ALL",)  # codes or prefixes whose fixes may be applied
    unfixable: tuple[str, ...] = ()
    cache_dir: str | None = None  # where the cache is kept (netlint.cache); absolute

    @property
    def root(self) -> Path:
        """The folder relative paths in the config are read from."""
        return self.path.parent if self.path else Path.cwd()

    def target_settings(self, target: str) -> TargetSettings:
        """Each setting from the first ``targets`` entry that matches the target and sets it."""
        key = self.relative_target(target)
        matching = [t for t in self.targets if fnmatch.fnmatchcase(key, t.pattern)]
        return TargetSettings(key, next((t.input_shapes for t in matching if t.input_shapes), ()),
                              next((t.task for t in matching if t.task), None),
                              next((t.init for t in matching if t.init is not None), None))

    def relative_target(self, target: str) -> str:
        """``path::Name`` with the path made relative to the config's folder."""
        if "::" not in target:
            return target
        path, _, name = target.partition("::")
        return f"{_relative(Path(path), self.root)}::{name}"

    def is_excluded(self, path: Path | str) -> bool:
        return any(pattern.matches(path) for pattern in self.exclude)

    def ignored_in_file(self, path: Path | str, code: str) -> bool:
        return any(ignore.files.matches(path) and ("ALL" in ignore.codes or code.startswith(ignore.codes))
                   for ignore in self.per_file_ignores)

    def may_fix(self, code: str) -> bool:
        """Whether ``fixable``/``unfixable`` let the code's fix be applied (the longer prefix wins)."""
        def longest(prefixes: tuple[str, ...]) -> int:
            return max((len(p) if p != "ALL" else 0 for p in prefixes if p == "ALL" or code.startswith(p)), default=-1)

        return longest(self.fixable) > longest(self.unfixable)

    def fails(self, severity: str) -> bool:
        return SEVERITIES.index(severity) >= SEVERITIES.index(self.fail_level)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def find_config(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` with a ``[tool.netlint]`` section."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "netlint" in candidate.read_text(encoding="utf-8", errors="replace"):
            if "netlint" in _read_toml(candidate).get("tool", {}):
                return candidate
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    section = _read_toml(path)["tool"]["netlint"]
    return parse_config(section, path)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc


def parse_config(section: dict[str, Any], path: Path) -> Config:
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.netlint] must be a table")
    unknown = sorted(set(section) - set(_KEYS))
    if unknown:
        hint = f" (did you mean {unknown[0].replace('_', '-')!r}?)" if unknown[0].replace("_", "-") in _KEYS else ""
        raise ConfigError(f"{path}: [tool.netlint] has an unknown key {unknown[0]!r}{hint}; "
                          f"known keys: {', '.join(_KEYS)}")
    values: dict[str, Any] = {"path": path}
    for key, value in section.items():
        attribute, parse = _KEYS[key]
        try:
            values[attribute] = parse(value, path.parent)
        except ConfigError as exc:
            raise ConfigError(f"{path}: [tool.netlint] {key}: {exc}") from None
    return Config(**values)


def parse_codes(value: Any, _root: Path | None = None) -> tuple[str, ...]:
    """A list of rule codes or prefixes (``NL2``, ``NL201``, ``ALL``)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"expected a list of rule codes like [\"NL201\"], got {value!r}")
    codes = tuple(c.strip().upper() for v in value for c in v.split(",") if c.strip())
    for code in codes:
        if not CODE_OR_PREFIX.fullmatch(code):
            raise ConfigError(f"{code!r} is not a rule code or prefix (like NL2 or NL201)")
    return codes


def parse_shape(value: Any) -> Shape:
    """``"1,3,256,256"``, ``"1x3x256x256"`` or ``[1, 3, 256, 256]``."""
    if isinstance(value, str):
        parts = [p for p in re.split(r"[,x×]", value.strip().strip("()[]")) if p.strip()]
        try:
            shape = tuple(int(p) for p in parts)
        except ValueError:
            shape = ()
    elif isinstance(value, list) and all(isinstance(d, int) and not isinstance(d, bool) for d in value):
        shape = tuple(value)
    else:
        shape = ()
    if not shape or any(d <= 0 for d in shape):
        raise ConfigError(f"{value!r} is not a shape like \"1,3,256,256\"")
    return shape


def _input_shapes(value: Any) -> tuple[Shape, ...]:
    """One shape, or a list of shapes for a forward with several inputs."""
    if isinstance(value, list) and value and all(isinstance(v, (list, str)) for v in value):
        return tuple(parse_shape(v) for v in value)
    return (parse_shape(value),)


def _flag(value: Any, _root: Path) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"expected true or false, got {value!r}")
    return value


def _choice(choices: tuple[str, ...]):
    def parse(value: Any, _root: Path) -> str:
        if value not in choices:
            raise ConfigError(f"{value!r} is not one of {', '.join(choices)}")
        return value
    return parse


def _strings(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"expected a list of {what}, got {value!r}")
    return value


def _patterns(value: Any, root: Path) -> tuple[PathPattern, ...]:
    return tuple(PathPattern(p, root) for p in _strings(value, "glob patterns"))


def _per_file_ignores(value: Any, root: Path) -> tuple[FileIgnore, ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"expected a table of glob = [codes], got {value!r}")
    return tuple(FileIgnore(PathPattern(glob, root), parse_codes(codes)) for glob, codes in value.items())


def _models(value: Any, _root: Path) -> tuple[str, ...]:
    for spec in _strings(value, "targets"):
        if "::" not in spec and ":" not in spec:
            raise ConfigError(f"{spec!r} is not a target like \"package.module:factory\" or \"file.py::Name\"")
    return tuple(value)


def _rules_dirs(value: Any, root: Path) -> tuple[str, ...]:
    folders = tuple(str((root / d).resolve()) for d in _strings(value, "folders"))
    for folder in folders:
        if not Path(folder).is_dir():
            raise ConfigError(f"{folder} is not a folder")
    return folders


def _severity(value: Any, _root: Path) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"expected a table of CODE = \"error\" | \"warning\" | \"note\", got {value!r}")
    for code, severity in value.items():
        if not RULE_CODE.fullmatch(code):
            raise ConfigError(f"{code!r} is not a rule code like NL201")
        if severity not in SEVERITIES:
            raise ConfigError(f"{code}: {severity!r} is not one of {', '.join(SEVERITIES)}")
    return dict(value)


def _targets(value: Any, _root: Path) -> tuple[TargetSettings, ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"expected tables like [tool.netlint.targets.\"model.py::Net\"], got {value!r}")
    targets = []
    for pattern, settings in value.items():
        if not isinstance(settings, dict) or set(settings) - {"input-shape", "task", "init"}:
            raise ConfigError(f"{pattern!r}: only input-shape, task and init can be set per target, "
                              f"got {settings!r}")
        try:
            shapes = _input_shapes(settings["input-shape"]) if "input-shape" in settings else ()
            task = _choice(TASKS)(settings["task"], _root) if "task" in settings else None
            init = _init(settings["init"]) if "init" in settings else None
        except ConfigError as exc:
            raise ConfigError(f"{pattern!r}: {exc}") from None
        targets.append(TargetSettings(pattern, shapes, task, init))
    return tuple(targets)


def _init(value: Any) -> str:
    """``init = {n_channels = 3, n_classes = 2}``: keyword arguments, as call arguments."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and k.isidentifier() for k in value):
        raise ConfigError(f"init: expected a table of parameter = value, got {value!r}")
    return ", ".join(f"{name}={argument!r}" for name, argument in value.items())


def _cache_dir(value: Any, root: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"expected a folder, got {value!r}")
    return str((root / Path(value).expanduser()).resolve())


_TRAINING_KEYS = {  # key -> (attribute, type); every value is a positive number
    "batch-size": ("batch_size", int),
    "lr": ("lr", float),
    "reference-batch-size": ("reference_batch_size", int),
    "reference-lr": ("reference_lr", float),
}


def _training(value: Any, _root: Path) -> TrainingSettings:
    if not isinstance(value, dict):
        raise ConfigError(f"expected a table like [tool.netlint.training], got {value!r}")
    unknown = sorted(set(value) - set(_TRAINING_KEYS))
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r}; known keys: {', '.join(_TRAINING_KEYS)}")
    values = {}
    for key, given in value.items():
        attribute, kind = _TRAINING_KEYS[key]
        number = isinstance(given, (int, float)) and not isinstance(given, bool)
        if not number or (kind is int and not isinstance(given, int)) or given <= 0:
            raise ConfigError(f"{key}: expected a positive {'whole ' if kind is int else ''}number, "
                              f"got {given!r}")
        values[attribute] = kind(given)
    return TrainingSettings(**values)


_KEYS = {
    "select": ("select", parse_codes),
    "ignore": ("ignore", parse_codes),
    "extend-select": ("extend_select", parse_codes),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "fail-level": ("fail_level", _choice(SEVERITIES)),
    "exclude": ("exclude", _patterns),
    "targets": ("targets", _targets),
    "models": ("models", _models),
    "rules-dirs": ("rules_dirs", _rules_dirs),
    "severity": ("severity", _severity),
    "training": ("training", _training),
    "fix": ("fix", _flag),
    "unsafe-fixes": ("unsafe_fixes", _flag),
    "fixable": ("fixable", parse_codes),
    "unfixable": ("unfixable", parse_codes),
    "cache-dir": ("cache_dir", _cache_dir),
}
