"""Temporal patch discriminators that take a clip B×T×C×H×W and reorder its axes for a Conv3d."""

import torch
from torch import nn


class TemporalPatchCritic(nn.Module):
    def __init__(self, in_channels=3, width=32):
        super().__init__()
        layers, channels = [], in_channels
        for out in (width, width * 2, width * 4):
            layers += [nn.Conv3d(channels, out, kernel_size=(3, 5, 5), stride=(1, 2, 2), padding=(1, 2, 2)),
                       nn.LeakyReLU(0.2)]
            channels = out
        self.body = nn.Sequential(*layers)

    def forward(self, frames):
        # B, T, C, H, W in; the convolutions read B, C, T, H, W
        volume = torch.transpose(frames, 1, 2)
        score = self.body(volume)
        return torch.transpose(score, 1, 2)


class FramewiseCritic(nn.Module):
    def __init__(self, channels=3):
        super().__init__()
        self.stem = nn.Conv3d(channels, 48, kernel_size=(1, 4, 4), stride=(1, 2, 2), padding=(0, 1, 1))
        self.head = nn.Conv3d(48, 1, kernel_size=(1, 3, 3), padding=(0, 1, 1))

    def forward(self, clip):
        batch = clip.size(0)
        x = clip.permute(0, 2, 1, 3, 4)
        x = self.head(torch.relu(self.stem(x)))
        return x.reshape(batch, -1)


class SequenceTagger(nn.Module):
    """A sequence B×L×C permuted for a Conv1d: not a video, the same mechanism."""

    def __init__(self, features=40, classes=12):
        super().__init__()
        self.conv = nn.Conv1d(features, 64, 5, padding=2)
        self.out = nn.Linear(64, classes)

    def forward(self, seq):
        hidden = torch.relu(self.conv(seq.permute(0, 2, 1)))
        return self.out(hidden.transpose(1, 2))
