"""netlint on public research repositories, zero-config from each repository's root.

The repositories and their labels are in bench/realworld_repos.toml: per repository the commit,
the field, the year, the folders to lint (default the root), whether it is in the DEV set
(engineers may read it and fix for it), the HELD-OUT set (nobody fixes code looking at it), or
a set kept apart: FRESH (chosen and labeled after the second round), FRESH2 (after the third),
FRESH3 (during the fifth), FRESH4 (during the sixth), FRESH5 (during the seventh), FRESH6 (during the eighth),
FRESH7 (during the ninth) and FRESH8 (during the tenth),
whose trees are kept in folders of
their own that nobody working on netlint opens, and its root model classes: the classes a user
builds as a whole model, each with whether it is image-to-image and whether NL201 (BatchNorm) /
NL202 (ImageNet classification backbone) is expected on it.

The repositories are fetched beforehand, never at run time and never into this project: the
`fetch` tool brings github:OWNER/NAME to /work/.mirror/OWNER+NAME/..., then
`python bench/realworld.py --extract --set SET` writes the labeled commit's files to the set's
folder: /work/realworld/OWNER+NAME for dev and held-out, /work/realworld-fresh/OWNER+NAME for
fresh, /work/realworld-fresh2/OWNER+NAME for fresh2, /work/realworld-fresh3/OWNER+NAME for fresh3,
/work/realworld-fresh4/OWNER+NAME for fresh4, /work/realworld-fresh5/OWNER+NAME for fresh5,
/work/realworld-fresh6/OWNER+NAME for fresh6, /work/realworld-fresh7/OWNER+NAME for fresh7,
/work/realworld-fresh8/OWNER+NAME for fresh8
(env NETLINT_REALWORLD, _FRESH, _FRESH2, _FRESH3, _FRESH4, _FRESH5, _FRESH6, _FRESH7, _FRESH8;
files that the snapshot lacks, such as large checkpoints, are left out). Each run copies a repository to a
fresh temporary folder, runs the real CLI there (`netlint . --output-format json -j 2 --timeout
60 -v --no-daemon`) and checks that the copy is byte-identical afterwards.

Per repository: the nn.Module classes of the linted files found by an independent `ast` scan
(an upper bound), and for each whether netlint analyzed it, skipped it (with the reason), gave
an error, or said it is not a root model; a class in none of these is silently missing. Overall:
root models analyzed, silently missing, NL201/NL202 recall and precision on the labeled roots.

    python bench/realworld.py [--set dev|heldout|fresh|fresh2|fresh3|fresh4|fresh5|fresh6|fresh7|fresh8|all]
                              [--only NAME]
                              [--netlint PATH]
                              [--save DIR | --load DIR]
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "realworld_repos.toml"
DEFAULT_TREES = Path(os.environ.get("NETLINT_REALWORLD", "/work/realworld"))


@dataclass(frozen=True)
class BenchSet:
    title: str
    trees: Path  # the folder of its extracted repositories (OWNER+NAME each)
    in_all: bool  # whether `--set all` runs it; a set kept apart runs only when asked for by name


SETS = {
    "dev": BenchSet("DEV", DEFAULT_TREES, True),
    "heldout": BenchSet("HELD-OUT", DEFAULT_TREES, True),
    "fresh": BenchSet("FRESH", Path(os.environ.get("NETLINT_REALWORLD_FRESH", "/work/realworld-fresh")), False),
    "fresh2": BenchSet("FRESH2", Path(os.environ.get("NETLINT_REALWORLD_FRESH2", "/work/realworld-fresh2")),
                       False),
    "fresh3": BenchSet("FRESH3", Path(os.environ.get("NETLINT_REALWORLD_FRESH3", "/work/realworld-fresh3")),
                       False),
    "fresh4": BenchSet("FRESH4", Path(os.environ.get("NETLINT_REALWORLD_FRESH4", "/work/realworld-fresh4")),
                       False),
    "fresh5": BenchSet("FRESH5", Path(os.environ.get("NETLINT_REALWORLD_FRESH5", "/work/realworld-fresh5")),
                       False),
    "fresh6": BenchSet("FRESH6", Path(os.environ.get("NETLINT_REALWORLD_FRESH6", "/work/realworld-fresh6")),
                       False),
    "fresh7": BenchSet("FRESH7", Path(os.environ.get("NETLINT_REALWORLD_FRESH7", "/work/realworld-fresh7")),
                       False),
    "fresh8": BenchSet("FRESH8", Path(os.environ.get("NETLINT_REALWORLD_FRESH8", "/work/realworld-fresh8")),
                       False),
}
DEFAULT_MIRRORS = Path("/work/.mirror")
SKIPPED_DIRS = {"build", "dist", "node_modules", "__pycache__", "site-packages"}
SEED_RULES = ("NL201", "NL202")


# ---------------------------------------------------------------- the data file

@dataclass
class Root:
    target: str  # "path/in/repo.py::Class"
    image_to_image: bool = False
    nl201: bool = False
    nl202: bool = False


@dataclass
class Repo:
    name: str
    set: str
    commit: str
    field: str
    year: int
    paths: list[str] = field(default_factory=lambda: ["."])
    roots: list[Root] = field(default_factory=list)
    labeled: bool = True
    note: str = ""

    @property
    def folder(self) -> str:
        return self.name.replace("/", "+")


def read_repos(path: Path) -> list[Repo]:
    data = tomllib.loads(path.read_text())
    repos = []
    for entry in data["repo"]:
        roots = [Root(**r) for r in entry.pop("roots", [])]
        repos.append(Repo(**entry, roots=roots))
    return repos


# ---------------------------------------------------------------- fetched trees

def extract(repo: Repo, mirrors: Path, trees: Path) -> str:
    """Write the files of the labeled commit that the snapshot holds; return a one-line status."""
    git_dirs = [p for p in (mirrors / repo.folder / "repo", mirrors / repo.folder / "repo" / ".git")
                if (p / "objects").is_dir()]
    if not git_dirs:
        return f"{repo.name}: no snapshot in {mirrors / repo.folder}: fetch github:{repo.name} first"
    git = ["git", "--git-dir", str(git_dirs[-1])]
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", repo.commit], capture_output=True)
    if listing.returncode:
        return f"{repo.name}: commit {repo.commit} is not in the snapshot: {listing.stderr.decode().strip()}"
    out = trees / repo.folder
    if out.exists():
        shutil.rmtree(out)
    written = absent = 0
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, name = entry.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind != b"blob" or mode == b"120000":
            continue
        blob = subprocess.run([*git, "cat-file", "blob", sha.decode()], capture_output=True)
        if blob.returncode:
            absent += 1
            continue
        target = out / os.fsdecode(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob.stdout)
        written += 1
    return f"{repo.name}: {written} files written to {out}, {absent} absent from the snapshot"


def tree_digest(folder: Path) -> str:
    """One hash of every file's path and bytes (new, removed or changed files all change it)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(os.readlink(path).encode() if path.is_symlink() else path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


