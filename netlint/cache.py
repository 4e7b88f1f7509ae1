"""The incremental cache, as ruff's ``.ruff_cache``: what the workers found in a file, kept
between runs, so that an unchanged file is not imported, built and traced again.

An entry holds one file's ``LintResult`` (models, findings, skips, the errors that are the
code's own, what it printed): every output format renders from it as from a fresh lint. It
is found by a key made of the file's text, the targets and options asked for, the config,
the command line's options that change results, netlint's and the rules' code and the
versions of torch, torchvision and timm (``Stamp``); it is used only while what the lint read
besides is unchanged: the project files its import ran, the project files that name its
models (the calls, configurations and inputs the arguments are taken from) and the versions
of the libraries their code imports (``Inputs``, recorded in the worker).

Entries live outside the user's tree, in ``$XDG_CACHE_HOME/netlint/<project>/`` (else
``~/.cache/netlint``); ``NETLINT_CACHE_DIR`` or the config's ``cache-dir`` move it. An entry is
written to a temporary file of the same folder, then renamed over the old one (atomic, so
that workers, ``-j N`` and the daemon's runs never see half an entry); one that does not
read back whole, with its checksum and its key, is ignored. Results decided by a time limit,
a worker that died or a bug in netlint are never written. Beside the files' entries, one
holds what the reports say about the rules, by a fingerprint read without importing them:
a run whose files are all in the cache never imports torch.

Discovery's scan (``netlint.discover``: the ``ast`` of every file, the project searched for
each class's calls and builders) of a command line that names a folder is kept too, one entry
a command line (files named one by one, as pre-commit names them, are scanned): it is used while
every file it could have read is unchanged. Those are the files of the folders an import or
an argument search can reach (the working directory and each path's import roots:
``discovery_roots``), listed again each run: the same names, and for each file the same
``stat`` (size, mtime and ctime in ns, inode) or, where the stat changed, the same content
hash (a checkout, a restored CI cache, ``touch``). The ctime, which a program cannot set
(only the clock), catches an edit whose size and mtime were put back; the hash, a stat changed
by a copy. A scan during which a file changed is not kept, and the stat of a file changed in
the last 2 s is not trusted (its content is compared): an edit in the same clock tick as the
scan would keep it.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import enum
import functools
import hashlib
import io
import os
import pickle
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from netlint import __version__
from netlint.result import Inputs, LintResult

FORMAT = 1  # the layout of an entry: a new one ignores the old entries
MAGIC = b"netlint-cache %d\n" % FORMAT
KEY_LIBRARIES = ("torch", "torchvision", "timm")
NETLINT_DIR = Path(__file__).resolve().parent
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_NAMING_FILES = 2000  # project files searched for the names of a file's models
CACHE_VARIABLES = ("NETLINT_CACHE_DIR", "NETLINT_NO_CACHE")  # where the cache is, not what a lint finds
MAX_DISCOVERY_FILES = 20000  # a bigger tree is scanned each run, not kept
# what discovery may read: Python, notebooks, configurations, scripts without an extension
READ_SUFFIXES = (".py", ".ipynb", ".cfg", ".yaml", ".yml", ".json", ".toml", ".ini", ".conf", ".prototxt")
RECENT_NS = 2 * 10 ** 9  # a file's stat is trusted from 2 s after its last change
# a bigger file is told by its stat alone (a data file in JSON); a bigger file without an extension
# is no script (netlint.arguments.project_text.MAX_SCRIPT_BYTES): discovery never reads it
MAX_HASHED_BYTES = 1_000_000
TEXT = "text:"  # a digest of the text a scan parsed (netlint.class_scan.text_digest), not of the bytes
PROJECT_MARKERS = ("pyproject.toml", "setup.py", ".git")  # (netlint.project.MARKERS: where a project's root is)


def cache_root(config_folder: str | None = None) -> Path:
    """``NETLINT_CACHE_DIR``, else the config's ``cache-dir``, else ``$XDG_CACHE_HOME/netlint``
    (``~/.cache/netlint`` when unset)."""
    given = os.environ.get("NETLINT_CACHE_DIR") or config_folder
    if given:
        return Path(given).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "netlint"


def project_folder(root: Path, project: Path) -> Path:
    """The project's own folder in the cache: one a project, named by its resolved path."""
    resolved = str(project.resolve())
    digest = hashlib.sha256(resolved.encode()).hexdigest()[:16]
    return root / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', Path(resolved).name)[:40]}-{digest}"


