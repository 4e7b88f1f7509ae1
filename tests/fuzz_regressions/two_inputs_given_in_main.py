# Broke: fx-traceable models are captured by fx
# captured by modules: the input the __main__ block passes to a model built without arguments
# (`Fuzz()(x, y)`) was not used, and no layer reads x to infer its shape.
import torch
import torch.nn.functional as F
from torch import nn


class Fuzz(nn.Module):
    def __init__(self):
        super().__init__()
        self.m1 = nn.SiLU()

    def forward(self, x, y):
        x = x + y
        x = self.m1(x)
        return x


if __name__ == "__main__":
    print(Fuzz()(torch.randn(1, 1, 8, 8, 8), torch.randn(1, 1, 8, 8, 8)))
