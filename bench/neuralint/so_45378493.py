"""PyTorch translation of NeuraLint's real buggy program 45378493 (sample_buggy_scripts/SO Samples/45378493.py,
neuralint/neuralint; Keras). A 1-D CNN with batch normalization after biased convolutions and a biased dense layer, ending in a softmax over one unit trained with binary cross-entropy.
Labeled faults (NeuraLint rule -> netlint rule): UselessBias -> NL102, BinWrongLastLayerActivation -> NL309
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(4, 16, 4, padding="same")  # fault: UselessBias
        self.bn1 = nn.BatchNorm1d(16)
        self.conv2 = nn.Conv1d(16, 8, 4, padding="same")  # fault: UselessBias
        self.bn2 = nn.BatchNorm1d(8)
        self.fc1 = nn.Linear(8 * 10, 64)  # fault: UselessBias
        self.bn3 = nn.BatchNorm1d(64)
        self.fc2 = nn.Linear(64, 1)
        self.dropout = nn.Dropout(0.2)

    def forward(self, x):
        x = self.dropout(F.leaky_relu(self.bn1(self.conv1(x))))
        x = self.dropout(F.leaky_relu(self.bn2(self.conv2(x))))
        x = torch.flatten(x, 1)
        x = F.leaky_relu(self.bn3(self.fc1(x)))
        return F.softmax(self.fc2(x), dim=1)  # fault: BinWrongLastLayerActivation


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
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=128,
                                         shuffle=True)
    model = Net()
    print(model(torch.zeros(1, 4, 10)).shape)  # the input shape the Keras model declares
    criterion = nn.BCELoss()  # loss: BinWrongLastLayerActivation
    optimizer = torch.optim.Adam(model.parameters())
    train(model, loader, criterion, optimizer, epochs=100)
