"""Root models whose constructor arguments the project's code makes obvious (issue 26, item 2),
through the CLI on the projects of fixtures/arguments_family/ (each copied to a fresh folder
and linted zero-config from its root): factories of every form, modules as arguments, keys
of a table of the file, counts without a default, configuration files."""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

from conftest import REPO, netlint_json, run_netlint

FAMILY = REPO / "fixtures" / "arguments_family"


@functools.lru_cache(maxsize=None)
def linted(project: str) -> tuple[dict, str, Path]:
    """The JSON report of ``netlint . -v`` in a copy of the project, its stderr, and the copy."""
    folder = Path(tempfile.mkdtemp(prefix="netlint-family-")) / project
    shutil.copytree(FAMILY / project, folder)
    report, proc = netlint_json(".", "-v", cwd=folder)
    assert proc.returncode in (0, 1), proc.stderr
    return report, proc.stderr, folder


def models(project: str) -> dict[str, dict]:
    return {m["target"]: m for m in linted(project)[0]["models"]}


def skipped(project: str) -> dict[str, str]:
    return {s["target"]: s["reason"] for s in linted(project)[0]["skipped"] if s.get("model", True)}


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def built(project: str, target: str) -> tuple[str, str]:
    model = models(project)[target]
    return model["call"], model["arguments_from"]


# ---------------------------------------------------------------- factories

def test_factories_of_every_form_build_the_class_they_return():
    nets = FAMILY / "factories" / "nets.py"
    expected = {  # class -> its file's factory that builds it
        "GraphNet": "graphnet_tiny",  # @register_model, a local options class made in the factory
        "NamespaceNet": "namespace_net_small",  # a SimpleNamespace
        "DictNet": "dictnet_base",  # a dict, the model returned after .eval()
        "HelperNet": "helper_net_small",  # return _create(HelperNet, "small")
    }
    for cls, factory in expected.items():
        assert built("factories", f"nets.py::{cls}") == (f"{factory}()", f"nets.py:{line_of(nets, f'def {factory}(')}")
    assert built("factories", "nets.py::Tiny") == ("tiny_two()", f"nets.py:{line_of(nets, 'tiny_two = ')}")
    graph = models("factories")["nets.py::GraphNet"]
    stem, blocks, head = 3 * 12 * 9 + 12, 2 * (12 * 12 * 9 + 12), 12 * 7 + 7  # the options the factory made
    assert graph["params"] == stem + blocks + head
    assert models("factories")["nets.py::Tiny"]["params"] == (3 * 5 * 9 + 5) + (5 * 9 * 9 + 9) + (9 * 10 + 10)
    assert skipped("factories") == {}
    # a factory that gives a block class to its model builds the model, not the block
    assert built("factories", "nets.py::Stack") == ("stack_deep()", f"nets.py:{line_of(nets, 'def stack_deep')}")
    # and the block class it gives is a building block of the model, not a root
    assert {s["target"]: s["reason"] for s in linted("factories")[0]["skipped"]}["nets.py::Block"] == \
        "a building block: Stack (given it as an argument) builds it"


def test_a_factory_of_another_file_through_a_chain_of_helpers():
    """seg/modeling.py: segmodel_small() -> _load_model -> _segm -> SegModel(backbone, classifier)."""
    modeling = FAMILY / "factories" / "seg" / "modeling.py"
    assert built("factories", "seg/_model.py::SegModel") == (
        "segmodel_small()", f"seg/modeling.py:{line_of(modeling, 'def segmodel_small')}")
    segmentation = models("factories")["seg/_model.py::SegModel"]
    assert segmentation["output_shape"][0][1] == 6 and segmentation["task"] == "segmentation"


def test_the_report_says_which_factory_built_the_model():
    report, _stderr, folder = linted("factories")
    text = run_netlint("nets.py", cwd=folder).stdout
    assert f"built as graphnet_tiny() (arguments from nets.py:{line_of(folder / 'nets.py', 'def graphnet_tiny')})" \
        in text, text


def test_a_scripts_main_is_never_run_to_build_a_model():
    """paths/train.py's main() parses the command line and returns Darknet(args.model or "config/tiny.cfg")."""
    call, source = built("paths", "models/darknet.py::Darknet")
    assert call != "main()" and not source.startswith("train.py"), (call, source)


# ---------------------------------------------------------------- modules as arguments

def test_modules_the_project_passes_from_module_level_objects_of_the_model_file():
    """train.py: decoder = net.decoder; vgg = nn.Sequential(*list(net.vgg.children())[:4]);
    net.StyleNet(vgg, decoder)."""
    train = FAMILY / "modules_project" / "train.py"
    assert built("modules_project", "style_net.py::StyleNet") == (
        "StyleNet(nn.Sequential(*list(vgg.children())[:4]), decoder)",
        f"train.py:{line_of(train, 'net.StyleNet(')}")
    encoder = (3 * 8 * 9 + 8) + (8 * 16 * 9 + 16)  # the first 4 layers of vgg: 2 convolutions
    decoder = (16 * 8 * 9 + 8) + (8 * 3 * 9 + 3)
    style = models("modules_project")["style_net.py::StyleNet"]
    assert style["params"] == encoder + decoder and style["task"] == "image-to-image"