# ---------------------------------------------------------------- the independent ast scan

def linted_files(tree: Path, paths: list[str]):
    for spec in paths:
        start = tree / spec
        if start.is_file():
            yield start
            continue
        for root, dirs, files in os.walk(start):
            dirs[:] = sorted(d for d in dirs if not (d.startswith(".") or d in SKIPPED_DIRS
                                                    or d.endswith(".egg-info")
                                                    or (Path(root) / d / "pyvenv.cfg").exists()))
            yield from (Path(root) / f for f in sorted(files) if f.endswith(".py"))


def module_classes(tree: Path, paths: list[str]) -> dict[str, str]:
    """{"file.py::Class": file} for every class whose bases reach torch.nn by name: a base
    written nn.X / torch.nn.X (or any alias of torch.nn), a name imported from torch.nn, or a
    class of the repository that is one: a bare name is the file's own class of that name when
    it has one, else any class of that name that the file imports (from-import or star import);
    a dotted name is any class of the repository with its last part. Name-based on purpose: an
    upper bound, independent of netlint."""
    classes: dict[str, tuple[str, list[str]]] = {}  # target -> (class name, base names)
    imported: dict[str, set[str]] = {}  # file -> names it from-imports ("*" for a star import)
    nn_names: set[str] = {"Module"}  # names bound to torch.nn classes
    nn_prefixes: set[str] = {"nn.", "torch.nn."}  # names bound to torch.nn itself
    for path in linted_files(tree, paths):
        try:
            module = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        rel = path.relative_to(tree).as_posix()
        names = imported.setdefault(rel, set())
        for node in ast.walk(module):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("torch.nn"):
                nn_names.update(a.asname or a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module == "torch":
                nn_prefixes.update(f"{a.asname or a.name}." for a in node.names if a.name == "nn")
            elif isinstance(node, ast.ImportFrom):
                names.update(a.asname or a.name for a in node.names)
            elif isinstance(node, ast.Import):
                nn_prefixes.update(f"{a.asname}." for a in node.names if a.name == "torch.nn" and a.asname)
        for node in module.body:
            if isinstance(node, ast.ClassDef):
                classes[f"{rel}::{node.name}"] = (node.name, [_base_name(b) for b in node.bases])
    prefixes = tuple(nn_prefixes)
    is_module = {t: any(b.startswith(prefixes) or b in nn_names for b in bases)
                 for t, (_, bases) in classes.items()}

    def resolves(file: str, base: str) -> bool:
        if "." in base:
            return base.rsplit(".", 1)[-1] in known
        own = f"{file}::{base}"
        if own in classes:
            return is_module[own]
        return base in known and (base in imported[file] or "*" in imported[file])

    changed = True
    while changed:
        known = {name for t, (name, _) in classes.items() if is_module[t]}
        changed = False
        for t, (_, bases) in classes.items():
            file = t.partition("::")[0]
            if not is_module[t] and any(resolves(file, b) for b in bases):
                is_module[t] = changed = True
    return {t: t.partition("::")[0] for t, yes in is_module.items() if yes}


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Subscript):
        node = node.value
    try:
        return ast.unparse(node)
    except Exception:  # noqa: BLE001 - an odd base is just not a name
        return ""


