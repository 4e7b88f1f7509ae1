"""Root models built the way their project does (issue 26), on tests/arguments_family8, linted
in one run (and once from a subfolder):

- uses: a parameter no name convention covers is guessed by what the constructor does with
  it: a count it passes to ``range`` or multiplies a list by (``DnCNN(D)``); a block class it
  calls (``block(64, 64)``, ``block.expansion`` read), also in a method it passes it to
  (``self._stage(block, ...)``); the name of a module's function it looks up
  (``getattr(backbones, arch)(pretrained=False)``); a state dict it, or a project class it
  passes it to, loads (netlint's stand-in: a weights request); a count it indexes or
  iterates (``stage_sizes``: a list); where it runs (``device``: the CPU, ``ngpu``: none).
  The style network also hides ``nn.Module.train`` with a flag (``self.train = True``).
- gpu_checkpoint: a checkpoint on disk whose storages say cuda:0 (saved on a GPU), loaded
  without a map_location or with one that moves each storage to the GPU, builds.
- packages: a module of a regular package whose package imports a third-party module that
  has a sibling's name (``import imgutils`` beside ``imgutils.py``) imports; namespace: a
  loose file whose relative import names its folder as a package, from the repository's root
  and from the folder itself.
- options_yaml: a class with defaults that the project builds from its YAML options
  (``network_G: {which_model_G: night_enhancer, HR_in: true}`` through ``define_G``) is built
  with the options' values first: its forward is written for them, not for its defaults.

The only finding: NL201 on the denoiser's BatchNorm (an image-to-image model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, netlint_json, shared_run

FAMILY = "tests/arguments_family8"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    document, proc = shared_run(tmp_path_factory, "arguments-family8", FAMILY, "-j", "2", "--timeout", "300")
    assert document["errors"] == [], document["errors"]
    assert [(f["code"], f["path"], f["line"]) for f in document["findings"]] == [
        ("NL201", f"{FAMILY}/uses/denoisers.py", 14)]
    assert proc.returncode == 1, proc.stderr
    return document


def model(document: dict, target: str) -> dict:
    found = [m for m in document["models"] if m["target"] == f"{FAMILY}/{target}"]
    assert found, [s["reason"] for s in document["skipped"] if s["target"] == f"{FAMILY}/{target}"]
    return found[0]


def constructor(file: str, line: int) -> str:
    return f"its constructor ({FAMILY}/uses/{file}:{line})"


@pytest.mark.parametrize(("target", "call", "line"), [
    ("PlainDenoiser", "PlainDenoiser(D=4)", 8),  # range(D)
    ("StackedDenoiser", "StackedDenoiser(L=4)", 24),  # [...] for i in range(L)
])
def test_a_parameter_the_constructor_counts_with_is_a_small_count(report, target, call, line):
    built = model(report, f"uses/denoisers.py::{target}")
    assert built["call"] == call
    name = call[call.index("(") + 1:call.index("=")]
    assert built["arguments_from"] == f"a count, as {constructor('denoisers.py', line)} uses it for {name} (the first)"


def test_a_block_class_the_constructor_calls_is_a_project_class_that_takes_the_call(report):
    built = model(report, "uses/frame_fusion.py::FrameFusion")
    # ResidualBlock, not PlainBlock: the constructor reads block.expansion
    assert built["call"] == "FrameFusion(block=ResidualBlock, n_inputs=4, n_outputs=4)"
    where = constructor("frame_fusion.py", 31)
    assert built["arguments_from"].startswith(
        f"the project's block classes and functions that take the call {where} makes for block, ")
    assert f"a count, as {where} uses it for n_inputs" in built["arguments_from"]


def test_a_block_class_passed_to_a_method_and_stage_counts_it_iterates(report):
    built = model(report, "uses/frame_fusion.py::LayeredNet")
    assert built["call"] == "LayeredNet(block=ResidualBlock, stage_sizes=[2, 2, 2, 2])"
    assert "counts, one per stage" in built["arguments_from"]
    assert built["task"] == "classification"


def test_a_name_the_constructor_looks_up_on_a_module_is_one_of_its_functions(report):
    built = model(report, "uses/named_backbone.py::Interpolator")
    assert built["call"] == "Interpolator(arch='trunk_small')"
    assert built["arguments_from"].startswith("the names of tiny_backbones's functions that take the call")


def test_a_state_dict_a_building_block_loads_is_a_weights_request(report):
    built = model(report, "uses/style.py::StyleNetwork")
    assert built["call"] == "StyleNetwork(device='cpu', enc_state_dict=<a state dict>)"
    assert built["arguments_from"] == ("where netlint runs the model (the CPU) for device, a state dict netlint "
                                       f"stands in for, as {constructor('style.py', 19)} loads it for enc_state_dict")
    assert built["weights_requested"] == [{"module": "encoder.layers",
                                           "weights": "enc_state_dict (a state dict netlint stands in for)"}]


def test_a_model_whose_own_attribute_hides_train_is_analyzed(report):
    built = model(report, "uses/style.py::StyleNetwork")  # self.train = True: model.eval() would call a bool
    assert built["params"] == 1792 + 73856 + 73792 + 1731


def test_a_gpu_count_is_none(report):
    built = model(report, "uses/gan.py::Generator")
    assert built["call"] == "Generator(ngpu=0)"


@pytest.mark.parametrize("target", ["Enhancer", "PinnedEnhancer"])
def test_a_checkpoint_saved_on_a_gpu_loads_on_the_build_s_device(report, target):
    built = model(report, f"gpu_checkpoint/enhancers.py::{target}")
    assert built["weights_requested"] == []  # the file is there: loaded, not stood in for
    assert not any("does not build on meta" in note for note in built["notes"])


def test_a_package_module_whose_package_imports_a_namesake_of_a_sibling(report):
    built = model(report, "packages/posekit/nets/stacked.py::StackedKeypointNet")
    assert built["task"] != "classification"


def test_a_loose_file_with_a_relative_import_from_the_root(report):
    model(report, "namespace/detect/heads/detector.py::BoxDetector")


def test_relative_imports_resolve_when_run_from_the_file_s_own_folder():
    folder = REPO / FAMILY / "namespace" / "detect" / "heads"
    document, proc = netlint_json("detector.py", "../../../packages/posekit/nets/stacked.py", cwd=folder)
    assert document["errors"] == [], proc.stderr
    assert sorted(m["target"] for m in document["models"]) == [
        "../../../packages/posekit/nets/stacked.py::StackedKeypointNet", "detector.py::BoxDetector"]
    assert not list(Path(folder).glob("__pycache__"))


def test_the_options_section_that_names_the_class_comes_before_its_defaults(report):
    # its defaults build (HR_in=False) but its forward is written for the options' HR_in=True
    built = model(report, "options_yaml/models/archs/night_arch.py::night_enhancer")
    assert built["call"] == "night_enhancer(nf=16, front_blocks=1, HR_in=True)"
    assert built["arguments_from"] == f"{FAMILY}/options_yaml/options/train/night.yml, section network_G"
    assert built["task"] == "image-to-image"
