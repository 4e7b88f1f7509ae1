"""Helpers that import a third-party package (not installed) whose name is also a sibling's."""
from __future__ import absolute_import

import torch

from .imgutils import *
import imgutils  # the third-party package, not ./imgutils.py


def heatmap_peaks(maps):
    return to_array(maps.flatten(2).argmax(-1))
