"""Inputs of several kinds, inferred without --input-shape: a label vector tiled over the image,
a class index an Embedding reads, a mask or instance map beside an image, a style vector; their
sizes from the constructor's own arguments; the size search only while the failure is about
the size, and an error that says what really failed."""

from __future__ import annotations

from conftest import fixture_models as models, netlint_json, run_netlint
from test_bad_input import assert_one_line_error


def test_a_label_vector_tiled_over_the_image_is_a_vector_of_the_constructors_c_dim():
    model = models("inputs/input_stargan_generator.py")["Generator"]
    assert model["input_shape"] == [[1, 3, 256, 256], [1, 5]]
    assert "split between 2 inputs by torch.cat (5: the constructor's c_dim), a vector tiled over the image" \
        in model["input_reason"]
    assert model["output_shape"] == [[1, 3, 256, 256]] and model["capture"] == "fx"


def test_without_a_constructor_argument_the_image_keeps_3_channels_and_the_vector_the_rest():
    model = models("inputs/input_stargan_generator.py")["HardCodedGenerator"]
    assert model["input_shape"] == [[1, 3, 256, 256], [1, 7]]


def test_a_class_index_read_by_an_embedding_is_one_integer_per_sample():
    found = models("inputs/input_label_embedding.py")
    assert found["ACGANGenerator"]["input_shape"] == [[1, 100], [1]]
    assert found["ACGANGenerator"]["output_shape"] == [[1, 3, 32, 32]]
    assert "label_emb Embedding (a class index)" in found["ACGANGenerator"]["input_reason"]
    # the noise's share of Linear(110) is what the label's embedding (10 wide) leaves
    assert found["ConditionalGenerator"]["input_shape"] == [[1, 100], [1]]
    assert found["ConditionalBNGenerator"]["input_shape"] == [[1, 64], [1]]
    assert found["ConditionalBNGenerator"]["output_shape"] == [[1, 3, 8, 8]]
    # without a graph (fx cannot trace it), a label that picks an output head by indexing
    assert found["MultiDomainStyleEncoder"]["input_shape"] == [[1, 3, 256, 256], [1]]
    assert "y: a class index (by its name)" in found["MultiDomainStyleEncoder"]["input_reason"]


def test_a_mask_beside_an_image_has_one_channel_and_a_style_vector_its_linears_width():
    found = models("inputs/input_mask_and_style.py")
    assert found["InpaintingGenerator"]["input_shape"] == [[1, 3, 256, 256], [1, 1, 256, 256]]
    assert found["InpaintingGenerator"]["task"] == "image-to-image"
    assert found["StyleDecoder"]["input_shape"] == [[1, 3, 256, 256], [1, 64]]


def test_an_instance_map_input_of_a_model_fx_cannot_trace_is_inferred_by_its_name():
    model = models("inputs/input_instance_map.py")["LabelToImageGenerator"]
    assert model["input_shape"] == [[1, 35, 256, 256], [1, 1, 256, 256]]
    assert "35 of them from the constructor's label_nc" in model["input_reason"]
    assert "inst: a 1-channel map (by its name)" in model["input_reason"]
    assert model["capture"] != "modules" and model["output_shape"] == [[1, 3, 256, 256]]


def test_the_constructors_arguments_decide_the_vectors_size(tmp_path):
    report, proc = netlint_json("fixtures/inputs/input_stargan_generator.py::Generator(c_dim=8, conv_dim=8)")
    assert report["errors"] == [], proc.stderr
    assert report["models"][0]["input_shape"] == [[1, 3, 256, 256], [1, 8]]


def test_the_inputs_the_projects_call_passes_come_first(write_model, tmp_path):
    write_model("""
        import torch
        from torch import nn

        class Generator(nn.Module):
            def __init__(self, c_dim=5):
                super().__init__()
                self.conv = nn.Conv2d(3 + c_dim, 3, 3, padding=1)

            def forward(self, x, c):
                c = c[:, :, None, None].expand(-1, -1, x.size(2), x.size(3))
                return self.conv(torch.cat([x, c], 1))

        if __name__ == "__main__":
            G = Generator()
            x = torch.randn(4, 3, 128, 128)
            labels = torch.zeros(4, 5)
            print(G(x, labels).shape)
    """)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    model, = report["models"]
    assert model["input_shape"] == [[4, 3, 128, 128], [4, 5]], proc.stderr
    assert model["input_reason"] == "the input model.py:15 passes to it"


FAILS_WHATEVER_THE_SIZE = """
import torch
from torch import nn

class Checked(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        assert x.dtype == torch.float16, "run me in half precision"
        return self.conv(x)

class Flattened(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 256, 3)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, 10)

    def forward(self, x):
        return self.fc(self.pool(self.conv(x)).view(x.size(0), 512))

class SmallOnly(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        assert x.shape[-1] <= 32, "CIFAR images only"
        return self.conv(x)
"""


def test_a_failure_the_same_at_every_size_says_so_and_lists_no_sides(tmp_path):
    (tmp_path / "model.py").write_text(FAILS_WHATEVER_THE_SIZE)
    report, proc = netlint_json("model.py", cwd=tmp_path)
    errors = {e["target"].split("::")[1]: e["message"] for e in report["errors"]}
    assert set(errors) == {"Checked", "Flattened"}, proc.stderr
    # an assertion whose line reads no size: no other side is tried
    assert "AssertionError: run me in half precision; not a failure about the input's size, so no other side " \
           "was tried" in errors["Checked"]
    assert "shape '[1, 512]' is invalid for input of size 256" in errors["Flattened"]
    assert all("fail too" not in m and "--input-shape" not in m for m in errors.values()), errors
    small, = report["models"]  # an assertion about the size still finds the size that passes it
    assert small["input_shape"] == [[1, 3, 32, 32]]
    proc = run_netlint("model.py::Checked", cwd=tmp_path)
    assert_one_line_error(proc, "model.py::Checked", "not a failure about the input's size")
