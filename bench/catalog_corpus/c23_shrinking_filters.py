"""A classifier whose filter counts were written in reverse (NeuraLint NonIncreasingFilters)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 64, 3, padding=1)  # expect: NL107
        self.conv2 = nn.Conv2d(64, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 3 * 3, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.max_pool2d(F.relu(self.conv3(x)), 2)
        return self.fc(x.view(x.size(0), -1))


if __name__ == "__main__":
    model = CNN()
    optimizer = torch.optim.Adam(model.parameters())
    for x, y in []:
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
