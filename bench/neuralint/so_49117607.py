"""PyTorch translation of NeuraLint's real buggy program 49117607 (sample_buggy_scripts/SO Samples/49117607.py,
neuralint/neuralint; Keras). A CIFAR CNN whose convolutions keep their bias before batch normalization.
Labeled faults (NeuraLint rule -> netlint rule): UselessBias -> NL102
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


NUM_CLASSES = 10


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, 5),  # fault: UselessBias
            nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 5),  # fault: UselessBias
            nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2), nn.Dropout(0.25),
            nn.Conv2d(32, 64, 5),  # fault: UselessBias
            nn.BatchNorm2d(64), nn.ReLU(),
            nn.Conv2d(64, 64, 5), nn.ReLU(),
            nn.MaxPool2d(2), nn.Dropout(0.25),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(64 * 1 * 1, 512), nn.ReLU(), nn.Dropout(0.25), nn.Linear(512, NUM_CLASSES),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


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
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=32,
                                         shuffle=True)
    model = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters())
    train(model, loader, criterion, optimizer, epochs=20)
