import yaml


class NoneDict(dict):
    def __missing__(self, key):
        return None


def dict_to_nonedict(opt):
    if isinstance(opt, dict):
        return NoneDict(**{key: dict_to_nonedict(value) for key, value in opt.items()})
    return opt


def parse(path):
    with open(path) as f:
        return yaml.safe_load(f)
