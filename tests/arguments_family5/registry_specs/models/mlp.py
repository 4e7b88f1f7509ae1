from torch import nn

from .registry import register


@register("mlp")
class MLP(nn.Module):
    def __init__(self, in_dim, out_dim, hidden_list):
        super().__init__()
        layers, last = [], in_dim
        for hidden in hidden_list:
            layers += [nn.Linear(last, hidden), nn.ReLU()]
            last = hidden
        self.layers = nn.Sequential(*layers, nn.Linear(last, out_dim))

    def forward(self, x):
        return self.layers(x)
