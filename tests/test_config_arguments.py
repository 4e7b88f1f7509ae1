"""A model whose constructor reads a configuration by key (``config['ngf']``,
``config.get('n_res', 4)``, ``params['block']['kernel']`` in a block it passes it to) or as
nested attributes (``cfg.MODEL.WIDTH``) is built from the project's own YAML, JSON or TOML
files: the file or section that has every key read without a default, most keys read, then
the shortest path; the other parameters guessed (a device flag False). A key no file has is
a skip naming it and the closest file (README, "Constructor arguments")."""

from __future__ import annotations

import pytest

from conftest import REPO, copy_of, linted_unchanged, model, skip_reason

PROJECT = REPO / "tests" / "config_project"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    document, proc = linted_unchanged(copy_of(tmp_path_factory, PROJECT))
    assert proc.returncode == 1, proc.stderr  # the discriminator's large Linear (NL105)
    assert document["errors"] == [], document["errors"]
    return document


def test_the_section_that_has_the_keys_read(report):
    # Generator reads config['input_dim'], config['ngf'], config.get('n_res', 4): the netG
    # section of configs/train.yaml has all three; g.yaml (a shorter path) lacks n_res
    generator = model(report, "model/networks.py::Generator")
    assert generator["call"] == "Generator(config, use_cuda=False, device_ids=None)"
    assert generator["arguments_from"] == ("configs/train.yaml, section netG, "
                                           "the others guessed from parameter names")
    ngf, n_res = 16, 2
    assert generator["params"] == (4 * ngf * 25 + ngf) + n_res * (ngf * ngf * 9 + ngf) + (ngf * 3 * 9 + 3)
    assert generator["task"] == "image-to-image"


def test_another_section_of_the_same_file(report):
    discriminator = model(report, "model/networks.py::Discriminator")
    assert discriminator["call"] == "Discriminator(config)"
    assert discriminator["arguments_from"] == "configs/train.yaml, section netD"
    ndf = 8
    assert discriminator["params"] == (3 * ndf * 25 + ndf) + (ndf * 2 * ndf * 25 + 2 * ndf) + (2 * ndf * 256 + 1)
    assert not any(f["code"] in ("NL201", "NL202") for f in report["findings"])


def test_attribute_access_from_a_json_file(report):
    # cfg.MODEL.IN_CHANS and cfg.MODEL.WIDTH, also read in the Stem block cfg is passed to
    encoder = model(report, "model/encoder.py::Encoder")
    assert encoder["arguments_from"] == "configs/experiments/encoder.json"
    width = 24
    assert encoder["params"] == (3 * width * 9 + width) + (width * 2 * width * 9 + 2 * width)


def test_keys_read_by_a_block_it_passes_a_section_to(report):
    # Head reads params['hidden'] and passes params['block'] to Block, which reads
    # cfg['kernel']: the [head] table of settings.toml, with [head.block]
    head = model(report, "model/head.py::Head")
    assert head["arguments_from"] == "settings.toml, section head"
    hidden, kernel = 20, 5
    assert head["params"] == (3 * hidden + hidden) + (hidden * hidden * kernel ** 2 + hidden) + (hidden * 3 + 3)


def test_a_key_no_file_has_is_a_skip_naming_it(report):
    reason = skip_reason(report, "model/wide.py::Wide")
    assert "['n_layers'] of its configuration 'config'" in reason
    assert "no configuration file of the project has" in reason and "(the closest: g.yaml)" in reason


def test_a_list_indexed_by_number_is_not_a_configuration(report):
    reason = skip_reason(report, "model/stages.py::Stages")
    assert "no convention covers 'cfg'" in reason and "configuration" not in reason


def test_a_reference_to_another_key_is_resolved(report):
    # settings.toml: [tail] width = "${head.hidden}" (OmegaConf/Hydra), 20
    tail = model(report, "model/tail.py::Tail")
    assert tail["arguments_from"] == "settings.toml, section tail"
    assert tail["input_shape"][0][1] == 20