# ---------------------------------------------------------------- running netlint

def run_netlint(netlint: str, repo: Repo, tree: Path, wall: float) -> dict:
    """Lint a fresh copy of the tree; the JSON document plus exit code, stderr, seconds, changed."""
    with tempfile.TemporaryDirectory(prefix="netlint-realworld-") as tmp:
        work = Path(tmp) / repo.folder.split("+", 1)[1]
        shutil.copytree(tree, work, symlinks=True)
        before = tree_digest(work)
        command = [netlint, *repo.paths, "--output-format", "json", "-j", "2", "--timeout", "60",
                   "-v", "--no-daemon"]
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env["NETLINT_NO_CACHE"] = "1"  # every run measured, none read from (or written to) the cache
        started = time.monotonic()
        try:
            done = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=wall,
                                  env=env, start_new_session=True)
            code, out, err = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as exc:
            code, out = "timeout", exc.stdout or ""
            err = f"no result within the {wall:.0f} s wall timeout\n"
            if isinstance(out, bytes):
                out = out.decode(errors="replace")
        seconds = time.monotonic() - started
        unchanged = tree_digest(work) == before
    try:
        document = json.loads(out) if out.strip() else None
    except json.JSONDecodeError:
        document = None
    return {"exit": code, "stderr": err, "document": document, "seconds": round(seconds, 1),
            "unchanged": unchanged, "command": " ".join(command)}


