from .registry import ARCH_REGISTRY

__all__ = ["ARCH_REGISTRY"]
