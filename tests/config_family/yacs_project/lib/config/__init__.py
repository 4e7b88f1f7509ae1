from .default import _C as config
from .default import update_config

__all__ = ["config", "update_config"]