# ---------------------------------------------------------------- scoring

def class_key(target: str) -> str:
    """"models/x.py::Net(3, 4)" -> "models/x.py::Net"; "./a.py" -> "a.py"."""
    file, sep, rest = target.partition("::")
    file = file[2:] if file.startswith("./") else file
    name = rest.split("(", 1)[0].strip()
    return f"{file}{sep}{name}"


@dataclass
class Outcome:
    status: str  # analyzed | skipped | error | not-root | missing
    reason: str = ""


def classify(document: dict | None, classes: dict[str, str], failure: str) -> dict[str, Outcome]:
    """Each ast-found module class: what netlint's JSON says about it."""
    result: dict[str, Outcome] = {}
    if document is None:
        return {t: Outcome("error", failure) for t in classes}
    file_errors: dict[str, str] = {}
    for e in document.get("errors", []):
        key = class_key(e["target"])
        if "::" in key:
            result.setdefault(key, Outcome("error", e["message"]))
        else:
            file_errors.setdefault(key, e["message"])  # the file linted, not where it failed
    for m in document.get("models", []):
        result[class_key(m["target"])] = Outcome(
            "analyzed", f"task {m.get('task') or 'unknown'}: {m.get('task_reason') or ''}")
    for s in document.get("skipped", []):
        key = class_key(s["target"])
        if key in result or key not in classes:  # "not an nn.Module subclass" and the like
            continue
        result[key] = Outcome("skipped" if s.get("model", True) else "not-root", s["reason"])
    for target, file in classes.items():
        if target not in result:
            result[target] = (Outcome("error", file_errors[file]) if file in file_errors
                              else Outcome("missing"))
    return result


@dataclass
class Score:
    repo: Repo
    run: dict
    classes: dict[str, str]
    outcomes: dict[str, Outcome]
    seed: dict[str, dict[str, int]]  # rule -> {"tp","fn","fp"}
    seed_misses: list[str]
    other_findings: list[str]  # seed findings on classes that are not labeled roots
    other_errors: list[str]  # errors of files without nn.Module classes (they still fail the run)

    @property
    def roots_analyzed(self) -> int:
        return sum(self.outcomes.get(r.target, Outcome("missing")).status == "analyzed"
                   for r in self.repo.roots)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes.values())

    def roots_with(self, status: str) -> int:
        return sum(self.outcomes[r.target].status == status for r in self.repo.roots)


def score(repo: Repo, run: dict, classes: dict[str, str]) -> Score:
    document = run["document"]
    failure = (run["stderr"].strip().splitlines() or [f"exit {run['exit']}"])[-1]
    outcomes = classify(document, classes, failure)
    for root in repo.roots:  # a labeled root the ast scan did not see still counts
        outcomes.setdefault(root.target, Outcome("missing"))
    fired: dict[str, set[str]] = {}
    for f in (document or {}).get("findings", []):
        if f["code"] in SEED_RULES:
            fired.setdefault(class_key(f["target"]), set()).add(f["code"])
    seed = {rule: {"tp": 0, "fn": 0, "fp": 0} for rule in SEED_RULES}
    misses = []
    labeled = {r.target for r in repo.roots}
    for root in repo.roots:
        got = fired.get(root.target, set())
        for rule in SEED_RULES:
            expected = root.image_to_image and getattr(root, rule.lower())
            if expected and rule in got:
                seed[rule]["tp"] += 1
            elif expected:
                seed[rule]["fn"] += 1
                why = outcomes[root.target]
                misses.append(f"{rule} missed on {root.target} ({why.status}: {why.reason or 'not in the report'})")
            elif rule in got:
                seed[rule]["fp"] += 1
                misses.append(f"{rule} reported on {root.target}, not expected")
    others = sorted(f"{code} on {t}" for t, codes in fired.items() if t not in labeled for code in codes)
    files = set(classes.values())
    elsewhere = [f"error in {e['target']} (a file without nn.Module classes): {e['message']}"
                 for e in (document or {}).get("errors", []) if class_key(e["target"]) not in files
                 and "::" not in e["target"]]
    return Score(repo, run, classes, outcomes, seed, misses, others, elsewhere)


