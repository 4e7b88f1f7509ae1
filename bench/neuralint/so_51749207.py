"""PyTorch translation of NeuraLint's real buggy program 51749207 (sample_buggy_scripts/SO Samples/51749207.py,
neuralint/neuralint; Keras). A 1-D CNN for a binary label whose single output unit goes through a softmax, trained with binary cross-entropy.
Labeled faults (NeuraLint rule -> netlint rule): BinWrongLastLayerActivation -> NL309
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 20, 4, padding="same")
        self.pool = nn.MaxPool1d(2)
        self.dropout = nn.Dropout(0.3)
        self.fc1 = nn.Linear(20 * 300, 50)
        self.fc2 = nn.Linear(50, 1)

    def forward(self, x):
        x = self.dropout(self.pool(F.relu(self.conv(x))))
        x = F.relu(self.fc1(torch.flatten(x, 1)))
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
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=8,
                                         shuffle=True)
    model = Net()
    print(model(torch.zeros(1, 1, 600)).shape)  # the input shape the Keras model declares
    criterion = nn.BCELoss()  # loss: BinWrongLastLayerActivation
    optimizer = torch.optim.NAdam(model.parameters())
    train(model, loader, criterion, optimizer, epochs=100)
