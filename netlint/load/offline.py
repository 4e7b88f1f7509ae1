"""Build models without a GPU and without the network.

While a model is built, every tensor stays on the device it is built on (``pinned_device``), and a
request for pretrained weights (a download, or a checkpoint file that is not on disk) is
answered with a stand-in state dict and recorded. (The sandbox refuses network connections.)
"""

from __future__ import annotations

import builtins
import contextlib
import enum
import functools
import io
import os
import pickle
import re
import sys
import types
import warnings
from collections.abc import Iterator, Mapping
from types import FrameType
from typing import Any

import torch
from torch import nn

from netlint.checkpoint_files import CHECKPOINT_SUFFIXES
from netlint.load.pinned_device import pinned_to, user_modules
from netlint.load.sandbox import OfflineError, may_write
from netlint.load.virtual_files import virtual_weights_files
from netlint.user_code import NETLINT_DIR
from netlint.meta_shapes import MetaShapes
from netlint.source import read_source, version

META = torch.device("meta")
_ABSENT = object()


class WeightsStandIns:
    """The weights requested while one model is built, and the meta tensors handed out for
    them: a module that loads any of those tensors (also after the code renamed, filtered or
    copied them into another dict) received that request's weights."""

    def __init__(self, on_weights) -> None:
        self.on_weights = on_weights
        self.requests: list[RequestedWeights] = []
        self.tensor_request: dict[int, RequestedWeights] = {}
        self.tensors: list[torch.Tensor] = []  # alive while the ids above are keys
        self.received: dict[int, set[int]] = {}  # request id -> ids of the modules that loaded it
        self.holders: dict[int, tuple[nn.Module, RequestedWeights]] = {}  # module id -> (it, what it loaded)
        self.downloads: dict[str, str] = {}  # a file the code downloaded (nothing written) -> its URL

    def request(self, weights: str, frame: FrameType | None) -> RequestedWeights:
        state = RequestedWeights(weights, self, frame)
        self.requests.append(state)
        return state

    def stand_in_tensor(self, like: torch.Tensor | None, request: RequestedWeights) -> torch.Tensor:
        with torch._C.DisableTorchFunction():  # meta even while the model is built on the CPU
            tensor = (torch.empty(0, device=META) if like is None
                      else torch.empty(like.shape, dtype=like.dtype, device=META))
        self.tensor_request[id(tensor)] = request
        self.tensors.append(tensor)
        return tensor

    def requests_in(self, state_dict: Any) -> list[RequestedWeights]:
        """The requests whose stand-in a state dict is, or whose tensors it holds."""
        if isinstance(state_dict, RequestedWeights):
            return [state_dict.request]
        if not isinstance(state_dict, Mapping):
            return []
        found = {id(r): r for v in state_dict.values() if (r := self.tensor_request.get(id(v))) is not None}
        if not found and not state_dict:
            # an empty dict made from a stand-in whose keys fitted nothing the code looked for
            read = [r for r in self.requests if r.was_read and id(r) not in self.received]
            return read[-1:]
        return list(found.values())

    def load(self, module: nn.Module, state_dict: Mapping, requests: list[RequestedWeights]):
        """What ``load_state_dict`` answers for stand-in weights: the keys are the module's
        own, less those the code removed; nothing is copied (the values are placeholders)."""
        self.holders[id(module)] = module, requests[0]
        for request in requests:
            loaded_by = self.received.setdefault(id(request), set())
            if id(module) not in loaded_by:
                loaded_by.add(id(module))
                self.on_weights(request.weights, module)
        own = list(module.state_dict().keys())
        removed = state_dict.removed if isinstance(state_dict, RequestedWeights) else set()
        if all(r.was_read and k in r.guessed_keys for r in requests for k in own):
            missing = [k for k in own if k not in state_dict]
        else:  # the checkpoint's keys are unknown: only those the code removed are missing
            missing = [k for k in own if k in removed and not dict.__contains__(state_dict, k)]
        entries = dict.items(state_dict) if isinstance(state_dict, dict) else state_dict.items()
        unexpected = [k for k, v in entries if k not in own and id(v) not in self.tensor_request]
        return nn.modules.module._IncompatibleKeys(missing, unexpected)

    def passed_on(self, module: nn.Module, state: Any) -> None:
        """A module that loaded stand-in weights gives them on: the tensors of its
        ``state_dict()`` are that request's, so that copying them into another module
        (``model_dict.update(pretrained.state_dict())``) passes the weights on."""
        held = self.holders.get(id(module))
        if held is None or held[0] is not module or not isinstance(state, Mapping):
            return
        for value in state.values():
            if isinstance(value, torch.Tensor) and id(value) not in self.tensor_request:
                self.tensor_request[id(value)] = held[1]
                self.tensors.append(value)

    def unreceived(self) -> list[str]:
        return [r.weights for r in self.requests if id(r) not in self.received]


