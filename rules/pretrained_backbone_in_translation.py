from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator

from torch import nn

from netlint.graph import Layer, ModelGraph, Origin, Site, WeightsRequest
from netlint.rule import Finding, Rule

_BACKBONE_LIBRARIES = ("torchvision.models.", "timm.")
_NOT_CLASSIFIERS = ("torchvision.models.detection", "torchvision.models.segmentation",
                    "torchvision.models.optical_flow", "torchvision.models.video")
_BETWEEN_POOL_AND_LINEAR = (nn.Flatten, nn.Dropout, nn.Identity)


class PretrainedBackboneInTranslation(Rule):
    """ImageNet classification backbone inside an image-to-image model.

    ## What it does
    Finds layers of a classification network — a torchvision ResNet, MobileNet, Inception,
    VGG, EfficientNet, DenseNet, RegNet or ConvNeXt, a timm model, or any submodule ending in
    global pooling and a ``Linear`` classifier — used inside a model whose task is
    image-to-image, including a backbone sliced into an encoder
    (``nn.Sequential(*list(resnet.children())[:-2])``, or its ``layer1``…``layer4``). Layers
    keep the line that built the backbone, so slices are found too. It is a warning when
    pretrained weights were requested for the backbone (named in the message), a note
    otherwise.

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

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        if graph.task != "image-to-image":
            return
        by_origin: dict[Origin, dict[str, Layer]] = defaultdict(dict)
        for layer in graph.layers:
            if layer.origin is not None and _is_library_classifier(layer.origin):
                by_origin[layer.origin].setdefault(layer.name, layer)
        for origin, layers in by_origin.items():
            requests = [r for r in graph.weights_requests if r.origin == origin]
            yield self._finding(graph, list(layers.values()), type(origin.root).__name__,
                                origin.function, requests, site=origin.site)
        yield from self._user_backbones(graph, by_origin)

    def _user_backbones(self, graph: ModelGraph, library: dict) -> Iterator[Finding]:
        """Submodules of the user's own code that end in global pooling + Linear."""
        called = {layer.name: layer for layer in graph.layers if layer.module is not None}
        taken: list[str] = []
        for name, module in graph.model.named_modules():
            if not name or any(name.startswith(t + ".") for t in taken) or not _ends_in_classifier(module):
                continue
            layers = [layer for lname, layer in called.items()
                      if lname.startswith(name + ".") and layer.origin is None]
            if not layers:
                continue
            taken.append(name)
            requests = [r for r in graph.weights_requests
                        if r.module == name or r.module.startswith(name + ".")]
            yield self._finding(graph, layers, type(module).__name__, None, requests,
                                site=graph.site_of(name), name=name)

    def _finding(self, graph: ModelGraph, layers: list[Layer], kind: str, function: str | None,
                 requests: list[WeightsRequest], site: Site | None, name: str | None = None) -> Finding:
        name = name or _holder_name([layer.name for layer in layers])
        params = sum(layer.params for layer in {layer.name: layer for layer in layers}.values())
        built_by = f" built by {function}()" if function else ""
        if requests:
            weights = ", ".join(sorted({r.weights for r in requests}))
            evidence, severity = f" with pretrained weights {weights}", "warning"
        else:
            evidence, severity = "", "note"
        return self.finding(
            graph, name,
            f"classification backbone {kind}{built_by}{evidence} reused as {name} in an "
            f"image-to-image model ({len(layers)} layers, {params:,} parameters): classification "
            "features discard the per-pixel detail translation must keep",
            "use an encoder made for the task (e.g. a U-Net encoder with InstanceNorm) trained "
            "from scratch",
            site=site, severity=severity,
            covers=layers,
        )


def _is_library_classifier(origin: Origin) -> bool:
    """A model built by torchvision's classification builders or by timm (whose models are
    ImageNet classifiers, also when built with ``num_classes=0`` as a feature extractor)."""
    return origin.function.startswith(_BACKBONE_LIBRARIES) and not origin.function.startswith(_NOT_CLASSIFIERS)


def _ends_in_classifier(module: nn.Module) -> bool:
    """Whether the module's children end in global pooling, then a Linear layer."""
    children = list(module.children())
    while children and isinstance(children[-1], nn.Sequential):  # classifier = Sequential(..., Linear)
        children = children[:-1] + list(children[-1].children())
    if not children or not isinstance(children[-1], nn.Linear):
        return False
    rest = [c for c in children[:-1] if not isinstance(c, _BETWEEN_POOL_AND_LINEAR)]
    return bool(rest) and isinstance(rest[-1], (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)) \
        and rest[-1].output_size in (1, (1, 1))


def _holder_name(names: list[str]) -> str:
    """The submodule that holds the layers ("encoder"), or the list of top-level ones that do
    ("layer1, layer2, layer3")."""
    prefix = os.path.commonprefix([n + "." for n in names])
    if "." in prefix and prefix.rfind(".") > 0:
        return prefix[: prefix.rfind(".")]
    return ", ".join(dict.fromkeys(n.split(".")[0] for n in names))
