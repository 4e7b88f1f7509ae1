"""Capture tiers through the CLI: fx when it is right, torch.export or the eager forward when
fx fails or silently drops a branch, the CPU when meta cannot run, and exact counts."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import REPO, fixture_models as models, netlint_json, run_netlint


@functools.lru_cache(maxsize=None)
def full_report() -> subprocess.CompletedProcess:
    """The full (text) report of two capture fixtures, without -v, shared by the tests that read it."""
    return run_netlint("fixtures/capture/capture_is_tensor_branch.py", "fixtures/capture/capture_item_in_init.py")


def test_shape_dependent_branch_is_traced_by_fx_at_the_example_sizes():
    model = models("capture/capture_shape_branch.py")["TiledDenoiser"]
    assert model["capture"] == "fx"  # not torch.export: seconds a model in a zoo
    assert any(note.startswith("fx traced TiledDenoiser at the example input's sizes (TraceError")
               for note in model["notes"])


def test_a_forward_padding_to_its_window_and_writing_a_slice_is_traced_at_its_sizes():
    model = models("capture/capture_sized_forward.py")["WindowMixer"]
    assert (model["capture"], model["built_on"]) == ("fx", "meta")
    assert model["output_shape"] == [[1, 3, 70, 70]]  # 64 padded to 70, its window's multiple


def test_a_halo_style_fold_runs_on_meta():
    """reshape's contiguous copy of a tensor that also looks channels-last keeps the kernel's strides."""
    model = models("capture/capture_sized_forward.py")["BlockFold"]
    assert (model["capture"], model["built_on"], model["input_shape"]) == ("fx", "meta", [[1, 64, 256, 256]])
    assert not any("does not run on meta" in note for note in model["notes"])


def test_a_branch_fx_drops_is_caught_by_the_eager_cross_check():
    model = models("capture/capture_is_tensor_branch.py")["GuidedUpsampler"]
    assert model["capture"] == "export"
    assert "the fx graph differs from the eager forward (missing guide_conv, guide_norm)" in model["notes"][0]
    assert model["input_shape"] == [[1, 3, 256, 256], [1, 1, 256, 256]]
    assert model["task"] == "image-to-image" and model["output_shape"] == [[1, 3, 512, 512]]


def test_the_cross_check_reason_is_shown_with_verbose():
    proc = run_netlint("fixtures/capture/capture_is_tensor_branch.py", "-v")
    assert "note: fixtures/capture/capture_is_tensor_branch.py::GuidedUpsampler: the fx graph differs" in proc.stderr
    assert "note:" not in full_report().stderr


def test_item_in_forward_runs_on_the_cpu():
    model = models("capture/capture_item_in_forward.py")["AdaptiveDepthNet"]
    assert (model["capture"], model["built_on"]) == ("eager", "meta-with-cpu-values")  # weights as layers run
    assert model["input_shape"] == [[1, 3, 64, 64]] and model["task"] == "classification"
    assert any("Tensor.item() cannot be called on meta tensors" in note for note in model["notes"])


def test_item_in_init_is_built_with_its_values_on_the_cpu_and_traced_with_fx():
    model = models("capture/capture_item_in_init.py")["ComputedWidthNet"]
    assert (model["capture"], model["built_on"]) == ("fx", "meta-with-cpu-values")
    assert model["params"] == (3 * 32 * 9 + 32) + (32 * 10 + 10)


def test_full_report_says_where_the_model_was_built():
    proc = full_report()
    assert "fixtures/capture/capture_item_in_init.py::ComputedWidthNet" in proc.stdout
    assert "capture fx (built on meta-with-cpu-values: it reads tensor values" in proc.stdout


def test_structured_outputs():
    found = models("capture/capture_structured_outputs.py")
    assert found["SegmentationWithAux"]["output_shape"] == [[1, 21, 256, 256], [1, 21, 256, 256]]
    assert found["SegmentationWithAux"]["task"] == "segmentation"
    assert found["TinyDetector"]["output_shape"] == [[1, 5], [1, 4]]
    assert found["Encoder"]["output_shape"] == [[1, 32]]


def test_tied_shared_and_bare_parameters_count_once():
    found = models("capture/capture_shared_weights.py")
    assert found["TiedLanguageModel"]["params"] == 1000 * 64 + (64 * 64 + 64)
    assert found["RecurrentRefiner"]["params"] == (3 * 16 * 9 + 16) + (16 * 16 * 9 + 16) + 16 + (16 * 10 + 10)
    assert found["RecurrentRefiner"]["capture"] == "fx"


def test_model_tree_tier_when_no_input_can_be_inferred(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn

        class Projection(nn.Module):
            def __init__(self):
                super().__init__()
                self.weight = nn.Parameter(torch.ones(8, 4))
                self.act = nn.Tanh()

            def forward(self, x):
                return self.act(x @ self.weight)
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    model = report["models"][0]
    assert model["capture"] == "modules" and model["params"] == 32
    assert any(note.startswith("cannot infer the shape of input 'x'") for note in model["notes"])
    assert "NL102 skipped: it needs dataflow, shapes, which the modules capture does not give" in model["notes"]
    report, proc = netlint_json("model.py", "--input-shape", "2,8", cwd=tmp_path)
    assert report["models"][0]["capture"] == "fx" and report["models"][0]["output_shape"] == [[2, 4]]


def test_no_network_while_linting_models_that_ask_for_weights(tmp_path):
    """Socket connections raise (and are counted) in the netlint process itself."""
    attempts = tmp_path / "attempts"
    code = textwrap.dedent(f"""
        import socket, sys
        def refuse(*args, **kwargs):
            with open({str(attempts)!r}, "a") as log:
                log.write("connect\\n")
            raise OSError("network is blocked in this test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        sys.argv = ["netlint", *sys.argv[1:]]
        from netlint.cli import main
        main()
    """)
    proc = subprocess.run([sys.executable, "-c", code, "fixtures/capture/capture_weights_requested.py",
                           "fixtures/rules/nl202/translation_pretrained_backbone.py", "--output-format", "json"],
                          cwd=REPO, capture_output=True, text=True, env={**os.environ, "TORCH_HOME": str(tmp_path)})
    assert not attempts.exists()
    assert proc.returncode == 1, proc.stderr
    assert '"weights": "ResNet34_Weights.IMAGENET1K_V1"' in proc.stdout
    assert '"weights": "https://example.invalid/head.pth"' in proc.stdout
    assert not list(tmp_path.rglob("*.pth"))


def test_time_limit_per_target(write_model, tmp_path):
    write_model("""
        import time
        from torch import nn

        class Slow(nn.Module):
            def __init__(self):
                super().__init__()
                time.sleep(120)
                self.fc = nn.Linear(4, 2)

            def forward(self, x):
                return self.fc(x)

        class Fast(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 2)

            def forward(self, x):
                return self.fc(x)
    """)
    report, proc = netlint_json("model.py", "--timeout", "20", cwd=tmp_path)
    assert proc.returncode == 2
    error, = report["errors"]
    assert error["target"] == "model.py::Slow" and "took longer than 20 s" in error["message"]
    assert [m["target"] for m in report["models"]] == ["model.py::Fast"]


def test_hugging_face_hub_stays_offline(write_model, tmp_path):
    """A download from the hub gives a path where no file is: a model that reads it fails cleanly."""
    pytest.importorskip("huggingface_hub")
    write_model("""
        import json
        from huggingface_hub import hf_hub_download
        from torch import nn

        class FromHub(nn.Module):
            def __init__(self):
                super().__init__()
                with open(hf_hub_download("example-org/example-model", "config.json")) as f:
                    width = json.load(f)["width"]
                self.fc = nn.Linear(4, width)

            def forward(self, x):
                return self.fc(x)
    """)
    proc = run_netlint("model.py", cwd=tmp_path, env={**os.environ, "HF_HOME": str(tmp_path / "hf")})
    assert proc.returncode == 2
    assert "model.py:9" in proc.stderr and "Traceback" not in proc.stderr
    assert "example-org/example-model/config.json was not downloaded" in proc.stderr
    assert not (tmp_path / "hf").exists()


def test_network_at_import_time_is_refused(write_model, tmp_path):
    write_model("""
        import urllib.request
        from torch import nn

        urllib.request.urlopen("http://127.0.0.1:9/weights.pth", timeout=1)

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 2)

            def forward(self, x):
                return self.fc(x)
    """)
    report, proc = netlint_json("model.py", "-v", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [m["target"] for m in report["models"]] == ["model.py::Net"]
    assert ("model.py:5: this top-level statement failed when imported (URLError: <urlopen error netlint is "
            "offline: a network connection was attempted>); the rest of the file ran") in report["models"][0]["notes"]


def test_a_forward_on_the_cpu_gives_the_same_report_every_run(write_model, tmp_path):
    """The CPU fallback's weights and inputs are random: they are seeded, so that a shape that
    depends on values (detections kept above a threshold) is the same in every run."""
    write_model("""
        import torch
        from torch import nn

        class Detector(nn.Module):
            def __init__(self):
                super().__init__()
                self.score = nn.Linear(16, 64)

            def forward(self, x):
                scores = self.score(x)
                return scores[scores > 0.1]
    """)
    reports = [netlint_json("model.py", cwd=tmp_path)[0]["models"][0] for _ in range(3)]
    assert reports[0]["built_on"] == "cpu" or any("CPU" in note for note in reports[0]["notes"])
    assert reports[0]["output_shape"] == reports[1]["output_shape"] == reports[2]["output_shape"]
