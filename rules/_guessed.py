"""The words a finding uses when it rests on a layer class netlint guessed for a parameter
(``norm_layer`` → ``nn.BatchNorm2d``): every rule says it once, the same way."""

from __future__ import annotations

from collections.abc import Iterable

from torch import nn

from netlint.arguments.guessed import is_guessed_layer
from netlint.graph import Layer

_NORMS = (nn.modules.batchnorm._NormBase, nn.GroupNorm, nn.LayerNorm)


def guessed_note(layers: Iterable[Layer]) -> str:
    """`` (a class netlint guessed for a normalization-layer parameter: check the class the
    project passes)`` when one of the layers the finding rests on is such a guess, else ""."""
    guessed = next((layer.module for layer in layers if layer.module is not None and is_guessed_layer(layer.module)),
                   None)
    if guessed is None:
        return ""
    kind = "a normalization-layer" if isinstance(guessed, _NORMS) else "an activation-layer"
    return f" (a class netlint guessed for {kind} parameter: check the class the project passes)"
