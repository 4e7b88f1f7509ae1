"""Detection ops: their C++ extension (nms_ext) is built by `python setup.py build_ext --inplace`."""

from .nms_ext import nms
