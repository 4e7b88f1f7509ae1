"""log_softmax into cross_entropy (inside a training_step of the module), and Adam's decay
from a constant."""
import torch
import torch.nn as nn
import torch.nn.functional as F

WEIGHT_DECAY = 5e-4


class LitMNIST(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(28 * 28, 128)
        self.l2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.l1(x.view(x.size(0), -1)))
        return F.log_softmax(self.l2(x), dim=1)  # expect: NL306

    def training_step(self, batch):
        x, y = batch
        return F.cross_entropy(self(x), y)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-3, weight_decay=WEIGHT_DECAY)  # expect: NL502
