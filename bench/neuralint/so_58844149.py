"""PyTorch translation of NeuraLint's real buggy program 58844149 (sample_buggy_scripts/SO Samples/58844149.py,
neuralint/neuralint; Keras). An AlexNet-like CNN on 300x300 grayscale images with a single output unit behind a softmax, trained with binary cross-entropy.
Labeled faults (NeuraLint rule -> netlint rule): BinWrongLastLayerActivation -> NL309
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 96, 11, padding="same"), nn.ReLU(), nn.MaxPool2d(3, stride=2),
            nn.Conv2d(96, 128, 3, padding="same"), nn.ReLU(), nn.MaxPool2d(2, stride=2),
            nn.Conv2d(128, 128, 3, padding="same"), nn.ReLU(), nn.MaxPool2d(2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(128 * 37 * 37, 300), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(300, 1),
            nn.Softmax(dim=1),  # fault: BinWrongLastLayerActivation
        )

    def forward(self, x):
        return self.classifier(self.features(x))


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
    criterion = nn.BCELoss()  # loss: BinWrongLastLayerActivation
    optimizer = torch.optim.Adam(model.parameters())
    train(model, loader, criterion, optimizer, epochs=20)
