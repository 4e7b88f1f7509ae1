"""Losses that hold networks or parameters: none is a model of its own."""

import torch
from torch import nn
from torchvision.models import vgg16


class GeneratorLoss(nn.Module):
    def __init__(self):
        super().__init__()
        vgg = vgg16(pretrained=True)
        self.loss_network = nn.Sequential(*list(vgg.features)[:31]).eval()
        self.mse = nn.MSELoss()

    def forward(self, out_labels, out_images, target_images):
        adversarial = torch.mean(1 - out_labels)
        perception = self.mse(self.loss_network(out_images), self.loss_network(target_images))
        return self.mse(out_images, target_images) + 0.001 * adversarial + 0.006 * perception


class CenterLoss(nn.Module):
    def __init__(self, num_classes=10, feat_dim=2):
        super().__init__()
        self.centers = nn.Parameter(torch.randn(num_classes, feat_dim))

    def forward(self, x, labels):
        return ((x - self.centers[labels]) ** 2).sum(1).mean()


class StyleCriterion(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU())

    def forward(self, output, target):
        return nn.functional.l1_loss(self.features(output), self.features(target))