# ---------------------------------------------------------------- report

def table(scores: list[Score]) -> str:
    head = ("| repository | field, year | roots | analyzed | skipped | errors | missing "
            "| nn.Module classes | skipped | errors | not root | silently missing "
            "| NL201 TP/FN/FP | NL202 TP/FN/FP | tree unchanged | exit | s |")
    lines = [head, "|" + " --- |" * head.count(" | ") + " --- |"]
    for s in scores:
        seed = [f"{s.seed[r]['tp']}/{s.seed[r]['fn']}/{s.seed[r]['fp']}" for r in SEED_RULES]
        roots = len(s.repo.roots) if s.repo.labeled else "unlabeled"
        lines.append(
            f"| {s.repo.name} | {s.repo.field}, {s.repo.year} | {roots} | {s.roots_analyzed} "
            f"| {s.roots_with('skipped')} | {s.roots_with('error')} | {s.roots_with('missing')} "
            f"| {len(s.classes)} | {s.count('skipped')} | {s.count('error')} | {s.count('not-root')} "
            f"| {s.count('missing')} | {seed[0]} | {seed[1]} | {'yes' if s.run['unchanged'] else 'NO'} "
            f"| {s.run['exit']} | {s.run['seconds']:.0f} |")
    return "\n".join(lines)


def totals(scores: list[Score]) -> str:
    labeled = [s for s in scores if s.repo.labeled]
    roots = sum(len(s.repo.roots) for s in labeled)
    analyzed = sum(s.roots_analyzed for s in labeled)
    lines = [f"- root models analyzed: {analyzed}/{roots}"
             + (f" ({100 * analyzed / roots:.1f}%)" if roots else ""),
             f"- root models skipped: {sum(s.roots_with('skipped') for s in labeled)}, errors: "
             f"{sum(s.roots_with('error') for s in labeled)}, silently missing: "
             f"{sum(s.roots_with('missing') for s in labeled)}",
             f"- nn.Module classes silently missing: {sum(s.count('missing') for s in scores)}"
             f" (of {sum(len(s.classes) for s in scores)} found by the ast scan)",
             f"- trees left unchanged: {sum(s.run['unchanged'] for s in scores)}/{len(scores)}"]
    for rule in SEED_RULES:
        tp = sum(s.seed[rule]["tp"] for s in labeled)
        fn = sum(s.seed[rule]["fn"] for s in labeled)
        fp = sum(s.seed[rule]["fp"] for s in labeled)
        recall = f"{tp}/{tp + fn}" + (f" ({100 * tp / (tp + fn):.0f}%)" if tp + fn else "")
        precision = f"{tp}/{tp + fp}" + (f" ({100 * tp / (tp + fp):.0f}%)" if tp + fp else "")
        lines.append(f"- {rule} on image-to-image roots: recall {recall}, precision {precision}")
    return "\n".join(lines)


def misses(scores: list[Score]) -> str:
    lines = []
    for s in scores:
        items = []
        for root in s.repo.roots:
            o = s.outcomes[root.target]
            if o.status != "analyzed":
                items.append(f"root {root.target} {o.status}: {o.reason or 'not in the report at all'}")
        silent = [t for t, o in s.outcomes.items() if o.status == "missing"
                  and t not in {r.target for r in s.repo.roots}]
        if silent:
            items.append(f"silently missing ({len(silent)}): " + ", ".join(t.replace("::", ":") for t in silent))
        items += s.seed_misses
        items += [f"(on a class not labeled root) {x}" for x in s.other_findings]
        items += s.other_errors
        if not s.run["unchanged"]:
            items.append("the tree was changed by the run")
        if s.run["document"] is None:
            items.append(f"no JSON report (exit {s.run['exit']}): "
                         f"{(s.run['stderr'].strip().splitlines() or [''])[-1]}")
        if items:
            lines.append(f"- **{s.repo.name}**")
            lines += [f"  - {_one_line(x)}" for x in items]
    return "\n".join(lines) or "- none"


