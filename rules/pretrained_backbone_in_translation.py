from __future__ import annotations

import ast
import inspect
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from torch import nn

from netlint.arguments.project_text import file_tree, is_project_file_module
from netlint.checkpoint_loads import checkpoint_loads
from netlint.graph import Layer, ModelGraph, Origin, Site, WeightsRequest
from netlint.paths import display_path
from netlint.project import project_root
from netlint.rule import Finding, Rule
from netlint.rules._task import shapeless_task

_BACKBONE_LIBRARIES = ("torchvision.models.", "timm.")
_NOT_CLASSIFIERS = ("torchvision.models.detection", "torchvision.models.segmentation",
                    "torchvision.models.optical_flow", "torchvision.models.video")
_BETWEEN_POOL_AND_LINEAR = (nn.Flatten, nn.Dropout, nn.Identity)
_IMAGENET_NAMES = re.compile(r"imagenet|ilsvrc|in1k|in12k|in21k|in22k", re.IGNORECASE)
# The checkpoint files of the model zoos (torchvision, timm, pretrainedmodels, the papers' own
# releases): an ImageNet architecture, then only variant words (depth, width, version, "bn"),
# then torch.hub's hash: resnet50-19c8e357.pth, res2net101_v1b_26w_4s-0812c246.pth,
# vgg_normalised.pth, mobilenet_v2.pth.tar. "resnet_generator_epoch10.pth" is not one.
_ARCHITECTURES = re.compile(
    r"(resnet|resnext|wide_resnet|res2net|res2next|resnest|regnet|densenet|vgg|mobilenet|mnasnet|shufflenet"
    r"|squeezenet|inception|googlenet|efficientnet|convnext|alexnet|senet|se_resne|xception|dpn|nasnet"
    r"|polynet|bninception|pnasnet|ghostnet|hrnet|darknet|cspdarknet|vit|deit|swin|mixnet|rexnet)")
_VARIANT_WORDS = {"bn", "normalised", "normalized", "features", "imagenet", "pretrained", "caffe", "tf",
                  "torch", "pytorch", "large", "small", "tiny", "base", "mini", "lite", "se", "ft", "conv",
                  "fc", "gn", "ws", "ibn", "a", "b", "c", "d", "v", "x", "in", "k", "aa", "ap", "ns", "ra"}
_ZOO_PREFIX = re.compile(r"^(tf|tv|gluon|ig|ssl|swsl|legacy|timm|fb|pt)_")
_CHECKPOINT_SUFFIXES = re.compile(r"(\.(pth|pt|pkl|ckpt|bin|tar|t7|safetensors|npz|h5))+$")
_HUB_HASH = re.compile(r"-[0-9a-f]{6,}$")


def imagenet_checkpoint(path: str) -> bool:
    """Whether a file's name is a model zoo's ImageNet classification checkpoint."""
    return checkpoint_architecture(path) is not None


def checkpoint_architecture(path: str) -> str | None:
    """The ImageNet architecture a model zoo's checkpoint file is named after ("vgg" for
    ``vgg_normalised.pth``), None for any other file."""
    stem = _HUB_HASH.sub("", _CHECKPOINT_SUFFIXES.sub("", path.replace("\\", "/").rsplit("/", 1)[-1].lower()))
    found = _ARCHITECTURES.match(_ZOO_PREFIX.sub("", stem))
    if found is None:
        return None
    rest = [w for w in re.split(r"[_\-.]+", _ZOO_PREFIX.sub("", stem)[found.end():]) if w]
    return found.group(1) if all(any(c.isdigit() for c in w) or w in _VARIANT_WORDS for w in rest) else None


