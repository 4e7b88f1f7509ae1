"""PyTorch translation of NeuraLint's real buggy program 44184091 (sample_buggy_scripts/SO Samples/44184091.py,
neuralint/neuralint; Keras). A 1-D convolution whose ReLU output goes through dropout straight into max pooling; one sigmoid unit with binary cross-entropy.
Labeled faults (NeuraLint rule -> netlint rule): DropoutBeforePooling -> NL204
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, channels=1, length=100):
        super().__init__()
        self.conv = nn.Conv1d(channels, 64, 5, padding=2)
        self.drop1 = nn.Dropout(0.2)  # fault: DropoutBeforePooling
        self.pool = nn.MaxPool1d(2)
        self.fc1 = nn.Linear(64 * (length // 2), 100)
        self.drop2 = nn.Dropout(0.7)
        self.fc2 = nn.Linear(100, 1)

    def forward(self, x):
        x = self.pool(self.drop1(F.relu(self.conv(x))))  # fault: DropoutBeforePooling
        x = torch.flatten(x, 1)
        x = self.drop2(F.relu(self.fc1(x)))
        return torch.sigmoid(self.fc2(x))


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
    print(model(torch.zeros(1, 1, 100)).shape)  # the shape of the data (the Keras model leaves it to fit)
    criterion = nn.BCELoss()
    optimizer = torch.optim.Adam(model.parameters())
    train(model, loader, criterion, optimizer, epochs=20)
