"""The project's training wrapper: it holds the generator and the discriminator, saves and loads
them (no optimizer of its own; the trainer builds those)."""

import torch
import torch.nn as nn

from discriminator import Discriminator
from generator import Generator


class Model(nn.Module):
    def __init__(self, adversarial=True):
        super().__init__()
        self.model = nn.ModuleDict()
        self.model.G = Generator()
        self.model.D = Discriminator() if adversarial else None

    def forward(self, x):
        return self.model.G(x)

    def save(self, path):
        torch.save({key: net.state_dict() for key, net in self.model.items()}, path)
