"""Video inpainting generators whose attention cuts the feature map into patches of several (w, h)
sizes: only a frame that every patch divides runs (not a square one)."""

import torch
import torch.nn.functional as F
from torch import nn


class PatchAttention(nn.Module):
    def __init__(self, patches, width):
        super().__init__()
        self.patch_sizes = patches
        self.qkv = nn.Conv2d(width, width * 3, 1)
        self.out = nn.Conv2d(width, width, 1)

    def forward(self, x, batch):
        bt, c, h, w = x.shape
        t = bt // batch
        heads = torch.chunk(self.qkv(x), len(self.patch_sizes), dim=1)
        outputs = []
        for (pw, ph), part in zip(self.patch_sizes, heads):
            q, k, v = torch.chunk(part, 3, dim=1)
            d = q.shape[1]
            rows, cols = h // ph, w // pw
            tokens = q.view(batch, t, d, rows, ph, cols, pw).permute(0, 1, 3, 5, 2, 4, 6)
            tokens = tokens.reshape(batch, t * rows * cols, d * ph * pw)
            keys = k.view(batch, t, d, rows, ph, cols, pw).permute(0, 1, 3, 5, 2, 4, 6)
            keys = keys.reshape(batch, t * rows * cols, d * ph * pw)
            weights = torch.softmax(tokens @ keys.transpose(1, 2), dim=-1)
            values = v.view(batch, t, d, rows, ph, cols, pw).permute(0, 1, 3, 5, 2, 4, 6)
            mixed = weights @ values.reshape(batch, t * rows * cols, d * ph * pw)
            mixed = mixed.view(batch, t, rows, cols, d, ph, pw).permute(0, 1, 4, 2, 5, 3, 6)
            outputs.append(mixed.reshape(bt, d, h, w))
        return self.out(torch.cat(outputs, 1))


class SpaceTimeInpainter(nn.Module):
    def __init__(self, width=96):
        super().__init__()
        patches = [(54, 30), (18, 10), (9, 5)]
        self.encoder = nn.Sequential(nn.Conv2d(3, width, 3, 2, 1), nn.LeakyReLU(0.2),
                                     nn.Conv2d(width, width, 3, 2, 1), nn.LeakyReLU(0.2))
        self.attention = nn.ModuleList([PatchAttention(patches, width) for _ in range(2)])
        self.decoder = nn.Sequential(nn.Upsample(scale_factor=4), nn.Conv2d(width, 3, 3, 1, 1))

    def forward(self, frames, masks):
        b, t, c, h, w = frames.size()
        feat = self.encoder((frames * (1 - masks)).view(b * t, c, h, w))
        for block in self.attention:
            feat = feat + block(feat, b)
        return torch.tanh(self.decoder(feat)).view(b, t, c, h, w)


class WindowedRestorer(nn.Module):
    """One image, windows of (h, w) pairs under another name, the frame at the full scale."""

    def __init__(self, channels=32):
        super().__init__()
        self.windows = ((12, 20), (6, 10))
        self.head = nn.Conv2d(3, channels, 3, padding=1)
        self.tail = nn.Conv2d(channels, 3, 3, padding=1)

    def forward(self, x):
        feat = self.head(x)
        n, c, h, w = feat.shape
        for wh, ww in self.windows:
            tiles = feat.view(n, c, h // wh, wh, w // ww, ww)
            feat = feat + tiles.mean(dim=(3, 5), keepdim=True).expand_as(tiles).reshape(n, c, h, w)
        return self.tail(F.relu(feat))


class SizedCritic(nn.Module):
    """A frame size it keeps as a pair: its flattened head fits only that frame."""

    def __init__(self, size=(96, 160)):
        super().__init__()
        self.image_size = size
        self.features = nn.Sequential(nn.Conv2d(3, 16, 4, 4), nn.ReLU(), nn.Conv2d(16, 32, 4, 4), nn.ReLU())
        self.fc = nn.Linear(32 * (size[0] // 16) * (size[1] // 16), 1)

    def forward(self, img):
        return self.fc(self.features(img).flatten(1))
