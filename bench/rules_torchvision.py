"""Run the rules over every torchvision classification model and list what they report.

Runs the real CLI (JSON output) on ``torchvision.models:NAME`` for every name of
``torchvision.models.list_models(module=torchvision.models)``, a batch of models per run, and
prints each finding. Exits 1 when any finding is error-level or a model could not be
analyzed: netlint must not call a torchvision classifier broken. ``--extend-select NL401``
and other flags are passed on to netlint.

    python bench/rules_torchvision.py [--only vgg16,resnet50] [netlint flags...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter

BATCH = 16  # models per netlint run: torch is imported once per run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated model names")
    args, netlint_flags = parser.parse_known_args()
    import torchvision

    names = torchvision.models.list_models(module=torchvision.models)
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    findings, errors, models = [], [], 0
    for start in range(0, len(names), BATCH):
        batch = [f"torchvision.models:{n}" for n in names[start:start + BATCH]]
        proc = subprocess.run([sys.executable, "-m", "netlint", *batch, "--output-format", "json", "--no-cache",
                               *netlint_flags], capture_output=True, text=True)
        if not proc.stdout:
            errors.append(f"{' '.join(batch)}: {proc.stderr.strip()}")
            continue
        report = json.loads(proc.stdout)
        models += len(report["models"])
        findings += report["findings"]
        errors += [f"{e['target']}: {e['message']}" for e in report["errors"]]
    for f in findings:
        delta = "" if f["params_delta"] is None else f" (params {f['params_before']:,} → {f['params_after']:,})"
        print(f"{f['target'].split(':')[1]}: {f['code']} {f['severity']} {f['layer']}: {f['message']}{delta}")
    for error in errors:
        print("error:", error)
    by_code = Counter(f["code"] for f in findings)
    print(f"{models} of {len(names)} models analyzed; findings by rule: "
          f"{', '.join(f'{c} {n}' for c, n in sorted(by_code.items())) or 'none'}")
    worst = [f for f in findings if f["severity"] == "error"]
    for f in worst:
        print("error-level finding:", f["target"], f["code"], f["layer"])
    return 1 if worst or errors else 0


if __name__ == "__main__":
    sys.exit(main())