class PretrainedBackboneInTranslation(Rule):
    """ImageNet classification backbone inside an image-to-image model.

    ## What it does
    Finds layers of a classification network used inside a model whose task is
    image-to-image: a torchvision or timm classifier (also ``features_only=True``), a model
    zoo's (``pretrainedmodels``, ``efficientnet_pytorch``), a segmentation_models_pytorch
    encoder, or the project's own network ending in pooling and a ``Linear`` classifier —
    kept whole, sliced into an encoder (``nn.Sequential(*list(resnet.children())[:-2])``,
    ``features[:4]``, ``layer1``…``layer4``) or used through ``.features``. Layers keep the
    line that built the backbone, whichever slice holds them. It is a warning when ImageNet
    weights were requested for the backbone (a torchvision enum or ``pretrained=True``,
    ``'imagenet'``, timm's ``in1k``, a zoo checkpoint such as ``resnet50-19c8e357.pth`` or
    ``mobilenetv2.pth.tar``, or any weights loaded into a 1000-class head; named in the
    message), a note otherwise. A network that only ends in ``Linear`` after convolutions,
    its pooling in ``forward``, counts as a classifier when ImageNet weights were loaded
    into it. A zoo checkpoint that the project's scripts load into a module the model holds
    after building it (``vgg.load_state_dict(torch.load(args.vgg))``, ``--vgg`` defaulting to
    ``vgg_normalised.pth``) is read from their code and named in the message. Networks the
    forward does not call (a perceptual loss's VGG) are not reported. When the forward could
    not run, the rule reads the module tree, the task decided from the code (the message says how).

    ## Why is this bad?
    A classification backbone is trained to throw away what image translation needs: it
    pools away position, is invariant to colour, texture and small shifts, and keeps only
    what separates ImageNet classes. Its BatchNorm statistics and features describe
    ImageNet photographs, not the per-pixel detail a super-resolution, style-transfer or
    inpainting network must reproduce. The transfer-learning habit that makes such
    backbones the default for classification and detection does not carry over: image
    translation networks (pix2pix, CycleGAN, EDSR) train their encoders from scratch.

    ## Example
    ```python
    backbone = torchvision.models.resnet34(weights="IMAGENET1K_V1")
    self.encoder = nn.Sequential(*list(backbone.children())[:-2])
    ```

    ## Use instead
    An encoder designed and trained for the task, e.g. a U-Net encoder with
    InstanceNorm, trained from scratch:
    ```python
    self.encoder = nn.Sequential(nn.Conv2d(3, 64, 4, 2, 1), nn.LeakyReLU(0.2), ...)
    ```

    ## References
    - Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks"
      (pix2pix), CVPR 2017.
    - Geirhos et al., "ImageNet-trained CNNs are biased towards texture", ICLR 2019.
    - He, Girshick & Dollár, "Rethinking ImageNet Pre-training", ICCV 2019.
    """

    code = "NL202"
    name = "pretrained-backbone-in-translation"
    severity = "warning"
    needs = frozenset({"modules"})  # the module tree is enough: the task is then decided without shapes

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        if graph.task != "image-to-image":
            return
        called = [layer for layer in graph.layers if layer.module is not None]
        reported: set[str] = set()
        for backbone in (*_library_backbones(graph, called), *_backbones_given_weights(graph, called),
                         *_project_backbones(graph, called), *_backbones_loaded_by_scripts(graph, called)):
            layers = [layer for layer in backbone.layers if layer.name not in reported]
            if layers:
                reported.update(layer.name for layer in layers)
                yield self._finding(graph, backbone, layers)

    def _finding(self, graph: ModelGraph, backbone: Backbone, layers: list[Layer]) -> Finding:
        called = [layer for layer in graph.layers if layer.module is not None]
        name = backbone.name or _holder_name([layer.name for layer in layers], called)
        params = sum(layer.params for layer in {layer.name: layer for layer in layers}.values())
        built_by = f" built by {backbone.function}()" if backbone.function else ""
        weights = ", ".join(sorted({r.weights for r in backbone.requests}))
        evidence = f" with pretrained weights {weights}" if weights else ""
        if backbone.loaded_at:
            evidence += (f" (loaded at {backbone.loaded_at}, read from the code, not run; the file's name is the "
                         "evidence that they are ImageNet weights)")
        return self.finding(
            graph, name,
            f"classification backbone {backbone.kind}{built_by}{evidence} reused as {name} in an "
            f"image-to-image model{shapeless_task(graph)} ({len(layers)} layers, {params:,} parameters): "
            "classification features discard the per-pixel detail translation must keep",
            "use an encoder made for the task (e.g. a U-Net encoder with InstanceNorm) trained "
            "from scratch",
            site=backbone.site, severity="warning" if backbone.imagenet else "note",
            covers=layers,
        )


@dataclass
class Backbone:
    """Layers of the model that one classification network's constructor built."""

    kind: str  # its class ("ResNet")
    function: str | None  # the library function that built it, if one did
    site: Site | None  # the user's line that built it
    layers: list[Layer]
    requests: list[WeightsRequest]
    name: str | None = None  # the submodule holding it, when it is kept whole
    loaded_at: str | None = None  # the script's line that loads its weights, read from the code

    @property
    def imagenet(self) -> bool:
        return any(_imagenet_weights(r) for r in self.requests)


