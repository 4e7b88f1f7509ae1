"""``netlint summary``: the per-layer table, through the real CLI."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

from conftest import REPO, run_netlint

LLAMA_PARAMS = 6_738_415_616


def summary_json(*args, cwd=REPO):
    proc = run_netlint("summary", *args, "--output-format", "json", cwd=cwd)
    assert proc.stdout, proc.stderr
    return json.loads(proc.stdout), proc


def test_a_7b_model_in_less_memory_than_its_weights():
    # 27 GB of float32 weights, summarized in a process that may not map 8 GB.
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (8 * 2**30, 8 * 2**30))

    proc = subprocess.run([sys.executable, "-m", "netlint", "summary", "bench/llama.py::Llama7B",
                           "--output-format", "json"], cwd=REPO, capture_output=True, text=True,
                          timeout=600, preexec_fn=limit_memory)
    assert proc.returncode == 0, proc.stderr
    model, = json.loads(proc.stdout)["models"]
    assert model["params"] == LLAMA_PARAMS
    assert sum(row["params"] for row in model["rows"]) == LLAMA_PARAMS
    assert model["weight_bytes"] == 4 * LLAMA_PARAMS and model["built_on"] == "meta"
    rows = {row["name"]: row for row in model["rows"]}
    assert max(row["depth"] for row in model["rows"]) == 3  # the default depth
    assert rows["layers.0.attention"]["type"] == "Attention"
    assert rows["layers.0.attention"]["output_shape"] == [1, 128, 4096]
    assert rows["layers.0.attention"]["params"] == 4 * 4096 * 4096
    # q, k, v, o projections and the attention product itself (a functional op in its forward)
    assert rows["layers.0.attention"]["macs"] == 4 * 128 * 4096 * 4096 + 2 * 128 * 128 * 4096
    assert rows["layers.0.input_norm"]["params"] == 4096  # a bare nn.Parameter, used functionally
    assert rows["lm_head"]["macs"] == 128 * 4096 * 32000
    assert rows[""]["output_shape"] == [1, 128, 32000]


def test_multiply_adds_and_output_shapes(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
                                              nn.Conv2d(8, 8, 3, padding=1, groups=2))
                self.up = nn.ConvTranspose2d(8, 4, 2, stride=2)
                self.head = nn.Linear(4, 10)

            def forward(self, x):
                y = self.up(self.features(x))
                return self.head(y.mean((2, 3)))
    """)
    report, proc = summary_json("model.py", "--input-shape", "2,3,16,16", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    model, = report["models"]
    rows = {row["name"]: row for row in model["rows"]}
    assert rows["features.0"]["macs"] == 2 * 8 * 16 * 16 * 3 * 9
    assert rows["features.2"]["macs"] == 2 * 8 * 16 * 16 * 4 * 9  # groups=2: 4 input channels each
    assert rows["up"]["macs"] == 2 * 8 * 16 * 16 * 4 * 4  # every input pixel × out channels × kernel
    assert rows["head"]["macs"] == 2 * 10 * 4
    assert rows["features"]["output_shape"] == [2, 8, 16, 16]
    assert rows["up"]["output_shape"] == [2, 4, 32, 32]
    assert rows[""]["output_shape"] == [2, 10]
    assert model["macs"] == sum(rows[n]["macs"] for n in ("features.0", "features.2", "up", "head"))
    assert model["uncounted"] == []


def test_shared_parameters_count_once_and_are_marked():
    report, proc = summary_json("fixtures/capture/capture_shared_weights.py::TiedLanguageModel")
    assert proc.returncode == 0, proc.stderr
    model, = report["models"]
    rows = {row["name"]: row for row in model["rows"]}
    assert rows["head"]["params"] == 0 and rows["head"]["shared"] == ["embed.weight"]
    assert sum(row["params"] for row in model["rows"]) == model["params"] == 1000 * 64 + 64 * 64 + 64

    text = run_netlint("summary", "fixtures/capture/capture_shared_weights.py::TiedLanguageModel").stdout
    head_line, = [line for line in text.splitlines() if line.strip().startswith("head ")]
    assert "shares embed.weight" in head_line
    assert "Total params:          68,160" in text


def test_depth_folds_deeper_layers():
    full, _ = summary_json("fixtures/rules/nl201/srgan_x4_batchnorm.py", "--depth", "9")
    folded, proc = summary_json("fixtures/rules/nl201/srgan_x4_batchnorm.py", "--depth", "1")
    assert proc.returncode == 0, proc.stderr
    model, = folded["models"]
    assert {row["depth"] for row in model["rows"]} == {0, 1}
    rows = {row["name"]: row for row in model["rows"]}
    deep = full["models"][0]["rows"]
    assert rows["body"]["params"] == sum(r["params"] for r in deep if r["name"].startswith("body."))
    assert rows["body"]["macs"] == sum(r["macs"] for r in deep if r["name"].startswith("body."))
    assert sum(row["params"] for row in model["rows"]) == model["params"]
    assert model["macs"] == full["models"][0]["macs"]
    only_model, _ = summary_json("fixtures/rules/nl201/srgan_x4_batchnorm.py", "--depth", "0")
    row, = only_model["models"][0]["rows"]
    assert row["params"] == model["params"] and row["macs"] == model["macs"]


def test_text_table():
    proc = run_netlint("summary", "fixtures/rules/nl201/edsr_x4.py", "--depth", "2")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("fixtures/rules/nl201/edsr_x4.py::EDSR")
    assert lines[1].split() == ["layer", "type", "output", "shape", "params", "mult-adds"]
    assert any(line.split()[:3] == ["body.16", "Conv2d", "1×64×256×256"] for line in lines)
    assert any(line.startswith("Mult-adds:") for line in lines)


def test_errors_exit_2_in_one_line(tmp_path):
    for args in (["missing.py"], ["fixtures/rules/nl201/edsr_x4.py::Nope"],
                 ["fixtures/rules/nl201/edsr_x4.py", "--depth", "-1"],
                 ["fixtures/rules/nl201/edsr_x4.py", "--input-shape", "1,2"]):
        proc = run_netlint("summary", *args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stderr.strip(), args
