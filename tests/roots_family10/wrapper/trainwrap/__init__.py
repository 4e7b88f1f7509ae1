from .base import WrappedNet
