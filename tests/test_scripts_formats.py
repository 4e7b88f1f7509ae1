"""The research-script corpus of test_scripts.py in every output format: each run exits 2 (its
broken files), writes nothing, and reports every model and error in its own format."""

from __future__ import annotations

import json

import pytest

from test_scripts import ERRORS, GOOD_MODELS, Project


@pytest.mark.parametrize("output_format", ["full", "concise", "json", "sarif", "github"])
def test_every_format_reports_the_corpus(tmp_path, output_format):
    project = Project(tmp_path)
    proc = project.netlint(".", "--output-format", output_format)
    project.assert_unchanged()
    assert proc.returncode == 2
    if output_format in ("json", "sarif"):
        json.loads(proc.stdout)
    if output_format == "full":  # the report names every model
        assert all(target in proc.stdout for target in GOOD_MODELS)
    if output_format == "github":  # errors are annotations too
        assert proc.stdout.count("::error ") >= len(ERRORS)
    assert "Traceback" not in proc.stderr and "usage:" not in proc.stdout + proc.stderr
