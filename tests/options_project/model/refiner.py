import torch.nn as nn


class Refiner(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        width = cfg.refine_width
        layers = [nn.Conv2d(3, width, 3, padding=1)]
        for _ in range(cfg.refine_blocks):
            layers += [nn.ReLU(), nn.Conv2d(width, width, 3, padding=1)]
        self.body = nn.Sequential(*layers, nn.ReLU(), nn.Conv2d(width, 3, 3, padding=1))

    def forward(self, x):
        return self.body(x)
