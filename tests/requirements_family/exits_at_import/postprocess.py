"""A version gate that exits at import (a string compare that current torchvision fails)."""

import sys
import warnings

import torchvision

if torchvision.__version__ >= "0.3.0":
    nms = torchvision.ops.nms
else:
    warnings.warn("No NMS is available. Please upgrade torchvision to 0.3.0+")
    sys.exit(-1)