def test_modules_built_by_a_call_the_code_writes_out():
    pair = FAMILY / "modules_project" / "pair.py"
    assert built("modules_project", "pair.py::Pair") == (
        "Pair(Encoder(width=4), Decoder(width=4))", f"pair.py:{line_of(pair, 'model = Pair(')}")
    assert models("modules_project")["pair.py::Pair"]["params"] == (3 * 4 * 9 + 4) + (4 * 3 * 9 + 3)


def test_a_module_parameter_nothing_in_the_project_names_is_skipped_never_a_random_module():
    reason = skipped("modules_project")["pair.py::Wrapper"]
    assert "no convention covers 'backbone'" in reason and "give them as 'pair.py::Wrapper(...)'" in reason


def test_a_module_of_the_same_name_and_layers_made_by_a_function_of_the_file():
    assert built("modules_default", "restorer.py::Restorer") == (
        "Restorer(body=body)", "the module body of restorer.py for body")
    call, source = built("modules_default", "restorer.py::VGG")
    assert call == "VGG(features=make_layers(cfg['A']))", call
    assert source.startswith("make_layers and the keys of cfg (restorer.py)"), source
    features, head = (3 * 8 * 9 + 8) + (8 * 16 * 9 + 16), 16 * 10 + 10  # cfg['A']
    assert models("modules_default")["restorer.py::VGG"]["params"] == features + head


# ---------------------------------------------------------------- keys of a table

def test_a_parameter_that_indexes_a_table_of_the_file_is_given_its_keys_first_first():
    source_of = {target: built("tables", f"vgg_like.py::{target}") for target in
                 ("LegoVGG", "MobileLike", "DepthNet", "ScaledNet", "PlanNet")}
    table = FAMILY / "tables" / "vgg_like.py"
    call, source = source_of["LegoVGG"]  # cfg[vgg_name], the others guessed
    assert call == "LegoVGG(vgg_name='VGG-tiny', n_split=2, n_classes=10)", call
    assert source == (f"the keys of cfg (vgg_like.py:{line_of(table, 'cfg = {')}) for vgg_name (the first), "
                      "the others guessed from parameter names"), source
    assert source_of["MobileLike"][0] == "MobileLike(mode=0)"  # CFGS[mode], a list: its positions
    assert source_of["DepthNet"][0] == "DepthNet(depth=18)"  # self.arch_settings[depth], never the depth guess
    call, source = source_of["ScaledNet"]  # a classmethod constructor; model_name not in VALID_MODELS
    assert call == "ScaledNet.from_name(model_name='net-b0')", call
    assert source.startswith("the entries of VALID_MODELS"), source
    call, source = source_of["PlanNet"]  # the first key does not build: the next
    assert call == "PlanNet(plan_name='current')" and "(the first)" not in source, (call, source)
    notes = models("tables")["vgg_like.py::PlanNet"]["notes"]
    assert any("PlanNet(plan_name='legacy')" in n and "does not build" in n for n in notes), notes


# ---------------------------------------------------------------- counts

def test_a_count_without_a_default_is_tried_at_small_values_until_one_builds():
    call, source = built("counts", "unet.py::UnetGenerator")
    assert call == "UnetGenerator(input_nc=3, output_nc=3, num_downs=5)", call  # never an image side
    assert source == "guessed from parameter names"
    notes = models("counts")["unet.py::UnetGenerator"]["notes"]
    assert not any("num_downs=4" in n for n in notes), notes  # its assertion num_downs >= 5 rejects 4 untried
    assert built("counts", "unet.py::EDSRLike")[0] == "EDSRLike(n_resblocks=2, n_feats=64)"
    report = linted("counts")[0]
    assert not [f for f in report["findings"] if f["code"] == "NL201"]  # InstanceNorm: quiet


# ---------------------------------------------------------------- configuration files

def test_a_configuration_file_the_code_names_is_given_to_a_path_parameter():
    call, source = built("paths", "models/darknet.py::Darknet")
    assert call == "Darknet(config_path='config/tiny.cfg')", call  # named by train.py, before config/full.cfg
    assert source == "the project's configuration files for config_path (the first)", source
    assert models("paths")["models/darknet.py::Darknet"]["params"] == (3 * 8 * 9 + 2 * 8) + (8 * 16 * 9 + 2 * 16)


def test_a_file_with_the_extension_the_code_reads_and_the_closest_name():
    call, _source = built("paths_json", "jsonnet.py::JsonNet")
    assert call == "JsonNet(model_def='configs/jsonnet_small.json')", call


def test_the_projects_are_left_as_they_were():
    for project in ("factories", "modules_project", "paths"):
        _report, _stderr, folder = linted(project)
        copied = sorted(p.relative_to(folder) for p in folder.rglob("*") if "__pycache__" not in p.parts)
        original = sorted(p.relative_to(FAMILY / project) for p in (FAMILY / project).rglob("*")
                          if "__pycache__" not in p.parts)
        assert copied == original
