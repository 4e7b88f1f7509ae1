from __future__ import annotations

import ast
import functools
from collections import defaultdict
from collections.abc import Iterator

from torch import nn

from netlint.fix.changes import Applicability, Autofix, Call, DropArgument, RenameCallee, SetArgument
from netlint.graph import Layer, ModelGraph, Site
from netlint.rule import Finding, Rule
from netlint.rules._task import shapeless_task
from netlint.rules._counting import count, count_buffers, on_meta
from netlint.rules._fixes import unfixable
from netlint.rules._guessed import guessed_note
from netlint.source import read_source, version

_INSTANCE_NORM = {1: nn.InstanceNorm1d, 2: nn.InstanceNorm2d, 3: nn.InstanceNorm3d}


class BatchNormInImageToImage(Rule):
    """BatchNorm in an image-to-image model.

    ## What it does
    Finds BatchNorm layers (``BatchNorm1d/2d/3d``, ``SyncBatchNorm``, ``F.batch_norm``) in
    a model whose task is image-to-image: super-resolution, style transfer, inpainting,
    denoising, image translation. Layers created by the same line (a U-Net builder that
    makes one BatchNorm per level) are reported once, with how many layers that line made.
    ``F.batch_norm`` given ``training`` as the constant True never normalizes with running
    statistics: an AdaIN layer folding the batch into the channels (``F.batch_norm(x.view(1,
    b * c, h, w), ..., True, ...)``) is instance normalization and is not reported; one whose
    ``training`` follows ``self.training`` is BatchNorm. When the forward could not run, the
    module tree is read, the task decided from the code (the message says how).

    ## Why is this bad?
    BatchNorm normalizes every image with statistics of the batch during training and with
    one running mean and variance for the whole dataset at inference. In a network whose
    output must be unique to each image, this ties the image to the others it is batched
    with and, at inference, to a dataset-wide average: results are blurred, colours shift,
    and artifacts appear when the batch is small or the test image is unlike the average.
    Instance normalization uses each image's own statistics; super-resolution networks such
    as EDSR drop normalization altogether and train faster and better for it. BatchNorm
    belongs in classification networks, where it stays quiet.

    ## Example
    ```python
    class Generator(nn.Module):  # output: an image the size of the input
        def __init__(self):
            super().__init__()
            self.down = nn.Sequential(nn.Conv2d(3, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU())
    ```

    ## Use instead
    ```python
    self.down = nn.Sequential(nn.Conv2d(3, 64, 4, 2, 1), nn.InstanceNorm2d(64, affine=True), nn.ReLU())
    ```
    or no normalization at all, as EDSR does for super-resolution.

    ## Fix
    Unsafe (the model normalizes differently, and the running statistics go away):
    ``nn.BatchNorm2d(C, …)`` becomes ``nn.InstanceNorm2d(C, …, affine=True)`` (1d and 3d
    alike, by the layer's output), without ``track_running_stats``; eps and momentum stay.
    No fix when the class comes from a variable or a factory (``norm_layer(ngf)``) or is
    called by its bare name (``InstanceNorm2d`` may not be imported).

    ## References
    - Ulyanov, Vedaldi & Lempitsky, "Instance Normalization: The Missing Ingredient for
      Fast Stylization", 2016.
    - Lim et al., "Enhanced Deep Residual Networks for Single Image Super-Resolution"
      (EDSR), CVPRW 2017, §3.1.
    - Wang et al., "ESRGAN: Enhanced Super-Resolution Generative Adversarial Networks",
      ECCVW 2018 (BatchNorm removed to avoid artifacts).
    """

    code = "NL201"
    name = "batchnorm-in-image-to-image"
    severity = "warning"
    needs = frozenset({"modules"})  # the module tree is enough: the task is then decided without shapes

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        if graph.task != "image-to-image":
            return
        by_site: dict[object, dict[str, Layer]] = defaultdict(dict)
        for layer in graph.of_op("batch_norm"):  # a module called twice is one layer
            if layer.module is None and _always_batch_statistics(layer.site):
                continue  # instance normalization written with F.batch_norm (an AdaIN layer)
            by_site[layer.site].setdefault(layer.name, layer)
        for layers in by_site.values():
            yield self._finding(graph, list(layers.values()))

    def _finding(self, graph: ModelGraph, layers: list[Layer]) -> Finding:
        first = layers[0]
        instance_norm = _INSTANCE_NORM[_spatial_dims(first)]
        before = sum(layer.params for layer in layers)
        after = sum(count(on_meta(instance_norm, _channels(layer), affine=True)) for layer in layers)
        buffers_before = sum(count_buffers(layer.module) for layer in layers if layer.module is not None)
        what = (f"{first.type} {first.name}" if len(layers) == 1 else
                f"{len(layers)} {first.type} layers made by this line ({first.name} and "
                f"{len(layers) - 1} more)")
        buffers = f"; the {buffers_before:,} running-statistics buffer values go away" if buffers_before else ""
        guessed = guessed_note(layers)
        return self.finding(
            graph, first,
            f"{what}{guessed} in an image-to-image model{shapeless_task(graph)}: one running mean and variance "
            "for the whole dataset blurs outputs that must be unique per image",
            f"use {instance_norm.__name__}(C, affine=True) or no normalization (as EDSR "
            f"does){buffers}",
            params_before=before, params_after=after, autofix=_autofix(graph, layers, instance_norm.__name__),
            covers=layers,
        )


_TRAINING = 5  # the position of ``training`` in F.batch_norm and torch.batch_norm


def _always_batch_statistics(site: Site | None) -> bool:
    """Whether the functional batch norm at ``site`` is given ``training`` as the constant True:
    it normalizes with the statistics of what it is given, never with the running ones (MUNIT's
    AdaIN folds the batch into the channels: per-image statistics). ``self.training`` is BatchNorm."""
    if site is None:
        return False
    tree = _parsed(site.path, version(site.path))
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and site.line <= node.lineno <= site.end_line \
                and ast.unparse(node.func).rpartition(".")[2] == "batch_norm":
            given = [k.value for k in node.keywords if k.arg == "training"]
            given += node.args[_TRAINING:_TRAINING + 1]
            return bool(given) and isinstance(given[0], ast.Constant) and given[0].value is True
    return False


@functools.lru_cache(maxsize=64)
def _parsed(path: str, _version: tuple) -> ast.Module | None:
    try:
        return ast.parse(read_source(path))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None


def _autofix(graph: ModelGraph, layers: list[Layer], instance_norm: str) -> Autofix:
    call = Call.of(layers[0])
    return unfixable(graph, layers, function=f"{layers[0].type} is a function call; use F.instance_norm") or \
        Autofix.of(Applicability.UNSAFE, RenameCallee(call, instance_norm),
                   SetArgument(call, "affine", "True", "the affine flag"), DropArgument(call, "track_running_stats"))


def _spatial_dims(layer: Layer) -> int:
    """1, 2 or 3: from the layer's output shape (N, C, *spatial), 2 when unknown."""
    if layer.output_shape is None or len(layer.output_shape) < 3:
        return 2 if layer.output_shape is None else 1
    return min(len(layer.output_shape) - 2, 3)


def _channels(layer: Layer) -> int:
    if "num_features" in layer.attrs:
        return layer.attrs["num_features"]
    return layer.output_shape[1] if layer.output_shape else 1