def _one_line(text: str, limit: int = 600) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--trees", type=Path,
                        help="folder of the extracted repositories (OWNER+NAME each; default: the set's, "
                             + ", ".join(f"{name} {s.trees}" for name, s in SETS.items()) + ")")
    parser.add_argument("--set", choices=(*SETS, "all"), default="all",
                        help="all: " + " and ".join(n for n, s in SETS.items() if s.in_all) + " (the sets kept "
                             "apart, " + ", ".join(n for n, s in SETS.items() if not s.in_all)
                             + ", only when named)")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="only this repository (OWNER/NAME or NAME); may repeat")
    parser.add_argument("--netlint", default=str(Path(sys.executable).parent / "netlint"),
                        help="the netlint executable to measure (default: beside this python)")
    parser.add_argument("--wall", type=float, default=900, help="seconds per repository")
    parser.add_argument("--save", type=Path, metavar="DIR", help="also write each run's raw result here")
    parser.add_argument("--load", type=Path, metavar="DIR", help="score saved runs instead of running")
    parser.add_argument("--extract", action="store_true",
                        help="write each repository's labeled commit from its fetched snapshot, then stop")
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    args = parser.parse_args(argv)

    # "all" leaves out the sets kept apart: they run only when asked for by name, so that nobody
    # who works on netlint sees them by running the default
    repos = [r for r in read_repos(args.data)
             if r.set == args.set or (args.set == "all" and SETS[r.set].in_all)]
    if args.only:
        repos = [r for r in repos if r.name in args.only or r.name.split("/")[1] in args.only]
        if not repos:
            print(f"realworld: no repository named {', '.join(args.only)} in {args.data}", file=sys.stderr)
            return 2

    def trees(repo: Repo) -> Path:
        return args.trees or SETS[repo.set].trees

    if args.extract:
        for repo in repos:
            print(extract(repo, args.mirrors, trees(repo)))
        return 0
    if not args.load and not shutil.which(args.netlint):
        print(f"realworld: {args.netlint} is not an executable netlint: give one with --netlint PATH",
              file=sys.stderr)
        return 2
    missing = [r for r in repos if not (trees(r) / r.folder).is_dir()]
    if missing and not args.load:
        for r in missing:
            print(f"realworld: {r.name} is not fetched: fetch github:{r.name}, then "
                  f"`python bench/realworld.py --extract --set {r.set} --only {r.name}`",
                  file=sys.stderr)
        return 2

    scores = []
    for repo in repos:
        tree = trees(repo) / repo.folder
        if args.load:
            saved = args.load / f"{repo.folder}.json"
            if not saved.exists():
                print(f"realworld: no saved run of {repo.name} in {args.load}", file=sys.stderr)
                continue
            run = json.loads(saved.read_text())
        else:
            print(f"realworld: {repo.name} ...", file=sys.stderr, flush=True)
            run = run_netlint(args.netlint, repo, tree, args.wall)
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"{repo.folder}.json").write_text(json.dumps(run))
        scores.append(score(repo, run, module_classes(tree, repo.paths)))

    for name, bench_set in SETS.items():
        chosen = [s for s in scores if s.repo.set == name]
        if not chosen:
            continue
        print(f"### {bench_set.title} ({len(chosen)} repositories)\n\n{table(chosen)}\n\n{totals(chosen)}\n")
        print(f"Misses:\n\n{misses(chosen)}\n")
    if len({s.repo.set for s in scores}) > 1:
        print(f"### All ({len(scores)} repositories)\n\n{totals(scores)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
