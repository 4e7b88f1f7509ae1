"""Entraînement."""
import torch
from torch.utils.data import DataLoader

from stacked_crlf import StackedNet

if __name__ == "__main__":
    model = StackedNet(channels=12)
    loader = DataLoader(range(10), batch_size=4096, shuffle=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for x in loader:
        optimizer.zero_grad()
        model(x).sum().backward()
        optimizer.step()