@dataclasses.dataclass(frozen=True)
class Key:
    slot: str  # the entry's file name: the linted file's and the settings'
    full: str  # everything the result depends on before it runs; kept in the entry, compared on reading


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """The entries of one project; ``stamp`` is what every key of a run shares (``stamp()``)."""

    def __init__(self, folder: Path, reading: bool = True) -> None:
        self.folder = folder
        self.reading = reading  # False: entries are written, never read (--fix, --diff)
        self.stamp = ""  # set by the run (netlint.lint), once it knows its rules
        self.hits = self.misses = self.written = 0
        self.problem = ""  # why entries could not be written, once
        self.discovered = ""  # "cached" or "scanned" once discovery ran through the cache
        self._digests: dict[str, str] = {}
        self._versions: dict[str, str] = {}
        self._identifiers: dict[str, frozenset[str]] = {}
        self._project_files: dict[Path, tuple[str, ...]] = {}
        self._roots: dict[str, Path] = {}  # a folder -> its project's root

    def key(self, work: Sequence[tuple], listed: Iterable[str]) -> Key | None:
        """The key of one file's work (``(target, options)`` pairs); None when it has no file.
        Its slot (the entry's file) is the file's and the settings': an edit replaces the
        file's entry rather than adding one."""
        from netlint.source import version

        path = work[0][0].path
        if path is None or any(target.path != path for target, _ in work) or version(path)[0] == "edited":
            return None  # a module target; a text --fix is verifying
        file = str(path.resolve())
        digest = self.digest(file)
        if not digest:
            return None
        options = [repr(dataclasses.replace(options, timeout=None)) for _, options in work]
        text = repr((self.stamp, file, digest, [repr(target) for target, _ in work], options, sorted(listed)))
        return Key(_hashed(repr((self.stamp, file, options))), _hashed(text))

    def _entry(self, key: Key) -> Path:
        return self.folder / key.slot[:2] / key.slot

    def load(self, key: Key) -> LintResult | None:
        """The entry's result, if it is whole, is this key's and what it read is unchanged."""
        if not self.reading:
            self.misses += 1
            return None
        try:
            data = self._entry(key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        entry = _decoded(data)
        if entry is None or entry[0] != key.full or not self._still_valid(entry[1]):
            self.misses += 1
            return None
        self.hits += 1
        return entry[2]

    def store(self, key: Key, result: LintResult, targets: int) -> None:
        """Keep the result of a file's ``targets``, unless a time limit, a bug or a worker
        that died decided part of it (then the lint that covered them all sent no inputs)."""
        if [(i.cacheable, i.targets) for i in result.inputs] != [(True, targets)]:
            return
        if self._write(self._entry(key), (key.full, self._read_by(result), dataclasses.replace(
                result, inputs=[], models=[dataclasses.replace(m, cost=(), loaded=()) for m in result.models]))):
            self.written += 1

    def _write(self, path: Path, entry: tuple) -> bool:
        """The entry written whole or not at all: to a temporary file of its folder, renamed."""
        import tempfile

        payload = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        data = MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            self.problem = self.problem or f"cannot write to the cache {self.folder}: {exc.strerror or exc}"
            return False
        return True

    def rules(self, fingerprint: str) -> list | None:
        """The reports' information on the rules (``RuleInfo``) a run of this fingerprint
        loaded: a run whose files are all in the cache never imports the rules (nor torch)."""
        if not self.reading:
            return None
        with contextlib.suppress(OSError):
            entry = _decoded((self.folder / "rules" / fingerprint).read_bytes())
            if entry is not None and entry[0] == fingerprint:
                return entry[2].rules
        return None

    def keep_rules(self, fingerprint: str, rules: list) -> None:
        self._write(self.folder / "rules" / fingerprint, (fingerprint, (), LintResult(rules=list(rules))))

    def discovery(self, specs: Sequence[str], scan: Callable[[list[str]], object]):
        """``scan(specs)`` (``netlint.discover.discover``), from the cache while every file
        it could have read is unchanged; else scanned, and kept unless a file changed meanwhile."""
        from netlint.source import files_parsed
        from netlint.discover import Discovery

        specs = list(specs)
        # (a run that edits files: discovery reads the edited texts.) Files named one by one, as
        # pre-commit names a commit's, are scanned: each list would be an entry of its own, and
        # the scan of a few files costs less than listing the project's.
        if not self.reading or not any(_is_folder(spec) for spec in specs):
            return scan(specs)
        roots = discovery_roots(specs)
        slot = _hashed(repr((FORMAT, __version__, _netlint_digest(), sys.version, os.getcwd(), specs,
                             [(spec, _exists(spec)) for spec in specs], roots)))
        path = self.folder / "discovery" / slot[:2] / slot
        started = time.time_ns()
        with contextlib.suppress(OSError, TypeError, ValueError):  # (an entry of another shape)
            entry = _decoded(path.read_bytes(), Discovery)
            if entry is not None and entry[0] == slot:
                extra, markers, files = entry[1]
                now = _tree_state(roots, self.folder, extra)
                if now is not None and self._same_tree((markers, files), now):
                    self.discovered = "cached"
                    kept = (extra, markers, tuple((f, _settled(current, started), digest)
                                                  for (f, _, digest), (_, current) in zip(files, now[1])))
                    if kept != entry[1]:  # new stats, the same contents (a checkout, a restored cache, touch)
                        self._write(path, (slot, kept, entry[2]))
                    return entry[2]
        now = _tree_state(roots, self.folder)
        if now is None:
            return scan(specs)
        markers, files = self._with_digests(now, started)  # (hashed before the scan reads them)
        found = scan(specs)
        self.discovered = "scanned"
        walked = {f for f, _ in now[1]}
        parsed = {str(f): digest for f, digest in files_parsed().items() if str(f) not in walked}
        extra = tuple(sorted(parsed))
        after = _tree_state(roots, self.folder, extra)
        if after is not None and (after[0], after[1][:len(now[1])]) == now and _within(_roots_read(found), roots):
            # the files read outside the folders (a symlinked folder's), with the text the scan parsed
            outside = tuple((f, _settled(stat, started), parsed[f] and TEXT + parsed[f])
                            for f, stat in after[1][len(now[1]):])
            self._write(path, (slot, (extra, markers, files + outside), found))
        return found  # (not kept when a file changed while it was scanned)

    def _with_digests(self, state: tuple, started: int) -> tuple:
        """The state with each file's content hash (``_settled`` stats)."""
        markers, files = state
        return markers, tuple((f, _settled(stat, started), self.digest(f) if stat[0] <= MAX_HASHED_BYTES else "")
                              for f, stat in files)

    def _same_tree(self, kept: tuple, now: tuple) -> bool:
        """The same folders' files, each with the same stat or else the same content."""
        markers, files = kept
        if markers != now[0] or [f for f, _, _ in files] != [f for f, _ in now[1]]:
            return False
        return all(stat == current or (digest and self._digest_like(f, digest) == digest)
                   for (f, stat, digest), (_, current) in zip(files, now[1]))

    def _digest_like(self, file: str, digest: str) -> str:
        """The file's content hash, or the hash of its text for a file recorded by its text."""
        if not digest.startswith(TEXT):
            return self.digest(file)
        from netlint.source import read_source, text_digest

        try:
            return TEXT + text_digest(read_source(file))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            return ""

    def summary(self) -> str:
        text = f"cache: {self.hits} file{'s' * (self.hits != 1)} cached, {self.misses} linted ({self.folder})"
        if self.discovered:
            text += f"; discovery {self.discovered}"
        return f"{text}; {self.problem}" if self.problem else text

    # what an entry read, and whether it is unchanged

    def _read_by(self, result: LintResult) -> tuple:
        files, libraries = result.inputs[0].files, result.inputs[0].libraries
        names = sorted(_model_names(result))
        return (tuple((f, self.digest(f)) for f in files),
                tuple((name, self.version(name)) for name in libraries),
                tuple(names), self._naming(names, files))

    def _still_valid(self, read) -> bool:
        try:
            files, libraries, names, naming = read
            return (all(self.digest(f) == digest for f, digest in files)
                    and all(self.version(name) == version for name, version in libraries)
                    and self._naming(list(names), [f for f, _ in files]) == naming)
        except (TypeError, ValueError):  # an entry of another shape
            return False

    def _naming(self, names: list[str], files: list[str]) -> tuple:
        """The project files, other than ``files``, whose code names one of the models: where
        the calls, configurations and example inputs that build them are found."""
        if not names or not files:
            return ()
        wanted = set(names)
        seen = set(files)
        found = []
        for file in self._project(Path(files[0])):
            if file not in seen and wanted & self._identifiers_of(file):
                found.append((file, self.digest(file)))
        return tuple(found)

    def _project(self, path: Path) -> tuple[str, ...]:
        from netlint.project import CONFIG_EXTENSIONS, project_root, skipped_dir

        folder = str(path.parent)
        if folder not in self._roots:  # (every entry of a folder asks: its root is found once)
            self._roots[folder] = project_root(path)
        root = self._roots[folder]
        if root not in self._project_files:
            found = []
            for folder, dirs, names in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not skipped_dir(Path(folder) / d))
                found += [str(Path(folder, n).resolve()) for n in sorted(names)
                          if n.endswith(".py") or n.rpartition(".")[2] in CONFIG_EXTENSIONS]
                if len(found) >= MAX_NAMING_FILES:
                    break
            self._project_files[root] = tuple(found[:MAX_NAMING_FILES])
        return self._project_files[root]

    def _identifiers_of(self, file: str) -> frozenset[str]:
        if file not in self._identifiers:
            try:
                text = Path(file).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self._identifiers[file] = frozenset(IDENTIFIER.findall(text))
        return self._identifiers[file]

    def digest(self, file: str) -> str:
        """The file's content, hashed once a run; "" when it cannot be read."""
        if file not in self._digests:
            try:
                self._digests[file] = hashlib.sha256(Path(file).read_bytes()).hexdigest()
            except OSError:
                self._digests[file] = ""
        return self._digests[file]

    def version(self, name: str) -> str:
        """The installed version of the library imported as ``name``; "" when none is."""
        if name not in self._versions:
            self._versions[name] = library_version(name)
        return self._versions[name]


