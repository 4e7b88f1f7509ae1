"""torch.nn.functional.nll_loss on raw logits, written with the full module path, with the
model wrapped by nn.DataParallel."""
import torch
import torch.nn as nn


class AudioNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 8, 9, stride=4)
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(8, 35)  # expect: NL308

    def forward(self, x):
        return self.fc(self.pool(torch.relu(self.conv(x))).squeeze(-1))


model = nn.DataParallel(AudioNet())
for waveform, label in []:
    output = model(waveform)
    loss = torch.nn.functional.nll_loss(output, label)
