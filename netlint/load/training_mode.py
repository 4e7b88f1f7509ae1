"""Switching a user's model between training and evaluation mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from torch import nn


def set_training(model: nn.Module, mode: bool) -> None:
    """``model.train(mode)``; where a module hides ``train`` with an attribute of its own
    (``self.train = True`` in a constructor: ``model.eval()`` would call a bool), every
    module's flag is set directly, as ``nn.Module.train`` would."""
    if any("train" in vars(module) for module in model.modules()):
        for module in model.modules():
            module.training = mode
    else:
        model.train(mode)
