"""PyTorch translation of NeuraLint's real buggy program 42913869 (sample_buggy_scripts/SO Samples/42913869.py,
neuralint/neuralint; Keras). A ReLU regression MLP (1 -> 10 -> 10 -> 10 -> 1) with MSE and Adam: the question is about the data, no rule of NeuraLint's applies.
Labeled faults (NeuraLint rule -> netlint rule): none (clean)
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(1, 10), nn.ReLU(),
            nn.Linear(10, 10), nn.ReLU(),
            nn.Linear(10, 10), nn.ReLU(),
            nn.Linear(10, 1),
        )

    def forward(self, x):
        return self.layers(x)


def train(model, loader, criterion, optimizer, epochs):
    for epoch in range(epochs):
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs), targets.float().unsqueeze(1))
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}")


if __name__ == "__main__":
    x_train, y_train = torch.load("train.pt")
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=32,
                                         shuffle=True)
    model = Net()
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters())
    train(model, loader, criterion, optimizer, epochs=20)
