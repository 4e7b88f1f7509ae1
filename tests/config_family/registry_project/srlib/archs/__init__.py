import importlib
from os import path as osp

from srlib.utils import ARCH_REGISTRY

# every *_arch.py of this folder registers its networks
arch_folder = osp.dirname(osp.abspath(__file__))
_arch_modules = [importlib.import_module(f"srlib.archs.{osp.splitext(f)[0]}")
                 for f in sorted(__import__("os").listdir(arch_folder)) if f.endswith("_arch.py")]


def build_network(opt):
    opt = dict(opt)
    network_type = opt.pop("type")
    return ARCH_REGISTRY.get(network_type)(**opt)
