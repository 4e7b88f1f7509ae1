"""PyTorch translation of NeuraLint's real buggy program 55776436 (sample_buggy_scripts/SO Samples/55776436.py,
neuralint/neuralint; Keras). An ECG classifier whose second 1-D convolution goes through dropout into batch normalization, keeping its bias.
Labeled faults (NeuraLint rule -> netlint rule): DropoutBeforeBatchnorm -> NL203, UselessBias -> NL102
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(1, 100, 700)
        self.conv2 = nn.Conv1d(100, 50, 700)  # fault: UselessBias
        self.dropout = nn.Dropout(0.5)  # fault: DropoutBeforeBatchnorm
        self.norm = nn.BatchNorm1d(50)
        self.pool = nn.MaxPool1d(4)
        self.fc = nn.Linear(50 * 4150, 6)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.norm(self.dropout(self.conv2(x)))  # fault: DropoutBeforeBatchnorm
        x = self.pool(F.relu(x))
        return self.fc(torch.flatten(x, 1))


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
    print(model(torch.zeros(1, 1, 18000)).shape)  # the input shape the Keras model declares
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.0001)
    train(model, loader, criterion, optimizer, epochs=20)
