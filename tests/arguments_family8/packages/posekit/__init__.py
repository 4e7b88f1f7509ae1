from __future__ import absolute_import

from . import nets
from . import tools
