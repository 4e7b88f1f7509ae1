"""Weights and checkpoints as data: a weights download or a checkpoint that is not on disk is
answered with a state dict that behaves like the real one, and recorded as a request; a
checkpoint that is on disk is read for real. Through the real CLI."""

from __future__ import annotations

import torch

from conftest import netlint_json

LOADING = "fixtures/load/weights_checkpoint_loading.py"
URL = "https://download.pytorch.org/models/resnet18-f37072fd.pth"


def test_every_way_of_loading_builds_and_records_which_module_received_the_weights():
    report, proc = netlint_json(LOADING)
    assert report["errors"] == [], proc.stderr
    requested = {m["target"].split("::")[1]: m["weights_requested"] for m in report["models"]}
    assert requested.pop("SmallNet", []) == []  # built without weights (a block of Ensemble's, maybe not a root)
    assert requested == {
        "NewHead": [{"module": "net", "weights": URL}],  # del state["fc.weight"], strict=False
        "FromCheckpoint": [{"module": "net", "weights": "checkpoints/resnet18_best.pth.tar"}],
        "MatchingEntries": [{"module": "net", "weights": URL}],  # filtered, then model_dict.update
        "RenamedInPlace": [{"module": "net", "weights": "weights/resnet18_dp.pth"}],
        "TwoFrameClassifier": [{"module": "model", "weights": URL}],  # conv1.weight repeated, fc.* left out
        "Ensemble": [{"module": "a", "weights": "pretrained/small_net.pth"}],  # if pretrained: ...["model"]
    }
    assert proc.returncode == 0


def test_the_stand_in_has_the_loading_modules_keys_less_those_the_code_removed(write_model, tmp_path):
    """The code checks what ``load_state_dict`` answers, as efficientnet_pytorch does."""
    write_model("""
        import torch
        from torch import nn
        from torchvision.models import ResNet18_Weights, resnet18

        class Checked(nn.Module):
            def __init__(self):
                super().__init__()
                self.net = resnet18(num_classes=7)
                state = ResNet18_Weights.IMAGENET1K_V1.get_state_dict(progress=False)
                assert state.pop("fc.weight").shape == (7, 512)  # the shapes of the module that loads it
                state.pop("fc.bias")
                assert state.pop("not.there", None) is None
                ret = self.net.load_state_dict(state, strict=False)
                assert sorted(ret.missing_keys) == ["fc.bias", "fc.weight"], ret
                assert ret.unexpected_keys == [], ret
                full = torch.load("weights/full.pth")
                assert set(full) >= set(self.net.state_dict()), sorted(full)[:3]
                assert full["conv1.weight"].shape == (64, 3, 7, 7)
                assert self.net.load_state_dict(full).missing_keys == []
                sections = torch.load("weights/checkpoint.pth")
                self.net.load_state_dict(sections.get("state_dict"))
                self.net.load_state_dict(sections["model"], strict=True)
                try:
                    sections["layer9.0.conv1.weight"]
                except KeyError:
                    pass
                else:
                    raise AssertionError("a parameter the module does not have was found")

            def forward(self, x):
                return self.net(x)
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    assert report["models"][0]["weights_requested"] == [
        {"module": "net", "weights": "ResNet18_Weights.IMAGENET1K_V1"},
        {"module": "net", "weights": "weights/full.pth"},
        {"module": "net", "weights": "weights/checkpoint.pth"},
    ]


def test_weights_copied_by_hand_are_still_a_request(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn

        class ByHand(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3, padding=1)
                state = torch.load("weights/conv.pth")
                with torch.no_grad():
                    for name, p in self.conv.named_parameters():
                        p.copy_(state[name])

            def forward(self, x):
                return self.conv(x)
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    assert report["models"][0]["weights_requested"] == [{"module": "", "weights": "weights/conv.pth"}]


def test_a_checkpoint_on_disk_is_read_for_real(write_model, tmp_path):
    torch.save({"width": 48}, tmp_path / "config.pt")
    torch.save({"weight": torch.zeros(3, 48), "bias": torch.zeros(3)}, tmp_path / "head.pt")
    torch.save({"weight": torch.zeros(3, 47), "bias": torch.zeros(3)}, tmp_path / "wrong.pt")
    source = """
        import torch
        from torch import nn

        class Head(nn.Module):
            def __init__(self, checkpoint="head.pt"):
                super().__init__()
                self.fc = nn.Linear(torch.load("config.pt")["width"], 3)
                self.fc.load_state_dict(torch.load(checkpoint))

            def forward(self, x):
                return self.fc(x)
    """
    write_model(source)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    assert report["models"][0]["params"] == 48 * 3 + 3  # the width the file holds
    assert report["models"][0]["weights_requested"] == []

    report, proc = netlint_json("model.py::Head('wrong.pt')", cwd=tmp_path)
    assert proc.returncode == 2
    error, = report["errors"]
    assert "RuntimeError: Error(s) in loading state_dict for Linear" in error["message"], error  # torch's own
    assert (error["path"], error["line"]) == ("model.py", 9)
    assert "Traceback" not in proc.stderr


def test_nothing_is_written_where_the_checkpoints_were_expected(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn

        class Loaded(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 2)
                self.fc.load_state_dict(torch.load("checkpoints/run1/best.pth")["state_dict"])
                self.fc.load_state_dict(torch.hub.load_state_dict_from_url("https://example.invalid/fc.pth"))

            def forward(self, x):
                return self.fc(x)
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    assert [r["weights"] for r in report["models"][0]["weights_requested"]] == [
        "checkpoints/run1/best.pth", "https://example.invalid/fc.pth"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py"]
