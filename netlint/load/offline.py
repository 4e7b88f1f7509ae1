"""Build models without a GPU and without the network.

While a model is built, requests for pretrained weights are answered with an empty
placeholder and recorded, and tensors asked for on an accelerator stay on the meta device.
(The sandbox refuses network connections.)
"""

from __future__ import annotations

import contextlib
import sys
import types
import warnings
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils._device import _device_constructors

from netlint.load.sandbox import OfflineError
from netlint.meta_shapes import MetaShapes

META = torch.device("meta")


class RequestedWeights(dict):
    """The empty state dict handed back instead of downloaded weights."""

    def __init__(self, weights: str) -> None:
        super().__init__()
        self.weights = weights


class RequestedFile(str):
    """The path handed back instead of a file downloaded from the huggingface hub: no file
    is there, and loading it (``torch.load``, safetensors) gives ``RequestedWeights``."""

    def __new__(cls, weights: str) -> RequestedFile:
        path = super().__new__(cls, f"<netlint offline: {weights} was not downloaded>")
        path.weights = weights
        return path


def _hf_hub_download(repo_id, filename, *args, subfolder=None, **kwargs) -> RequestedFile:
    return RequestedFile("/".join(part for part in (repo_id, subfolder, filename) if part))


def _load_requested(original):
    """``original`` (a function that loads a file), answering a ``RequestedFile`` with
    ``RequestedWeights``."""

    def load(path, *args, **kwargs):
        if isinstance(path, RequestedFile):
            return RequestedWeights(path.weights)
        return original(path, *args, **kwargs)

    return load


class _StayOnDevice(TorchFunctionMode):
    """Keep every new tensor on one device, whatever the code asks for: explicit
    ``device=``, ``.cuda()``, ``.to("cuda")``, ``.cpu()``."""

    def __init__(self, device: torch.device) -> None:
        super().__init__()
        self.device = device

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if func in _device_constructors():
            kwargs["device"] = self.device
        elif func in (torch.Tensor.cuda, torch.Tensor.cpu):
            return args[0]
        elif func is torch.Tensor.to:
            _device, dtype, _non_blocking, _memory_format = torch._C._nn._parse_to(*args[1:], **kwargs)
            return args[0] if dtype is None else args[0].to(dtype=dtype)
        return func(*args, **kwargs)


def _timm_weights(model: nn.Module, cfg: Any) -> str:
    cfg = cfg if isinstance(cfg, dict) else getattr(model, "pretrained_cfg", None) or {}
    return cfg.get("hf_hub_id") or cfg.get("url") or f"timm {type(model).__name__} pretrained"


@contextlib.contextmanager
def offline_build(device: torch.device, on_weights) -> Iterator[None]:
    """Build on ``device`` (meta, or cpu when meta fails), offline, quietly.
    ``on_weights(weights, module)`` is called for each request for pretrained weights with
    the module that would have received them."""
    patches: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, name: str, value: Any) -> None:
        patches.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def patch_everywhere(original: Any, value: Any, *aliases: str) -> None:
        """Replace a function in every loaded module that holds it under its own name or an
        alias: ``from huggingface_hub import hf_hub_download`` copies it into the importer."""
        for module in list(sys.modules.values()):
            for name in (original.__name__, *aliases):
                if isinstance(module, types.ModuleType) and module.__dict__.get(name) is original:
                    patch(module, name, value)

    original_load = nn.Module.load_state_dict

    def load_state_dict(self, state_dict, *args, **kwargs):
        if isinstance(state_dict, RequestedWeights):
            on_weights(state_dict.weights, self)
            return nn.modules.module._IncompatibleKeys([], [])
        return original_load(self, state_dict, *args, **kwargs)

    def load_state_dict_from_url(url, *args, **kwargs):
        return RequestedWeights(url)

    def download_url_to_file(url, *args, **kwargs):
        raise OfflineError(f"netlint is offline: refused to download {url}")

    patch(nn.Module, "load_state_dict", load_state_dict)
    # torch.utils.model_zoo.load_url is torch.hub's function under another name
    patch_everywhere(torch.hub.load_state_dict_from_url, load_state_dict_from_url, "load_url")
    patch_everywhere(torch.hub.download_url_to_file, download_url_to_file)

    def hub_load(repo_or_dir, model, *args, source="github", **kwargs):
        if source == "local":
            return original_hub_load(repo_or_dir, model, *args, source=source, **kwargs)
        raise OfflineError(f"netlint is offline: torch.hub.load({repo_or_dir!r}, {model!r}) needs the "
                           "network; lint a local copy of the model instead")

    original_hub_load = torch.hub.load
    patch(torch.hub, "load", hub_load)
    api = sys.modules.get("torchvision.models._api")
    if api is not None:
        patch(api.WeightsEnum, "get_state_dict", lambda self, *a, **k: RequestedWeights(str(self)))
    timm_builder = sys.modules.get("timm.models._builder")
    if timm_builder is not None:
        patch(timm_builder, "load_pretrained", lambda model, pretrained_cfg=None, *a, **k:
              on_weights(_timm_weights(model, pretrained_cfg), model))
    # the huggingface hub (segmentation_models_pytorch encoders, user code): the download
    # gives a RequestedFile, loading it gives RequestedWeights, load_state_dict records them
    hub_download = sys.modules.get("huggingface_hub.file_download")
    if hub_download is not None:
        patch_everywhere(hub_download.hf_hub_download, _hf_hub_download)
    safetensors_torch = sys.modules.get("safetensors.torch")
    if safetensors_torch is not None:
        patch_everywhere(safetensors_torch.load_file, _load_requested(safetensors_torch.load_file))
    patch_everywhere(torch.load, _load_requested(torch.load))
    try:
        # MetaShapes: weight initialization has nothing to fill on meta
        with torch.device(device), _StayOnDevice(device), MetaShapes(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecation chatter of model libraries is not a finding
            yield
    finally:
        for owner, name, value in reversed(patches):
            setattr(owner, name, value)