def _library_backbones(graph: ModelGraph, called: list[Layer]) -> Iterator[Backbone]:
    """Layers a library's classifier builder made: torchvision, timm, any model zoo."""
    by_origin: dict[Origin, list[Layer]] = defaultdict(list)
    part_of: dict[Origin, Callable[[Layer], bool] | None] = {}
    for layer in called:
        origin = layer.origin
        if origin is None or origin.function.startswith(_NOT_CLASSIFIERS):
            continue
        if origin not in part_of:
            part_of[origin] = _classifier_part(origin)
        if part_of[origin] is not None and part_of[origin](layer):
            by_origin[origin].append(layer)
    for origin, layers in by_origin.items():
        requests = [r for r in graph.weights_requests if r.origin == origin]
        # (the first module a builder made is a layer when the classifier's own __init__ had not
        # returned yet: torchvision's VGG makes its features first; then the builder names it)
        kind = type(origin.root).__name__ if _is_classifier(origin.root) else origin.function.rsplit(".", 1)[-1]
        yield Backbone(kind, origin.function, origin.site, layers, requests)


def _classifier_part(origin: Origin) -> Callable[[Layer], bool] | None:
    """Which layers of a library call belong to a classifier: all of them for torchvision's
    classification builders and timm (whose models are ImageNet classifiers, also when built
    with ``num_classes=0`` or ``features_only=True``); those of the first module the call
    built when that is a classifier (``pretrainedmodels``, ``efficientnet_pytorch``, the
    encoder of a segmentation_models_pytorch model); None when it built no classifier."""
    if origin.function.startswith(_BACKBONE_LIBRARIES):
        return lambda layer: True
    if _is_classifier(origin.root):
        modules = {id(m) for m in origin.root.modules()}
        return lambda layer: id(layer.module) in modules
    return None


def _backbones_given_weights(graph: ModelGraph, called: list[Layer]) -> Iterator[Backbone]:
    """Layers of a classifier that received weights (a download, a checkpoint file), kept
    whole or in parts: a library's encoder, the project's own network through ``.features``."""
    by_receiver: dict[int, list[WeightsRequest]] = defaultdict(list)
    for request in graph.weights_requests:
        receiver = request.receiver
        if receiver is None or receiver is graph.model:
            continue
        if _is_classifier(receiver, weak=_imagenet_weights(request)) or _imagenet_file_into_encoder(request):
            by_receiver[id(receiver)].append(request)
    for requests in by_receiver.values():
        first = requests[0]
        modules = {id(m) for m in first.receiver.modules()}  # whatever name the forward calls them by
        layers = [layer for layer in called if id(layer.module) in modules]
        function = first.origin.function if first.origin is not None else None
        yield Backbone(type(first.receiver).__name__, function, first.site or graph.site_of(first.module),
                       layers, requests)


def _imagenet_file_into_encoder(request: WeightsRequest) -> bool:
    """A model zoo's ImageNet checkpoint file loaded into convolutions: the backbone, its
    head cut off (a VGG's features read from ``vgg_normalised.pth``; a ResNet copy without
    ``fc`` given the entries of ``res2net101_v1b_26w_4s-0812c246.pth`` that fit)."""
    return imagenet_checkpoint(request.weights) and any(
        isinstance(m, nn.modules.conv._ConvNd) for m in request.receiver.modules())


def _backbones_loaded_by_scripts(graph: ModelGraph, called: list[Layer]) -> Iterator[Backbone]:
    """Layers of a module into which the project's code loads a model zoo's ImageNet checkpoint
    after building it (``vgg.load_state_dict(torch.load(args.vgg))``, ``--vgg`` defaulting to
    ``vgg_normalised.pth``): a module the project's modules hold under that name (AdaIN's
    ``vgg = nn.Sequential(...)``, given to the model and sliced into ``enc_1``…``enc_4``), or
    the model's submodule of that name (``net.encoder.load_state_dict(...)``)."""
    if graph.model is None or not called or any(r.receiver is not None for r in graph.weights_requests):
        return
    try:
        file = Path(inspect.getfile(type(graph.model))).resolve()
    except (TypeError, OSError):
        return
    for load in checkpoint_loads(project_root(file), file.parent):
        if not imagenet_checkpoint(load.file):
            continue
        for receiver, holder, site in _receivers(graph, load.receiver):
            modules = {id(m) for m in receiver.modules()}
            layers = [layer for layer in called if id(layer.module) in modules]
            if any(layer.op == "conv" for layer in layers):
                request = WeightsRequest(load.file, holder, None, receiver, site)
                kind = f"{type(receiver).__name__} (the project's own {checkpoint_architecture(load.file)})"
                yield Backbone(kind, None, site or layers[0].site, layers, [request], holder or None, load.where)
                break


def _receivers(graph: ModelGraph, names: tuple[str, ...]) -> Iterator[tuple[nn.Module, str, Site | None]]:
    """What ``names`` (``vgg``; ``net.encoder``) may be, with the line that made it: a module a
    project module holds under the first name (no submodule name: ""), the model's submodules
    named by the last."""
    if len(names) == 1:
        for module in list(sys.modules.values()):
            held = getattr(module, names[0], None) if is_project_file_module(module) else None
            if isinstance(held, nn.Module) and held is not graph.model:
                yield held, "", _assignment_site(module, names[0])
    else:
        for name, module in graph.model.named_modules():
            if name and name.rsplit(".", 1)[-1] == names[-1]:
                yield module, name, graph.site_of(name)