def library_version(name: str) -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        pass
    distributions = _distributions().get(name, [])
    versions = []
    for distribution in sorted(set(distributions)):
        try:
            versions.append(f"{distribution} {importlib.metadata.version(distribution)}")
        except (importlib.metadata.PackageNotFoundError, ValueError):
            continue
    return ", ".join(versions)


@functools.lru_cache(maxsize=1)
def _distributions() -> dict[str, list[str]]:
    import importlib.metadata

    return importlib.metadata.packages_distributions()


def imported_libraries(files: Iterable[str], own: Iterable[str] = ()) -> tuple[str, ...]:
    """The top-level names the files' code imports (anywhere in it), without the standard
    library's and the project's ``own``."""
    names = set()
    for file in files:
        try:
            tree = ast.parse(Path(file).read_bytes())
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.partition(".")[0])
    return tuple(sorted(names - set(sys.stdlib_module_names) - set(own)))


def _model_names(result: LintResult) -> set[str]:
    names = {m.class_name for m in result.models}
    for display in [*(m.target for m in result.models), *(s.target for s in result.skipped),
                    *(e.target for e in result.errors)]:
        name = display.partition("::")[2].partition("(")[0]
        if name.isidentifier():
            names.add(name)
    return names


def rules_fingerprint(config) -> str:
    """The rules a run would load, known without importing them (their modules import torch):
    the registered entry points and the plug-ins that provide them, the code of the folders
    their modules are in (with the helpers beside them), the project's rule folders and the
    settings that select the rules and set their severities."""
    import importlib.metadata
    import importlib.util

    entries, folders = [], set(config.rules_dirs)
    for entry in sorted(importlib.metadata.entry_points(group="netlint.rules"), key=lambda e: (e.name, e.value)):
        # the plug-in's name and version: its metadata's text (parsing it costs ms an entry point)
        metadata = entry.dist.read_text("METADATA") if entry.dist is not None else None
        entries.append((entry.name, entry.value, _hashed(metadata or "")))
        try:
            spec = importlib.util.find_spec(entry.module)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            folders.add(str(Path(spec.origin).parent))
    code = [(folder, _folder_digest(folder)) for folder in sorted(folders)]
    return _hashed(repr((FORMAT, __version__, _netlint_digest(), entries, code, config.select, config.ignore,
                         config.extend_select, sorted(config.severity.items()))))


