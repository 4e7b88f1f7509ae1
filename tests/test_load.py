"""Building on the meta device, offline: weights requests, accelerators, creation sites."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import REPO, netlint_json, run_netlint


def test_weights_requests_are_recorded_and_nothing_is_downloaded(write_model, tmp_path):
    pytest.importorskip("torchvision")
    write_model("""
        import torch
        import torchvision
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.backbone = torchvision.models.resnet18(
                    weights=torchvision.models.ResNet18_Weights.IMAGENET1K_V1)
                self.extra = nn.Linear(1000, 4)
                self.extra.load_state_dict(torch.hub.load_state_dict_from_url(
                    "https://example.invalid/extra.pth"))

            def forward(self, x):
                return self.extra(self.backbone(x))
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    assert report["models"][0]["weights_requested"] == [
        {"module": "backbone", "weights": "ResNet18_Weights.IMAGENET1K_V1"},
        {"module": "extra", "weights": "https://example.invalid/extra.pth"},
    ]


def test_network_connections_are_refused(write_model, tmp_path):
    write_model("""
        import socket
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                socket.create_connection(("127.0.0.1", 9), timeout=1)
                self.fc = nn.Linear(4, 2)

            def forward(self, x):
                return self.fc(x)
    """)
    proc = run_netlint("model.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "model.py:8" in proc.stderr and "netlint is offline" in proc.stderr


def test_accelerator_requests_during_construction_stay_on_meta(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 2).cuda()
                self.conv = nn.Conv2d(3, 4, 3).to("cuda:0")
                self.register_buffer("scale", torch.ones(4, device="cuda"))
                self.register_buffer("shift", torch.zeros(4).to(torch.device("cuda")).cpu())

            def forward(self, x):
                return self.fc(self.conv(x).mean((2, 3)) * self.scale + self.shift)
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert report["models"][0]["params"] == 4 * 2 + 2 + 3 * 4 * 9 + 4
    assert report["models"][0]["buffers"] == 8


def test_a_model_larger_than_memory_is_counted_exactly(write_model, tmp_path):
    write_model("""
        from torch import nn

        class Huge(nn.Module):  # 40 GB of float32 weights if it were allocated
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(100_000, 100_000)

            def forward(self, x):
                return self.fc(x)
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert report["models"][0]["params"] == 100_000 * 100_000 + 100_000


def test_tied_weights_count_once(write_model, tmp_path):
    write_model("""
        from torch import nn

        class Tied(nn.Module):
            def __init__(self):
                super().__init__()
                self.embed = nn.Embedding(100, 16)
                self.head = nn.Linear(16, 100, bias=False)
                self.head.weight = self.embed.weight

            def forward(self, tokens):
                return self.head(self.embed(tokens))
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert report["models"][0]["params"] == 1600


def test_creation_site_of_a_layer_made_in_a_library_is_the_users_call(write_model, tmp_path):
    pytest.importorskip("torchvision")
    write_model("""
        import torch
        from torch import nn
        from torchvision.models import resnet18

        class Colorizer(nn.Module):
            def __init__(self):
                super().__init__()
                trunk = resnet18()
                self.encoder = nn.Sequential(*list(trunk.children())[:-2])
                self.decoder = nn.Sequential(
                    nn.Upsample(scale_factor=32),
                    nn.Conv2d(512, 3, 3, padding=1),
                )

            def forward(self, x):
                return torch.sigmoid(self.decoder(self.encoder(x)))
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    by_code = {f["code"]: f for f in report["findings"]}
    assert (by_code["NL201"]["line"], by_code["NL201"]["column"]) == (9, 17)
    assert (by_code["NL202"]["line"], by_code["NL202"]["severity"]) == (9, "note")
    assert "resnet18()" in by_code["NL202"]["message"]


def test_smp_encoder_weights_from_the_hub_are_recorded_and_nothing_is_downloaded(tmp_path):
    """segmentation_models_pytorch fetches encoder weights with huggingface_hub.hf_hub_download."""
    smp = pytest.importorskip("segmentation_models_pytorch")
    attempts = tmp_path / "attempts"
    code = textwrap.dedent(f"""
        import os, socket, sys
        log = os.open({str(attempts)!r}, os.O_WRONLY | os.O_CREAT)  # now: the sandbox refuses opening it later
        def refuse(*args, **kwargs):
            os.write(log, b"connect\\n")
            raise OSError("network is blocked in this test")
        socket.socket.connect = socket.create_connection = socket.getaddrinfo = refuse
        sys.argv = ["netlint", *sys.argv[1:]]
        from netlint.cli import main
        main()
    """)
    proc = subprocess.run([sys.executable, "-c", code, "fixtures/capture/capture_smp_unet.py",
                           "--output-format", "json"],
                          cwd=REPO, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "HF_HOME": str(tmp_path / "hf"), "TORCH_HOME": str(tmp_path / "torch")})
    report = json.loads(proc.stdout)
    assert report["errors"] == [], proc.stderr
    assert attempts.read_text() == ""
    assert not (tmp_path / "hf").exists()
    real = smp.Unet("resnet34", encoder_weights=None, classes=2)
    assert report["models"][0]["params"] == sum(p.numel() for p in real.parameters())
    assert report["models"][0]["weights_requested"] == [
        {"module": "unet.encoder", "weights": "smp-hub/resnet34.imagenet/model.safetensors"},
    ]
