"""Recall and precision of the catalog's rules on real public repositories
(bench/catalog_repos.toml, labeled before netlint ran on them).

Each repository is taken from a local git mirror (``fetch``'s /work/.mirror/OWNER+NAME), its
labeled commit unpacked into a scratch folder (never into this repository), and netlint runs
zero-config from the labeled root. A mistake is found at the model's line when a finding of
its code is on one of its model lines, and at the loss's line when that finding is on, or names,
one of its loss lines. In a repository with mistakes, a last-layer/loss warning no label expects
is a false positive (notes are listed, not counted); in a correct pairing, any finding of a
last-layer/loss code or of a code it lists as ``quiet``.

Each entry's ``set`` ("dev", "held9" or "held10" for rounds 9 and 10's held-out sets) chooses its default
scratch folder (/work/catalog-repos, /work/catalog-repos9, /work/catalog-repos10); ``--set`` runs one set only.

    python bench/catalog_repos.py [--mirror DIR] [--scratch DIR] [--set NAME] [--only NAME] [netlint flags...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LABELS = REPO / "bench" / "catalog_repos.toml"
SCRATCH = {"dev": Path("/work/catalog-repos"), "held9": Path("/work/catalog-repos9"),
           "held10": Path("/work/catalog-repos10")}
PAIRING = {"NL303", "NL305", "NL306", "NL307", "NL308", "NL309", "NL310", "NL311"}


def git_dir(mirror: Path, name: str) -> Path:
    base = mirror / name.replace("/", "+")
    for candidate in (base / "repo" / ".git", base / "repo"):
        if (candidate / "HEAD").exists():
            return candidate
    sys.exit(f"{name}: no mirror at {base} (fetch it first)")


def unpack(mirror: Path, scratch: Path, name: str, commit: str) -> Path:
    """The commit's files in a scratch folder (a mirror may lack its largest blobs: left out)."""
    folder = scratch / f"{name.replace('/', '+')}@{commit[:7]}"
    if folder.exists():
        return folder
    git = ["git", "--git-dir", str(git_dir(mirror, name))]
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", commit], capture_output=True, check=True).stdout
    entries = []
    for item in filter(None, listing.split(b"\0")):
        meta, _, path = item.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000":
            entries.append((sha, path.decode("utf-8", "surrogateescape")))
    batch = subprocess.run([*git, "cat-file", "--batch"], input=b"".join(sha + b"\n" for sha, _ in entries),
                           capture_output=True, check=True).stdout
    stream = BytesIO(batch)
    for sha, path in entries:
        header = stream.readline().split()
        if header[-1] == b"missing":
            continue
        data = stream.read(int(header[2]))
        stream.read(1)
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder


def places(text: str) -> list[tuple[str, int]]:
    found = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        file, _, line = item.rpartition(":")
        found.append((file, int(line)))
    return found


def at(finding: dict, where: list[tuple[str, int]]) -> bool:
    path = finding.get("path") or finding["target"].partition("::")[0]
    message = finding["message"]
    return any((path == file and finding["line"] == line) or f"{file}:{line}" in message
               or (f"{file}:" in message and f"line {line}" in message) for file, line in where)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--scratch", type=Path, help="the folder to unpack into (default: by the entry's set)")
    parser.add_argument("--set", choices=sorted(SCRATCH), help="one set of entries (default: all)")
    parser.add_argument("--only", help="a repository name (owner/name)")
    args, flags = parser.parse_known_args()
    labels = tomllib.loads(LABELS.read_text(encoding="utf-8"))
    totals = {"mistakes": 0, "model": 0, "loss": 0, "false": 0}
    print("| repository (commit, root) | labeled | model's line | loss's line | false positives | analyzed |")
    print("| --- | --- | --- | --- | --- | --- |")
    for entry in labels["repo"]:
        if args.only and entry["name"] != args.only or args.set and entry["set"] != args.set:
            continue
        scratch = args.scratch or SCRATCH[entry["set"]]
        root = unpack(args.mirror, scratch, entry["name"], entry["commit"]) / entry["root"]
        proc = subprocess.run([sys.executable, "-m", "netlint", ".", "--output-format", "json", "--no-daemon",
                               "--no-cache", "-j", "2", "--timeout", "300", *flags],
                              capture_output=True, text=True, cwd=root)
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            print(f"| {entry['name']} ({entry['root']}) | netlint failed: {proc.stderr.strip()[-200:]} |")
            continue
        findings = report["findings"]
        expected, cells = set(), []
        for mistake in entry.get("expect", []):
            mine = [f for f in findings if f["code"] == mistake["code"]]
            on_model = [f for f in mine if mistake["model"] and at(f, places(mistake["model"]))]
            on_loss = [f for f in (on_model or mine) if at(f, places(mistake["loss"]))]
            expected |= {id(f) for f in on_model + on_loss}
            totals["mistakes"] += 1
            totals["model"] += bool(on_model) or not mistake["model"] and bool(on_loss)
            totals["loss"] += bool(on_loss)
            cells.append((mistake["code"], "yes" if on_model else "-" if not mistake["model"] else "no",
                          "yes" if on_loss else "no"))
        if entry.get("expect"):  # a repository with mistakes: an unexpected pairing warning
            false = [f for f in findings if f["code"] in PAIRING and f["severity"] != "note" and id(f) not in expected]
        else:  # a correct pairing: any finding of the codes it lists
            false = [f for f in findings if f["code"] in set(entry.get("quiet", [])) | PAIRING]
        totals["false"] += len(false)
        analyzed = (f"{len(report['models'])} models, {len(report['errors'])} errors, "
                    f"{len(report.get('skipped', []))} skipped")
        labeled = ", ".join(c for c, _, _ in cells) or "correct pairing"
        print(f"| {entry['name']} ({entry['commit'][:7]}, {entry['root']}) | {labeled} | "
              f"{', '.join(m for _, m, _ in cells) or '-'} | {', '.join(x for _, _, x in cells) or '-'} | "
              f"{'; '.join(f['code'] + ' ' + str(f.get('path')) + ':' + str(f['line']) for f in false) or '0'} | "
              f"{analyzed} |")
        for f in findings:
            if f["code"] in PAIRING | {e["code"] for e in entry.get("expect", [])}:
                print(f"    {f['code']} {f.get('path')}:{f['line']} {f['message'][:150]}")
        for error in report["errors"][:3]:
            print(f"    error {error['target']}: {error['message'][:150]}")
    print(f"\n{totals['mistakes']} labeled mistakes: {totals['model']} at the model's line, {totals['loss']} at the "
          f"loss's line; {totals['false']} false positives")
    return 0


if __name__ == "__main__":
    sys.exit(main())