class RequestedWeights(dict):
    """The state dict handed back instead of weights netlint does not download or a
    checkpoint that is not on disk. It behaves as the real one would: its keys and shapes
    are those of the module that loads it (on meta); read before that, those of the modules
    the requesting code holds at that moment (``model``, ``self`` and its children), so that
    renaming and filtering keys work. Deleting or popping a key it lacks is no error (the
    checkpoint has keys netlint cannot know), and a checkpoint's sections
    (``ckpt["state_dict"]``, ``ckpt.get("model")``) are stand-ins for the same weights."""

    def __init__(self, weights: str, stand_ins: WeightsStandIns, frame: FrameType | None,
                 request: RequestedWeights | None = None) -> None:
        super().__init__()
        self.weights = weights
        self.stand_ins = stand_ins
        self.frame = frame
        self.request = request or self  # a section stands for the same request as its checkpoint
        self.removed: set[str] = set()
        self.was_read = False
        self.guessed_keys: set[str] = set()
        self.sections: dict[Any, RequestedWeights] = {}

    def _read(self) -> None:
        if self.was_read:
            return
        self.was_read = self.request.was_read = True
        for key, tensor in _held_state(self.frame):
            self.request.guessed_keys.add(key)
            if key not in self.removed and not dict.__contains__(self, key):
                dict.__setitem__(self, key, self.stand_ins.stand_in_tensor(tensor, self.request))

    def _section(self, key: Any) -> RequestedWeights:
        if key not in self.sections:
            self.sections[key] = RequestedWeights(self.weights, self.stand_ins, self.frame, self.request)
        return self.sections[key]

    def __getitem__(self, key):
        if key == () or key is Ellipsis:  # np.load(path, allow_pickle=True)[()]: the object a 0-d array holds
            return self
        self._read()
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        if isinstance(key, str) and "." not in key:  # "state_dict", "model", "net", "params_ema"
            return self._section(key)
        raise KeyError(key)

    def get(self, key, default=_ABSENT):
        self._read()
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        if default is _ABSENT:
            return self._section(key) if isinstance(key, str) and "." not in key else None
        return default

    def __delitem__(self, key) -> None:
        self.removed.add(key)
        if dict.__contains__(self, key):
            dict.__delitem__(self, key)

    def pop(self, key, default=_ABSENT):
        self._read()
        self.removed.add(key)
        if dict.__contains__(self, key):
            return dict.pop(self, key)
        if default is not _ABSENT:
            return default
        return self.stand_ins.stand_in_tensor(None, self.request)

    def __setitem__(self, key, value) -> None:
        self.removed.discard(key)
        dict.__setitem__(self, key, value)

    def __contains__(self, key) -> bool:
        self._read()
        return dict.__contains__(self, key)

    def __iter__(self):
        self._read()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._read()
        return dict.__len__(self)

    def __eq__(self, other) -> bool:
        self._read()
        return dict.__eq__(self, other)

    __hash__ = None

    def __repr__(self) -> str:
        return f"<netlint stand-in for the weights {self.weights}>"

    def keys(self):
        self._read()
        return dict.keys(self)

    def values(self):
        self._read()
        return dict.values(self)

    def items(self):
        self._read()
        return dict.items(self)

    def copy(self) -> dict:
        self._read()
        return dict(dict.items(self))

    def setdefault(self, key, default=None):
        self._read()
        return dict.setdefault(self, key, default)

    def popitem(self):
        self._read()
        key, value = dict.popitem(self)
        self.removed.add(key)
        return key, value

    def update(self, *args, **kwargs) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def item(self) -> RequestedWeights:  # np.load('vgg16.npy', allow_pickle=True).item(): the dict it holds
        return self

    tolist = item  # (the same, for a 0-d array)

    def __reduce__(self):  # copy.deepcopy, pickle: a plain dict of the same entries
        self._read()
        return dict, (dict(dict.items(self)),)


