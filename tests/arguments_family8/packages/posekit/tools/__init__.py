from __future__ import absolute_import

from .warping import *
