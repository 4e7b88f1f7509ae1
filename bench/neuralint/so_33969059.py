"""PyTorch translation of NeuraLint's real buggy program 33969059 (sample_buggy_scripts/SO Samples/33969059.py,
neuralint/neuralint; Keras). A tanh MLP whose single output unit goes through a softmax, trained with mean squared error and SGD.
Labeled faults (NeuraLint rule -> netlint rule): BinWrongLastLayerActivation -> NL309
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


INDIM = 30


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(INDIM, INDIM)
        self.drop1 = nn.Dropout(0.5)
        self.fc2 = nn.Linear(INDIM, 2)
        self.drop2 = nn.Dropout(0.5)
        self.out = nn.Linear(2, 1)

    def forward(self, x):
        x = self.drop1(torch.tanh(self.fc1(x)))
        x = self.drop2(torch.tanh(self.fc2(x)))
        return F.softmax(self.out(x), dim=1)  # fault: BinWrongLastLayerActivation


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
    criterion = nn.MSELoss()  # loss: BinWrongLastLayerActivation
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    train(model, loader, criterion, optimizer, epochs=20)
