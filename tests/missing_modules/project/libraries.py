"""Models built from installed libraries: a zoo on PYTHONPATH and a package installed with
pip install --target (vendor/)."""

import ringbuf
import zoo
from torch import nn


class ZooNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = zoo.create("tiny8")
        self.out = nn.Conv2d(3, ringbuf.SIZES["x16"], 1)

    def forward(self, x):
        return self.out(self.body(x))
