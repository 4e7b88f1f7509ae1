from .registry import register, make
from . import encoder, mlp, implicit
