from __future__ import absolute_import

from .arrays import *


def to_array(tensor):
    return as_numpy(tensor)
