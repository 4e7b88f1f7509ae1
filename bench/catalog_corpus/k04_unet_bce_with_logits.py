"""Clean: a 1-channel binary-segmentation network on grayscale scans with BCEWithLogitsLoss."""
import torch
import torch.nn as nn


class TinyUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.pool = nn.MaxPool2d(2)
        self.mid = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU())
        self.up = nn.Upsample(scale_factor=2)
        self.head = nn.Conv2d(48, 1, 1)

    def forward(self, x):
        d = self.down(x)
        return self.head(torch.cat([self.up(self.mid(self.pool(d))), d], dim=1))


model = TinyUNet()
criterion = nn.BCEWithLogitsLoss()
for scan, mask in []:
    loss = criterion(model(scan), mask)
    predicted = torch.sigmoid(model(scan)) > 0.5
