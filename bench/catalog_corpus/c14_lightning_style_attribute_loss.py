"""A LightningModule-style class: the loss made in __init__ as self.loss_fn, applied to
self(x) in training_step; the model ends in nn.Sigmoid."""
import torch
import torch.nn as nn


class BinaryClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 1), nn.Sigmoid())  # expect: NL307
        self.loss_fn = nn.BCEWithLogitsLoss()

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        y_hat = self(x)
        return self.loss_fn(y_hat, y)
