import ml_collections


def get_testing():
    """A minimal configuration for the unit tests."""
    config = ml_collections.ConfigDict()
    config.hidden_size = 4
    config.transformer = ml_collections.ConfigDict({"num_heads": 1, "num_layers": 1})
    return config


def get_small_config():
    config = ml_collections.ConfigDict()
    config.hidden_size = 32
    config.transformer = ml_collections.ConfigDict()
    config.transformer.num_heads = 4
    config.transformer.num_layers = 2
    return config


def get_deep_config():
    config = get_small_config()
    config.transformer.num_layers = 2 * config.transformer.num_layers
    config.pretrained_path = ml_collections.config_dict.placeholder(str)  # (not a pure call: left)
    return config
