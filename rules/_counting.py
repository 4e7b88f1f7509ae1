"""Parameter counts of modules that a suggested fix would create, built on meta."""

from __future__ import annotations

from torch import nn


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def count_buffers(module: nn.Module) -> int:
    return sum(b.numel() for b in module.buffers())


def conv_class(dims: int, transposed: bool = False) -> type[nn.Module]:
    if transposed:
        return (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)[dims - 1]
    return (nn.Conv1d, nn.Conv2d, nn.Conv3d)[dims - 1]


def on_meta(factory, *args, **kwargs) -> nn.Module:
    return factory(*args, device="meta", **kwargs)
