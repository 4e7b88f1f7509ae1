"""netlint: a linter for PyTorch model architectures."""

__version__ = "0.1.0"
