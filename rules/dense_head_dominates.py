from __future__ import annotations

import math
from collections.abc import Iterator

from torch import nn

from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding, Rule
from netlint.rules._counting import count, on_meta
from netlint.rules._dataflow import fmt_shape, source_of

# What may stand between the feature map and the Linear layer: the flatten itself, and
# layers that change no shape.
_FLATTEN_PATH = ("reshape", "identity", "dropout")
# Layers that keep a channels-first feature map channels-first.
_ELEMENTWISE = ("activation", "batch_norm", "instance_norm", "dropout", "identity")
_SPATIAL = ("conv", "conv_transpose", "pool", "adaptive_pool", "upsample")


class DenseHeadDominates(Rule):
    """A Linear layer on a flattened feature map that holds most of the model's parameters.

    ## What it does
    Finds a ``Linear`` layer that reads a convolutional feature map flattened with its spatial
    positions (``torch.flatten``, ``x.view(N, -1)``, ``nn.Flatten``…, following dataflow) and
    holds more than half of the model's parameters. It suggests global average pooling
    before the flatten and gives the parameter count of the ``Linear`` layer that would then
    read one value per channel.

    ## Why is this bad?
    Flattening a C×H×W map gives the first dense layer C·H·W inputs: VGG-16's first
    classifier layer (512×7×7 → 4096) holds 102.8M of the network's 138.4M parameters, AlexNet's
    37.8M of 61.1M. Those weights tie each output to one exact position of the map, so they
    overfit, fix the input resolution, dominate memory and checkpoint size, and do little
    that the convolutions have not already done. Network In Network, GoogLeNet and every
    ResNet since average the map over its positions first: the classifier then has C inputs,
    the model accepts any input size, and accuracy is as good or better.

    ## Example
    ```python
    x = self.features(x)                  # N × 512 × 7 × 7
    x = torch.flatten(x, 1)               # N × 25088
    x = self.fc(x)                        # nn.Linear(25088, 4096): 102,764,544 parameters
    ```

    ## Use instead
    ```python
    x = self.features(x)
    x = torch.flatten(self.pool(x), 1)    # self.pool = nn.AdaptiveAvgPool2d(1): N × 512
    x = self.fc(x)                        # nn.Linear(512, 4096): 2,101,248 parameters
    ```

    ## References
    - Lin, Chen & Yan, "Network In Network", ICLR 2014, §3.2 (global average pooling).
    - Szegedy et al., "Going Deeper with Convolutions" (GoogLeNet), CVPR 2015, §5.
    - Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
      Recognition" (VGG), ICLR 2015.
    - He et al., "Deep Residual Learning for Image Recognition", CVPR 2016.
    """

    code = "NL105"
    name = "dense-head-dominates"
    severity = "note"

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        for linear in graph.of_op("linear"):
            a = linear.attrs
            if "in_features" not in a or linear.params * 2 <= graph.params:
                continue
            source, path = source_of(graph, linear, through=lambda x: x.op in _FLATTEN_PATH)
            if source is None or not any(x.op == "reshape" for x in path):
                continue
            shape = source.output_shape
            if shape is None or len(shape) < 3 or math.prod(shape[2:]) == 1 \
                    or math.prod(shape[1:]) != a["in_features"] or not _channels_first(graph, source):
                continue
            yield self._finding(graph, linear, shape)

    def _finding(self, graph: ModelGraph, linear: Layer, shape: tuple[int, ...]) -> Finding:
        a = linear.attrs
        channels, dims = shape[1], len(shape) - 2
        after = count(on_meta(nn.Linear, channels, a["out_features"], bias=a["bias"]))
        share = 100 * linear.params / graph.params
        pool = f"nn.AdaptiveAvgPool{dims}d(1)" if dims <= 3 else "x.mean(spatial dims)"
        bias = "" if a["bias"] else ", bias=False"
        return self.finding(
            graph, linear,
            f"{linear.type} {linear.name} reads a flattened {fmt_shape(shape[1:])} feature map "
            f"({a['in_features']:,} inputs) and holds {linear.params:,} of the model's "
            f"{graph.params:,} parameters ({share:.0f}%)",
            f"average-pool the feature map over its positions ({pool}) before flattening and use "
            f"Linear({channels}, {a['out_features']}{bias}): {after:,} parameters",
            params_before=linear.params, params_after=after,
        )


def _channels_first(graph: ModelGraph, layer: Layer) -> bool:
    """Whether the map comes from a convolution or pooling (N, C, *spatial), looking back
    through elementwise layers, rather than e.g. a sequence of tokens (N, L, C)."""
    if layer.op in _SPATIAL:
        return True
    source, _ = source_of(graph, layer, through=lambda x: x.op in _ELEMENTWISE)
    return source is not None and source.op in _SPATIAL and layer.op in _ELEMENTWISE
