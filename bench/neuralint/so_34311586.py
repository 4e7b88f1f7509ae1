"""PyTorch translation of NeuraLint's real buggy program 34311586 (sample_buggy_scripts/SO Samples/34311586.py,
neuralint/neuralint; Keras). XOR with a sigmoid MLP (2, 3) whose single output unit goes through a softmax, trained with mean squared error.
Labeled faults (NeuraLint rule -> netlint rule): BinWrongLastLayerActivation -> NL309, WrongLossInputs (MSE on that softmax) -> NL309, IncreasingDenseWidths (2 -> 3) -> NL108
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 2)
        self.fc2 = nn.Linear(2, 3)  # fault: IncreasingDenseWidths
        self.out = nn.Linear(3, 1)

    def forward(self, x):
        x = torch.sigmoid(self.fc1(x))
        x = torch.sigmoid(self.fc2(x))
        return F.softmax(self.out(x), dim=1)  # fault: BinWrongLastLayerActivation, WrongLossInputs


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
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=4,
                                         shuffle=True)
    model = Net()
    criterion = nn.MSELoss()  # loss: WrongLossInputs
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    train(model, loader, criterion, optimizer, epochs=20)
