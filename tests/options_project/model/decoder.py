import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self, hparams):
        super().__init__()
        self.fc = nn.Linear(hparams.latent_dim, 64 * 4 * 4)
        self.up = nn.Sequential(nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),
                                nn.ConvTranspose2d(32, hparams.img_channels, 4, 2, 1), nn.Tanh())

    def forward(self, z):
        return self.up(self.fc(z).view(-1, 64, 4, 4))
