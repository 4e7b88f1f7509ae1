"""PyTorch translation of NeuraLint's real buggy program 50426349 (sample_buggy_scripts/SO Samples/50426349.py,
neuralint/neuralint; Keras). A colorization network (grayscale in, two tanh chrominance channels out) trained with MSE: its decoder narrows on purpose.
Labeled faults (NeuraLint rule -> netlint rule): none (clean)
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(1, 64, 3, padding=1), nn.ReLU(),
            nn.Conv2d(64, 64, 3, padding=1, stride=2), nn.ReLU(),
            nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(),
            nn.Conv2d(128, 512, 3, padding=1), nn.ReLU(),
            nn.Conv2d(512, 256, 3, padding=1), nn.ReLU(),
            nn.Conv2d(256, 128, 3, padding=1), nn.ReLU(),
            nn.Upsample(scale_factor=2),
            nn.Conv2d(128, 64, 3, padding=1), nn.ReLU(),
            nn.Conv2d(64, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 2, 3, padding=1), nn.Tanh(),
        )

    def forward(self, x):
        return self.layers(x)


def train(model, loader, criterion, optimizer, epochs):
    for epoch in range(epochs):
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs), targets)
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}")


if __name__ == "__main__":
    x_train, y_train = torch.load("train.pt")
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=128,
                                         shuffle=True)
    model = Net()
    criterion = nn.MSELoss()
    optimizer = torch.optim.RMSprop(model.parameters())
    train(model, loader, criterion, optimizer, epochs=200)
