"""noqa comments as flake8 reads them, and the baseline, through the real CLI."""

from __future__ import annotations

import json

from conftest import netlint_json, run_netlint

GENERATOR = '''
class {name}(nn.Module):{class_comment}
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        {norm}
        self.out = nn.Conv2d(4, 3, 3, padding=1)

    def forward(self, x):
        return torch.tanh(self.out(self.norm(self.conv(x))))
'''

HEADER = "import torch\nfrom torch import nn\n"


def generators(*cases: tuple[str, str, str]) -> str:
    """A file of small image-to-image models, each with its own BatchNorm line."""
    return HEADER + "".join(GENERATOR.format(name=name, norm=norm, class_comment=comment)
                            for name, norm, comment in cases)


NOQA_CASES = generators(
    ("Reported", "self.norm = nn.BatchNorm2d(4)", ""),
    ("OneCode", "self.norm = nn.BatchNorm2d(4)  # noqa: NL201", ""),
    ("SeveralCodesAnyCase", "self.norm = nn.BatchNorm2d(4)  # NOQA:nl101,nl201", ""),
    ("OtherCode", "self.norm = nn.BatchNorm2d(4)  # noqa: NL101", ""),
    ("Prefix", "self.norm = nn.BatchNorm2d(4)  # noqa: NL2", ""),
    ("Bare", "self.norm = nn.BatchNorm2d(4)  # noqa", ""),
    ("InAString", "self.norm = nn.BatchNorm2d(4); self.tag = '# noqa'", ""),
    ("FirstLineOfStatement", "self.norm = nn.Sequential(  # noqa: NL201\n"
                             "            nn.Identity(),\n"
                             "            nn.BatchNorm2d(4),\n"
                             "        )", ""),
    ("LastLineOfStatement", "self.norm = nn.Sequential(\n"
                            "            nn.BatchNorm2d(4),\n"
                            "        )  # noqa", ""),
    ("ClassLine", "self.norm = nn.BatchNorm2d(4)", "  # noqa: NL201"),
    ("ClassLineOtherCode", "self.norm = nn.BatchNorm2d(4)", "  # noqa: NL101"),
)
REPORTED = {"Reported", "OtherCode", "InAString", "ClassLineOtherCode"}


def model_of(finding: dict) -> str:
    return finding["target"].split("::")[1]


def test_noqa_comments(write_model, tmp_path):
    write_model(NOQA_CASES, "models.py")
    report, proc = netlint_json("models.py", "--show-suppressed", "--select", "NL201", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    assert {model_of(f) for f in report["findings"]} == REPORTED
    assert proc.returncode == 1
    reasons = {model_of(s): s["reason"] for s in report["suppressed"]}
    assert set(reasons) == {m["target"].split("::")[1] for m in report["models"]} - REPORTED
    source = NOQA_CASES.splitlines()
    for model, reason in reasons.items():
        kind, _, where = reason.rpartition(" at ")
        line = int(where.split(":")[1])
        assert "noqa" in source[line - 1].lower(), (model, reason)
        assert kind == ("noqa on the definition of ClassLine" if model == "ClassLine" else "noqa")

    # without --show-suppressed the report does not list them; --disable-noqa reports them all
    report, _ = netlint_json("models.py", "--select", "NL201", cwd=tmp_path)
    assert report["suppressed"] == [] and {model_of(f) for f in report["findings"]} == REPORTED
    report, _ = netlint_json("models.py", "--disable-noqa", "--select", "NL201", cwd=tmp_path)
    assert len(report["findings"]) == len(report["models"]) == 11


def test_file_noqa_and_text_reports(write_model, tmp_path):
    write_model("# netlint: noqa\n" + generators(("Quiet", "self.norm = nn.BatchNorm2d(4)", "")), "quiet.py")
    write_model("# netlint: noqa: NL101\n" + generators(("Only201", "self.norm = nn.BatchNorm2d(4)", "")),
                "other_code.py")
    write_model(generators(("Trailing", "self.norm = nn.BatchNorm2d(4)  # netlint: noqa", "")), "trailing.py")
    report, proc = netlint_json(".", "--show-suppressed", "--select", "NL201", cwd=tmp_path)
    assert {model_of(f) for f in report["findings"]} == {"Only201", "Trailing"}
    suppressed, = report["suppressed"]
    assert model_of(suppressed) == "Quiet" and suppressed["reason"] == "file noqa at quiet.py:1"

    proc = run_netlint("quiet.py", "--output-format", "concise", "--show-suppressed", "--select", "NL201",
                       cwd=tmp_path)
    assert proc.returncode == 0
    line, = proc.stdout.splitlines()
    norm_line = line_of("nn.BatchNorm2d", tmp_path / "quiet.py")
    assert line.startswith(f"suppressed: quiet.py:{norm_line}:") and line.endswith("[file noqa at quiet.py:1]")


def line_of(text: str, path) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


BASELINE_MODEL = HEADER + '''

class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.norm = nn.BatchNorm2d(4)
        self.out = nn.Conv2d(4, 3, 3, padding=1)
        self.extra = nn.Identity()

    def forward(self, x):
        return torch.tanh(self.out(self.extra(self.norm(self.conv(x)))))
'''


def test_baseline(write_model, tmp_path):
    model = write_model(BASELINE_MODEL, "src/gen.py")
    baseline = tmp_path / "netlint-baseline.json"

    report, proc = netlint_json("src", "--baseline", baseline, "--update-baseline", "--select", "NL201", cwd=tmp_path)
    assert proc.returncode == 0 and report["findings"] == [], proc.stderr
    entry, = json.loads(baseline.read_text())["findings"]
    assert (entry["code"], entry["target"], entry["layer"]) == ("NL201", "src/gen.py::Generator", "norm")

    # lines move and a new finding appears: only the new one is reported
    model.write_text(BASELINE_MODEL.replace(
        "        self.conv =", "        # a comment that moves every line below\n\n        self.conv =").replace(
        "self.extra = nn.Identity()", "self.extra = nn.BatchNorm2d(4)"))
    report, proc = netlint_json(".", "--baseline", baseline, "--show-suppressed", "--select", "NL201", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    assert [(f["code"], f["layer"]) for f in report["findings"]] == [("NL201", "extra")]
    assert proc.returncode == 1
    suppressed, = report["suppressed"]
    assert suppressed["layer"] == "norm" and suppressed["line"] == line_of("self.norm", model)
    assert suppressed["reason"] == f"in baseline {baseline}"

    # from another working directory, the same baseline still knows the old finding
    report, proc = netlint_json("gen.py", "--baseline", "../netlint-baseline.json", "--select", "NL201",
                                cwd=tmp_path / "src")
    assert [f["layer"] for f in report["findings"]] == ["extra"]


def test_a_missing_baseline_is_an_error(write_model, tmp_path):
    write_model(BASELINE_MODEL)
    proc = run_netlint("model.py", "--baseline", "missing.json", cwd=tmp_path)
    assert proc.returncode == 2
    assert "baseline missing.json does not exist (write it with --update-baseline)" in proc.stderr
    proc = run_netlint("model.py", "--update-baseline", cwd=tmp_path)
    assert proc.returncode == 2 and "--update-baseline needs --baseline FILE" in proc.stderr