def stamp(config, rules: str) -> str:
    """What every key of this run shares: netlint's code and version, the rules
    (``rules_fingerprint``), the versions of the key libraries and of Python, the config (its
    file's text and the settings that change results), the working directory (paths are
    shown relative to it) and the import path (but its first entry: the script's folder)."""
    import importlib.metadata

    config_text = ""
    if config.path is not None:
        with contextlib.suppress(OSError):
            config_text = Path(config.path).read_text(encoding="utf-8", errors="replace")
    kept = dataclasses.replace(config, per_file_ignores=(), fail_level="note", fix=False, unsafe_fixes=False,
                               fixable=(), unfixable=())
    environment = sorted((k, v) for k, v in os.environ.items()
                         if (k.startswith("NETLINT_") and k not in CACHE_VARIABLES) or k == "PYTHONPATH")
    text = repr((FORMAT, __version__, _netlint_digest(), rules,
                 [(name, library_version(name)) for name in KEY_LIBRARIES], sys.version, sys.executable,
                 sys.platform, config_text, repr(kept), os.getcwd(), sys.path[1:], environment))
    return hashlib.sha256(text.encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def _netlint_digest() -> str:
    """netlint's own code: a change to it (an upgrade, a development tree) makes new keys."""
    digest = hashlib.sha256()
    for file in sorted(NETLINT_DIR.rglob("*.py")):
        digest.update(str(file.relative_to(NETLINT_DIR)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=64)
def _folder_digest(folder: str) -> str:
    """The Python files of a rule's folder: its module and the helpers beside it (rules/_counting.py)."""
    digest = hashlib.sha256()
    for file in sorted(Path(folder).glob("*.py")):
        with contextlib.suppress(OSError):
            digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def discovery_roots(specs: Sequence[str]) -> tuple[str, ...]:
    """The folders (or files) whose files discovery of ``specs`` may read: the working
    directory, each path named and the folders an import in it is searched from (its package's
    root, its project's root: ``netlint.project.import_roots``), none inside another."""
    from netlint.project import import_roots

    found = {Path.cwd().resolve()}
    for spec in specs:
        file = spec.partition("::")[0] if "::" in spec else spec
        if not _exists(file):
            continue
        path = Path(file).resolve()
        found.add(path)
        found.update(import_roots(path if path.is_file() else path / "__init__.py"))
    return tuple(str(r) for r in sorted(found) if not any(other in r.parents for other in found))


def _roots_read(found) -> set[Path]:
    """The folders whose files the scan of these files may have read (their import roots)."""
    from netlint.project import import_roots

    return {root for file in found.files for root in import_roots(Path(file))}


def _within(folders: set[Path], roots: tuple[str, ...]) -> bool:
    kept = [Path(r) for r in roots]
    return all(any(folder == root or root in folder.parents for root in kept) for folder in folders)


def _is_folder(spec: str) -> bool:
    try:
        return "::" not in spec and Path(spec).is_dir()
    except OSError:
        return False


def _exists(spec: str) -> bool:
    try:
        return Path(spec).exists()
    except OSError:
        return False


def _tree_state(roots: tuple[str, ...], cache: Path, extra: Sequence[str] = ()) -> tuple | None:
    """The project markers that exist at and above the roots and in their folders, and each
    file discovery may read below them with its stat (not the ``cache``'s own folder, when
    it is there), then the ``extra`` files' (None for one that is missing); None past
    ``MAX_DISCOVERY_FILES``."""
    own = {str(cache.resolve()), str(cache.resolve().parent)}
    markers, files = set(), []
    for root in map(Path, roots):
        markers.update(str(folder / m) for folder in root.parents for m in PROJECT_MARKERS if (folder / m).exists())
        if not root.is_dir():
            files.append(str(root))
            continue
        for folder, dirs, names in os.walk(root):
            markers.update(os.path.join(folder, m) for m in PROJECT_MARKERS if m in dirs or m in names)
            dirs[:] = sorted(d for d in dirs if not _unreachable(os.path.join(folder, d))
                             and os.path.join(folder, d) not in own)
            files += [os.path.join(folder, n) for n in sorted(names) if n.endswith(READ_SUFFIXES) or "." not in n]
            if len(files) > MAX_DISCOVERY_FILES:
                return None
    stats = []
    for file in files:
        try:
            stat = os.stat(file)
        except OSError:
            continue  # a dangling link
        if stat.st_size > MAX_HASHED_BYTES and "." not in os.path.basename(file):
            continue
        stats.append((file, _stat_of(stat)))
    for file in extra:
        try:
            stats.append((file, _stat_of(os.stat(file))))
        except OSError:
            stats.append((file, None))
    return tuple(sorted(markers)), tuple(stats)


def _settled(stat: tuple | None, started: int) -> tuple | None:
    """The stat, or () for a file changed less than ``RECENT_NS`` before ``started``: an edit
    in the same clock tick as the scan keeps it, so the next run compares that file's content."""
    return stat if stat is None or max(stat[1], stat[2]) < started - RECENT_NS else ()


def _stat_of(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


def _unreachable(folder: str) -> bool:
    """A folder no import or argument search of the project reaches: hidden, bytecode, a
    virtual environment or installed packages, JavaScript's."""
    name = os.path.basename(folder)
    return (name.startswith(".") or name in ("__pycache__", "node_modules", "site-packages")
            or os.path.exists(os.path.join(folder, "pyvenv.cfg")))


def _decoded(data: bytes, kind: type = LintResult):
    """``(key, read, result)`` of a whole entry of this format (``result`` a ``kind``); None for anything else."""
    if not data.startswith(MAGIC):
        return None
    checksum, _, payload = data[len(MAGIC):].partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != checksum:
        return None  # truncated or changed
    try:
        entry = _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # anything but a result of ours
        return None
    if not (isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[2], kind)):
        return None
    return entry


_SAFE_BUILTINS = {"tuple", "list", "dict", "set", "frozenset", "str", "bytes", "int", "float", "complex",
                  "bool", "slice", "range"}


class _Unpickler(pickle.Unpickler):
    """Only netlint's own data classes and plain values: an entry never runs code."""

    def find_class(self, module: str, name: str):
        if module == "builtins" and name in _SAFE_BUILTINS:
            return super().find_class(module, name)
        if module == "copyreg" and name == "_reconstructor":
            return super().find_class(module, name)
        if module in ("pathlib", "collections") and name in ("PosixPath", "WindowsPath", "PurePosixPath",
                                                               "PureWindowsPath", "Path", "OrderedDict"):
            return super().find_class(module, name)
        if module.split(".")[0] == "netlint":
            found = super().find_class(module, name)
            if isinstance(found, type) and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")
