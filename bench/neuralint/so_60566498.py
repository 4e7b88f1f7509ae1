"""PyTorch translation of NeuraLint's real buggy program 60566498 (sample_buggy_scripts/SO Samples/60566498.py,
neuralint/neuralint; Keras). A 4-block CNN whose convolutions go through dropout, then ReLU, then max pooling, and a biased dense layer before batch normalization.
Labeled faults (NeuraLint rule -> netlint rule): DropoutBeforePooling -> NL204, UselessBias -> NL102
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, stride=2), nn.Dropout(0.2),
            nn.Conv2d(256, 256, 3, padding=1),
            nn.Dropout(0.2),  # fault: DropoutBeforePooling
            nn.ReLU(), nn.MaxPool2d(2, stride=2),
            nn.Conv2d(256, 256, 3, padding=1),
            nn.Dropout(0.25),  # fault: DropoutBeforePooling
            nn.ReLU(), nn.MaxPool2d(2, stride=2),
            nn.Conv2d(256, 256, 3, padding=1),
            nn.Dropout(0.25),  # fault: DropoutBeforePooling
            nn.ReLU(), nn.MaxPool2d(2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(256 * 2 * 2, 256),  # fault: UselessBias
            nn.BatchNorm1d(256), nn.ReLU(),
            nn.Dropout(0.8),
            nn.Linear(256, 3),
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
