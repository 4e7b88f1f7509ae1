"""Example inputs netlint infers without --input-shape: the image side a model with a fixed
input size needs (found by trying sizes), and the channels of inputs joined by torch.cat."""

from __future__ import annotations

from conftest import fixture_models as models, netlint_json, run_netlint
from test_bad_input import assert_one_line_error


def test_mnist_net_gets_a_28x28_digit():
    model = models("inputs/input_mnist_net.py")["Net"]
    assert model["input_shape"] == [[1, 1, 28, 28]]
    assert model["input_reason"] == "inferred from conv1 Conv2d(1→…), side 28 found by trying sizes"
    assert (model["capture"], model["built_on"]) == ("fx", "meta")
    assert model["output_shape"] == [[1, 10]] and model["task"] == "classification"


def test_gan_discriminator_with_a_linear_head_gets_32x32():
    model = models("inputs/input_gan_discriminator_32.py")["Discriminator"]
    assert model["input_shape"] == [[1, 3, 32, 32]]
    assert "side 32 solved from adv_layer.0 Linear(512→…)" in model["input_reason"]
    assert model["output_shape"] == [[1, 1]]


def test_stargan_discriminator_whose_last_kernel_fits_128x128():
    model = models("inputs/input_stargan_discriminator_128.py")["Discriminator"]
    assert model["input_shape"] == [[1, 3, 128, 128]]
    assert model["output_shape"] == [[1, 1, 2, 2], [1, 5]]


def test_two_images_concatenated_into_one_conv_get_3_channels_each():
    model = models("inputs/input_two_image_discriminator.py")["Discriminator"]
    assert model["input_shape"] == [[1, 3, 256, 256], [1, 3, 256, 256]]
    assert model["input_reason"] == "inferred from model.0 Conv2d(6→…) split between 2 inputs by torch.cat"
    assert model["capture"] == "fx"


def test_a_model_that_takes_any_size_keeps_256(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn

        class Stacked(nn.Module):
            '''Two images stacked along the batch: each keeps the conv's 3 channels.'''

            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)

            def forward(self, a, b):
                return self.conv(torch.cat([a, b], 0))

        class Uneven(nn.Module):
            '''Seven channels from two inputs: the first takes the remainder.'''

            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(7, 8, 3)

            def forward(self, a, b):
                return self.conv(torch.cat((a, b), dim=1))

        class AssertsImageNet(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 16, stride=16)

            def forward(self, x):
                assert x.shape[-1] == 224, "the model is trained at 224×224"
                return self.conv(x)
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    found = {m["target"].split("::")[1]: m for m in report["models"]}
    assert found["Stacked"]["input_shape"] == [[1, 3, 256, 256], [1, 3, 256, 256]]
    assert found["Stacked"]["input_reason"] == "inferred from conv Conv2d(3→…)"
    assert found["Uneven"]["input_shape"] == [[1, 4, 256, 256], [1, 3, 256, 256]]
    assert found["AssertsImageNet"]["input_shape"] == [[1, 3, 224, 224]]
    assert found["AssertsImageNet"]["input_reason"].endswith(", side 224 found by trying sizes")


def test_a_forward_that_needs_the_cpu_keeps_the_size_found(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn
        import torch.nn.functional as F

        class GatedDigitNet(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(1, 8, 3)
                self.fc = nn.Linear(8 * 26 * 26, 10)

            def forward(self, x):
                x = F.relu(self.conv(x))
                if x.mean().item() > 100:  # a value: meta cannot run it at any size
                    x = x * 0
                return self.fc(x.flatten(1))
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert report["errors"] == [], proc.stderr
    model = report["models"][0]
    assert model["built_on"] == "meta-with-cpu-values" and model["input_shape"] == [[1, 1, 28, 28]]
    assert model["input_reason"].endswith(", side 28 found by trying sizes")


def test_a_model_that_runs_at_no_size_reports_its_first_failure(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)
                self.fc = nn.Linear(100, 10)  # 8 × side² is never 100

            def forward(self, x):
                return self.fc(self.conv(x).flatten(1))
    """)
    proc = run_netlint("model.py", cwd=tmp_path)
    line = assert_one_line_error(proc, "model.py::Net", "forward failed in fc at input 1×3×256×256",
                                 "--input-shape")
    assert "the sides 224, 128, 64, 32, 28, 512, 96, 299, 384, 448 fail too" in line


def test_a_failure_unrelated_to_the_size_is_not_searched(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn

        class WrongChannels(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Conv2d(3, 8, 3)
                self.b = nn.Conv2d(16, 8, 3)

            def forward(self, x):
                return self.b(self.a(x))

        class WrongFeatures(nn.Module):
            '''A Linear reads the input: every side would give the same guess.'''

            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(10, 6)

            def forward(self, x):
                return self.fc(x).view(-1, 4)
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    assert proc.returncode == 2 and report["models"] == []
    errors = {e["target"].split("::")[1]: e["message"] for e in report["errors"]}
    assert "in b at input 1×3×256×256" in errors["WrongChannels"]
    assert "at input 1×10 " in errors["WrongFeatures"]
    assert all("fail too" not in message for message in errors.values())
