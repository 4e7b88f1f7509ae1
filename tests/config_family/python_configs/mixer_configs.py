import ml_collections


def get_a_config():
    params = ml_collections.ConfigDict()
    params.mixer = ml_collections.ConfigDict({"width": 10, "heads": 3})  # 10 is not a multiple of 3
    return params


def get_base_config():
    params = ml_collections.ConfigDict()
    params.mixer = ml_collections.ConfigDict({"width": 12, "heads": 3})
    return params
