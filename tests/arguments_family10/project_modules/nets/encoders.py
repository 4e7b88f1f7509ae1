from torch import nn


class BackboneEncoder(nn.Module):
    """Wraps a backbone's stages, returning each stage's features."""

    def __init__(self, original_model):
        super().__init__()
        self.stem = original_model.stem
        self.layer1 = original_model.layer1

    def forward(self, x):
        x0 = self.stem(x)
        return x0, self.layer1(x0)
