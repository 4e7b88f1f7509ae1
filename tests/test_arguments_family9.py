"""Root models built the way their project does: an options object passed whole, and
parameters named by abbreviation (issue 26), on tests/arguments_family9, linted in one run:

- options_class: the options come from a class that makes and parses its parser
  (``para = Settings().args``); the parameter is called ``para``; a block reads them; a
  constructor defaulting them to None that asserts what the project runs it with (``assert
  para.future_frames == 0``) gets those values; one that only keeps them gets them too.
- main_parser: the parser is made in a ``main()`` that then trains: its parser statements alone.
- post_processing: a module-level parser, what the project does after parsing (``args.scale =
  list(map(int, args.scale.split('+')))``) applied, an option no parser defines guessed by its name.
- no_parser: no parser anywhere: every attribute guessed, a flag the model only tests off.
- dict_config: a nested config dict and yacs-style sections no file gives: guessed by their keys.
- module_globals: ``opt = parser.parse_args()`` at the top level exits for a required option:
  the defaults are parsed, so the globals computed from them (``nz = int(opt.nz)``) exist.
- abbreviations: nch_in, cnum_in, cin/cout fused, isize, alpha; a kernel size and a stride
  beside them stay a kernel size and a stride.

Nothing here has a finding or an error: the run exits 0."""

from __future__ import annotations

import pytest

from conftest import shared_run

FAMILY = "tests/arguments_family9"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    document, proc = shared_run(tmp_path_factory, "arguments-family9", FAMILY, "-j", "2", "--timeout", "300")
    assert document["errors"] == [], document["errors"]
    assert document["findings"] == [], document["findings"]
    assert proc.returncode == 0, proc.stderr
    return document


def model(document: dict, target: str) -> dict:
    found = [m for m in document["models"] if m["target"] == f"{FAMILY}/{target}"]
    assert found, [s["reason"] for s in document["skipped"] if s["target"] == f"{FAMILY}/{target}"]
    return found[0]


def test_options_from_a_class_that_parses_them(report):
    built = model(report, "options_class/model/restorer.py::Restorer")
    assert built["call"] == "Restorer(para)"
    assert built["arguments_from"] == f"{FAMILY}/options_class/para/settings.py's argparse defaults"
    assert built["params"] == (3 * 9 * 8 + 8) + 2 * (8 * 9 * 8 + 8) + (8 * 9 * 3 + 3)  # n_features 8, n_blocks 2


def test_what_the_constructor_asserts_of_its_options_is_set(report):
    built = model(report, "options_class/model/restorer.py::SingleFrame")
    assert built["arguments_from"] == (f"{FAMILY}/options_class/para/settings.py's argparse defaults, "
                                       "para.future_frames 0 and para.past_frames 0 as the constructor asserts")
    assert built["input_shape"] == [[1, 3, 256, 256]]  # 3 × (1 + 0 + 0) channels


def test_options_only_kept_for_the_forward(report):
    assert model(report, "options_class/model/restorer.py::Keeper")["call"] == "Keeper(para)"


def test_the_parser_of_a_main_that_trains(report):
    built = model(report, "main_parser/nets/refsr.py::RefSR")
    assert built["arguments_from"] == f"{FAMILY}/main_parser/train.py's argparse defaults"
    assert built["output_shape"] == [[1, 3, 512, 512]]  # --sr_scale 2


def test_post_processing_applied_and_an_undefined_option_guessed(report):
    built = model(report, "post_processing/model/sr.py::SuperResolver")
    assert built["arguments_from"] == (f"{FAMILY}/post_processing/option.py's argparse defaults, "
                                       "args.n_extra_blocks 2 guessed (by its name)")
    assert built["output_shape"] == [[1, 3, 512, 512]]  # '2+3' split into [2, 3]: the first


def test_options_without_any_parser_are_guesses(report):
    built = model(report, "no_parser/denoiser.py::Denoiser")
    assert built["call"] == "Denoiser(opts)"
    assert built["arguments_from"] == ("opts.in_channels 3, opts.n_blocks 2, opts.n_feats 64, opts.use_attention "
                                       "False guessed (by their names)")


def test_config_dicts_and_sections_no_file_gives(report):
    translator = model(report, "dict_config/translator.py::Translator")
    assert translator["arguments_from"] == "a configuration guessed by the names of the keys the model reads"
    assert translator["output_shape"] == [[1, 3, 256, 256]]  # in_nc, out_nc: 3
    segmenter = model(report, "dict_config/translator.py::Segmenter")
    assert segmenter["arguments_from"] == ("cfg.INPUT and cfg.MODEL sections of guesses "
                                           "(by the names of the keys the model reads)")
    assert segmenter["output_shape"] == [[1, 10, 256, 256]]  # NUM_CLASSES: 10


def test_module_globals_computed_from_parsed_options(report):
    built = model(report, "module_globals/gan.py::Generator")
    assert built["call"] == "Generator(ngpu=0)"  # a GPU count: none
    assert built["input_shape"][0][1] == 32  # the global nz, from --nz's default


@pytest.mark.parametrize("target, call", [
    ("Unet2", "Unet2(nch_in=3, nch_out=3)"),
    ("PatchCritic", "PatchCritic(cnum_in=3, cnum=64)"),
    ("FusedIO", "FusedIO(cin=3, cout=3, ksize=3, stride=1)"),
    ("SizedCritic", "SizedCritic(isize=64, nc=3, ndf=64)"),
    ("Blender", "Blender(alpha=1.0)"),
])
def test_abbreviated_parameters(report, target, call):
    built = model(report, f"abbreviations/nets.py::{target}")
    assert built["call"] == call
    assert built["arguments_from"] == "guessed from parameter names"


def test_an_option_no_convention_covers_is_a_skip_naming_it(report):
    reasons = [s["reason"] for s in report["skipped"] if s["target"] == f"{FAMILY}/no_parser/denoiser.py::Painter"]
    assert len(reasons) == 1
    assert "no argparse parser of the project defines, and no convention covers 'palette_entries_from'" in reasons[0]
