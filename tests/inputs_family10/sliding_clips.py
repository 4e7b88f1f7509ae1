"""Clips: a forward that restores each frame from a window of past and future frames (the clip must
have more frames than the window drops), and one that takes each frame by indexing every axis."""

import torch
from torch import nn


class WindowDeblurrer(nn.Module):
    def __init__(self, past_frames=2, future_frames=2, channels=3, features=16):
        super().__init__()
        self.past_frames, self.future_frames = past_frames, future_frames
        window = past_frames + future_frames + 1
        self.encode = nn.Sequential(nn.Conv2d(window * channels, features, 3, padding=1), nn.ReLU())
        self.decode = nn.Conv2d(features, channels, 3, padding=1)

    def forward(self, x):
        n, t, c, h, w = x.shape
        outputs = []
        for i in range(self.past_frames, t - self.future_frames):
            window = x[:, i - self.past_frames:i + self.future_frames + 1].reshape(n, -1, h, w)
            outputs.append(self.decode(self.encode(window)))
        return torch.stack(outputs, dim=1)


class IndexedFrameFuser(nn.Module):
    def __init__(self, n_sequence=3, features=16):
        super().__init__()
        self.n_sequence = n_sequence
        self.embed = nn.Conv2d(3, features, 3, padding=1)
        self.fuse = nn.Conv2d(features * n_sequence, 3, 3, padding=1)

    def forward(self, x):
        frames = [x[:, i, :, :, :] for i in range(self.n_sequence)]
        return self.fuse(torch.cat([self.embed(f) for f in frames], dim=1))
