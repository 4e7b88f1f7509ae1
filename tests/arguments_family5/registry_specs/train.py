import yaml

import models


def prepare(config_path):
    with open(config_path) as f:
        config = yaml.safe_load(f)
    model = models.make(config["model"])
    spec = config["model"]
    spec["sd"] = model.state_dict()
    return model, spec
