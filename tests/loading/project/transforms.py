"""A data file: a class on another library's base, and a file it needs that is not there.
netlint imports it to learn what the class is; its import fails, which is no error of the run."""

import yaml

with open("configs/augment.yaml") as f:
    SETTINGS = yaml.safe_load(f)

from data.labels import AUGMENT_LABELS  # (a name the project's module does not define)


class AugmentLoader(yaml.SafeLoader):
    pass