def _held_state(frame: FrameType | None) -> Iterator[tuple[str, torch.Tensor]]:
    """The state dict entries of the modules the requesting code holds: its local modules
    and, for each, its children (``self.backbone`` loads keys without the ``backbone.``)."""
    if frame is None:
        return
    modules = list({id(m): m for m in frame.f_locals.values() if isinstance(m, nn.Module)}.values())
    for module in modules:
        yield from _state_of(module)
        for child in module.children():
            yield from _state_of(child)


def _state_of(module: nn.Module) -> Iterator[tuple[str, torch.Tensor]]:
    try:
        yield from module.state_dict().items()
    except Exception:  # a module half built (its __init__ is still running)
        return


def _requesting_frame() -> FrameType | None:
    """The frame of the code that asked for the weights (netlint's stand-ins skipped)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(NETLINT_DIR):
        frame = frame.f_back
    return frame


class RequestedFile(str):
    """The path handed back instead of a file downloaded from the huggingface hub: no file
    is there, and loading it (``torch.load``, safetensors) gives the stand-in weights."""

    def __new__(cls, weights: str) -> RequestedFile:
        path = super().__new__(cls, f"<netlint offline: {weights} was not downloaded>")
        path.weights = weights
        return path


def _hf_hub_download(repo_id, filename, *args, subfolder=None, **kwargs) -> RequestedFile:
    return RequestedFile("/".join(part for part in (repo_id, subfolder, filename) if part))


def _is_missing_file(path: Any) -> bool:
    return isinstance(path, (str, os.PathLike)) and not os.path.exists(path)


def is_missing_checkpoint(path: Any) -> bool:
    """A checkpoint file (by its name: ``model_best.pth.tar``, ``vgg16.npy``) that is not on disk."""
    return _is_missing_file(path) and os.fspath(path).lower().endswith(CHECKPOINT_SUFFIXES)


class MissingCheckpoint(io.BytesIO):
    """The file ``open()`` gives for a checkpoint that is not on disk: empty; loading it
    (``torch.load(f)``, ``pickle.load(f)``, ``np.load(f)``) gives the stand-in weights."""

    def __init__(self, path: Any) -> None:
        super().__init__()
        self.name = self.weights = os.fspath(path)


def checkpoint_opener(original):
    """``open`` (builtins', io's) answering a checkpoint that is not on disk, opened to be
    read, with a ``MissingCheckpoint``; any other missing file fails as it would."""

    def opener(file, mode="r", *args, **kwargs):
        if isinstance(mode, str) and not any(c in mode for c in "wax+") and is_missing_checkpoint(file):
            return MissingCheckpoint(file)
        return original(file, mode, *args, **kwargs)

    return opener


def checkpoint_loader(original, stand_ins: WeightsStandIns, device: torch.device = META):
    """``original`` (a function that loads a file: ``torch.load``, ``np.load``, ``pickle.load``,
    safetensors), answering a file that is not there (a checkpoint the project expects on
    disk, a hub download, a checkpoint opened with ``open``) with stand-in weights; ``torch.load``
    of a file on disk maps its storages to ``device``."""
    loads_tensors = original is torch.load  # (while building, torch.load is this function)

    def load(path, *args, **kwargs):
        if isinstance(path, (RequestedFile, MissingCheckpoint)):
            return stand_ins.request(path.weights, _requesting_frame())
        if _is_missing_file(path):
            shown = os.fspath(path)
            return stand_ins.request(stand_ins.downloads.get(os.path.abspath(shown), shown), _requesting_frame())
        if loads_tensors:
            args, kwargs = on_device(args, kwargs, device)
        return original(path, *args, **kwargs)

    return load


def on_device(args: tuple, kwargs: dict[str, Any], device: torch.device) -> tuple[tuple, dict[str, Any]]:
    """``torch.load``'s arguments with its storages mapped to the device the model is built on
    (meta, or the CPU), whatever device the file names (a checkpoint saved on a GPU) or the
    code asks for (``map_location='cuda:0'``, a function moving each storage to the GPU)."""
    location = "meta" if device.type == "meta" else "cpu"
    if args:  # torch.load(f, map_location, pickle_module, ...)
        return (location, *args[1:]), kwargs
    return args, {**kwargs, "map_location": location}


WEIGHTS_PARAMETERS = ("pretrained", "weights", "encoder_weights")
_NO_WEIGHTS = {"", "none", "false", "no", "0", "random", "scratch"}


def asks_for_weights(value: Any) -> bool:
    """``True``, ``'imagenet'``, a weights enum: a value that asks for pretrained weights."""
    if isinstance(value, str):
        return value.strip().lower() not in _NO_WEIGHTS
    return value is True or isinstance(value, enum.Enum)


_WEIGHTS_WORDS = re.compile(r"\b(?:pretrained|encoder_weights)\b|\bweights\s*=")


def user_code_names_weights() -> bool:
    """Whether one of the user's files loaded so far names a weights parameter (``pretrained``,
    ``weights=``, ``encoder_weights``): only then is ``weights_arguments`` worth its cost (a
    profile hook on every call: about a third of a build's time)."""
    return any(_names_weights(m.__file__, version(m.__file__)) for m in user_modules())


@functools.lru_cache(maxsize=1024)
def _names_weights(file: str, _version: tuple) -> bool:
    try:
        return _WEIGHTS_WORDS.search(read_source(file)) is not None
    except (OSError, UnicodeDecodeError, ValueError):
        return True  # cannot tell: watch


@contextlib.contextmanager
def weights_arguments(on_argument) -> Iterator[None]:
    """Each function call that returns a module and whose parameter ``pretrained``,
    ``weights`` or ``encoder_weights`` asks for weights (``se_resnext50(pretrained='imagenet')``),
    whether the function loads anything or not: the code asked for those weights.
    ``on_argument(weights, module, caller_frame)``, as ``"pretrained='imagenet'"``."""
    def watch(frame: FrameType, event: str, value: Any) -> None:
        if event != "return" or not isinstance(value, nn.Module):
            return
        code = frame.f_code
        parameters = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
        for name in WEIGHTS_PARAMETERS:
            if name in parameters:
                given = frame.f_locals.get(name)
                if asks_for_weights(given):
                    shown = repr(given) if isinstance(given, (str, bool)) else str(given)
                    on_argument(f"{name}={shown}", value, frame.f_back)
                    return

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        yield
    finally:
        sys.setprofile(previous)


def _timm_weights(model: nn.Module, cfg: Any) -> str:
    cfg = cfg if isinstance(cfg, dict) else getattr(model, "pretrained_cfg", None) or {}
    return cfg.get("hf_hub_id") or cfg.get("url") or f"timm {type(model).__name__} pretrained"


def answer_missing_checkpoints(patch, patch_everywhere, stand_ins: WeightsStandIns) -> None:
    """A checkpoint that is not on disk, opened (``with open(p, 'rb') as f: torch.load(f)``)
    or loaded with numpy or pickle, gives stand-in weights; ``torch.load`` and safetensors
    are patched by the caller."""
    patch(builtins, "open", checkpoint_opener(builtins.open))
    patch(io, "open", checkpoint_opener(io.open))
    patch_everywhere(pickle.load, checkpoint_loader(pickle.load, stand_ins))
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        patch_everywhere(numpy.load, checkpoint_loader(numpy.load, stand_ins))


# the names patch_everywhere replaces functions under (torch.load, pickle.load and numpy.load are all "load")
_PATCHED_EVERYWHERE = ("load_state_dict_from_url", "load_url", "download_url_to_file", "hf_hub_download",
                       "load_file", "load")


def _holders(names: tuple[str, ...]) -> dict[str, list[types.ModuleType]]:
    """The loaded modules that hold something under each name: one pass over sys.modules."""
    found: dict[str, list[types.ModuleType]] = {name: [] for name in names}
    for module in list(sys.modules.values()):
        if isinstance(module, types.ModuleType):
            namespace = module.__dict__
            for name in names:
                if name in namespace:
                    found[name].append(module)
    return found


@contextlib.contextmanager
def offline_build(device: torch.device, on_weights) -> Iterator[None]:
    """Build on ``device`` (meta, or cpu when meta fails), offline, quietly.
    ``on_weights(weights, module)`` is called for each request for pretrained weights with
    the module that received them (None when no module loaded them as a state dict)."""
    patches: list[tuple[Any, str, Any]] = []
    stand_ins = WeightsStandIns(on_weights)

    def patch(owner: Any, name: str, value: Any) -> None:
        patches.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    holders = _holders(_PATCHED_EVERYWHERE)

    def patch_everywhere(original: Any, value: Any, *aliases: str) -> None:
        """Replace a function in every loaded module that holds it under its own name or an
        alias: ``from huggingface_hub import hf_hub_download`` copies it into the importer."""
        for name in (original.__name__, *aliases):
            for module in holders[name] if name in holders else _holders((name,))[name]:
                if module.__dict__.get(name) is original:
                    patch(module, name, value)

    original_load = nn.Module.load_state_dict

    def load_state_dict(self, state_dict, *args, **kwargs):
        requests = stand_ins.requests_in(state_dict)
        if requests:
            return stand_ins.load(self, state_dict, requests)
        return original_load(self, state_dict, *args, **kwargs)

    original_state_dict = nn.Module.state_dict

    def state_dict(self, *args, **kwargs):
        state = original_state_dict(self, *args, **kwargs)
        stand_ins.passed_on(self, state)
        return state

    def load_state_dict_from_url(url, *args, **kwargs):
        return stand_ins.request(url, _requesting_frame())

    def download_url_to_file(url, dst=None, *args, **kwargs):
        """A project's own download of weights (``cache_url``: make the cache folder, download,
        ``torch.load`` the file): nothing is written, and loading the file it would have
        written gives stand-in weights for ``url``."""
        if dst is None:
            raise OfflineError(f"netlint is offline: refused to download {url}")
        stand_ins.downloads[os.path.abspath(os.fspath(dst))] = str(url)

    patch(nn.Module, "load_state_dict", load_state_dict)
    patch(nn.Module, "state_dict", state_dict)
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
        patch(api.WeightsEnum, "get_state_dict",
              lambda self, *a, **k: stand_ins.request(str(self), _requesting_frame()))
    timm_builder = sys.modules.get("timm.models._builder")
    if timm_builder is not None:
        patch(timm_builder, "load_pretrained", lambda model, pretrained_cfg=None, *a, **k:
              on_weights(_timm_weights(model, pretrained_cfg), model))
    # the huggingface hub (segmentation_models_pytorch encoders, user code): the download
    # gives a RequestedFile, loading it gives stand-in weights, load_state_dict records them
    hub_download = sys.modules.get("huggingface_hub.file_download")
    if hub_download is not None:
        patch_everywhere(hub_download.hf_hub_download, _hf_hub_download)
    safetensors_torch = sys.modules.get("safetensors.torch")
    if safetensors_torch is not None:
        patch_everywhere(safetensors_torch.load_file, checkpoint_loader(safetensors_torch.load_file, stand_ins))
    patch_everywhere(torch.load, checkpoint_loader(torch.load, stand_ins, device))
    answer_missing_checkpoints(patch, patch_everywhere, stand_ins)
    try:
        # MetaShapes: weight initialization has nothing to fill on meta
        with torch.device(device), pinned_to(device), MetaShapes(), warnings.catch_warnings(), \
                virtual_weights_files(is_missing_checkpoint, may_write):
            warnings.simplefilter("ignore")  # deprecation chatter of model libraries is not a finding
            yield
        for weights in stand_ins.unreceived():  # asked for, then copied by hand or not used
            on_weights(weights, None)
    finally:
        for owner, name, value in reversed(patches):
            setattr(owner, name, value)