def _assignment_site(module, name: str) -> Site | None:
    """The line of the module's top-level ``name = ...`` (AdaIN's ``vgg = nn.Sequential(``)."""
    file = getattr(module, "__file__", None)
    tree = file_tree(Path(file)) if file else None
    for node in tree.body if tree is not None else ():
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return Site(display_path(Path(file)), node.lineno, node.col_offset + 1, node.end_lineno or node.lineno)
    return None


def _project_backbones(graph: ModelGraph, called: list[Layer]) -> Iterator[Backbone]:
    """Submodules of the user's own code that end in global pooling + Linear."""
    taken: list[str] = []
    for name, module in graph.model.named_modules():
        if not name or any(_within(name, t) for t in taken) or not _is_classifier(module):
            continue
        layers = [layer for layer in called if _within(layer.name, name) and layer.origin is None]
        if layers:
            taken.append(name)
            requests = [r for r in graph.weights_requests if _within(r.module, name)]
            yield Backbone(type(module).__name__, None, graph.site_of(name), layers, requests, name)


def _within(name: str, holder: str) -> bool:
    return not holder or name == holder or name.startswith(holder + ".")


def _is_classifier(module: nn.Module, weak: bool = False) -> bool:
    """A classification network: a class of torchvision's or timm's classifiers (or a
    subclass, such as segmentation_models_pytorch's encoders), or a network whose children
    end in pooling and a Linear layer. ``weak``: also convolutions then a Linear layer, the
    pooling done in ``forward`` (enough when ImageNet weights were loaded into it)."""
    torchvision_models = sys.modules.get("torchvision.models")
    for cls in type(module).__mro__:
        if cls.__module__.startswith("torchvision.models.") and getattr(torchvision_models, cls.__name__, None) is cls:
            return True  # a model class torchvision exports (ResNet, not BasicBlock)
        if cls.__module__.startswith("timm.models.") and hasattr(cls, "get_classifier"):
            return True
    return _ends_in_classifier(module, weak)


def _ends_in_classifier(module: nn.Module, weak: bool = False) -> bool:
    """Whether the module's children end in pooling, then a Linear layer (activations,
    dropout and flattening between or after them)."""
    children = list(module.children())
    while children and isinstance(children[-1], nn.Sequential):  # classifier = Sequential(..., Linear)
        children = children[:-1] + list(children[-1].children())
    while children and not any(True for _ in children[-1].parameters()) and not _is_pooling(children[-1]):
        children.pop()  # a trailing activation (efficientnet_pytorch's _swish)
    if not children or not isinstance(children[-1], nn.Linear):
        return False
    rest = [c for c in children[:-1] if not isinstance(c, _BETWEEN_POOL_AND_LINEAR)]
    if rest and _is_pooling(rest[-1]):
        return True
    return weak and any(isinstance(m, nn.Conv2d) for m in module.modules())


def _is_pooling(module: nn.Module) -> bool:
    if isinstance(module, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
        return module.output_size in (1, (1, 1))
    return isinstance(module, nn.AvgPool2d)  # older zoos pool with AvgPool2d(7)


def _imagenet_weights(request: WeightsRequest) -> bool:
    """Whether the weights are ImageNet classification weights: named so (a torchvision
    enum, ``'imagenet'``, timm's ``in1k``), a checkpoint file named after an ImageNet
    architecture (``resnet50-19c8e357.pth``, ``mobilenetv2.pth.tar``), or loaded into a
    classifier with ImageNet's 1000 classes."""
    if _IMAGENET_NAMES.search(request.weights) or imagenet_checkpoint(request.weights):
        return True
    heads = [m for m in request.receiver.modules() if isinstance(m, nn.Linear)] if request.receiver else []
    return bool(heads) and heads[-1].out_features in (1000, 1001, 21841, 21843, 11821)


def _holder_name(names: list[str], called: list[Layer]) -> str:
    """The submodule that holds the layers and nothing else ("encoder"), or the list of the
    submodules that do ("fpn.enc0, fpn.enc1", "layer1, layer2, layer3")."""
    prefix = os.path.commonprefix([n + "." for n in names])
    holder = prefix[: prefix.rfind(".")] if "." in prefix else ""
    group = set(names)
    if holder and all(layer.name in group for layer in called if _within(layer.name, holder)):
        return holder
    depth = holder.count(".") + 2 if holder else 1
    return ", ".join(dict.fromkeys(".".join(n.split(".")[:depth]) for n in names))
