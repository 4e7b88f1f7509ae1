"""PyTorch translation of NeuraLint's real buggy program 6 (sample_buggy_scripts/GitHub Samples/6.py,
neuralint/neuralint; Keras). A LeNet-like CNN whose ten raw outputs (no activation) are trained with binary cross-entropy (BCELoss on logits against one-hot targets).
Labeled faults (NeuraLint rule -> netlint rule): MissingSoftmax -> NL308
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


IN_DIM, KERNEL, IN_CHANNELS, HIDDEN_CHANNELS, HIDDEN_FC2, OUT_N = 28, 5, 1, 16, 100, 10


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(IN_CHANNELS, HIDDEN_CHANNELS, KERNEL)
        self.pool1 = nn.AvgPool2d(2)
        self.conv2 = nn.Conv2d(HIDDEN_CHANNELS, HIDDEN_CHANNELS, KERNEL)
        self.pool2 = nn.AvgPool2d(2)
        self.fc1 = nn.Linear(HIDDEN_CHANNELS * 4 * 4, HIDDEN_FC2)
        self.fc2 = nn.Linear(HIDDEN_FC2, OUT_N)  # fault: MissingSoftmax

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)  # fault: MissingSoftmax


def train(model, loader, criterion, optimizer, epochs):
    for epoch in range(epochs):
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs), F.one_hot(targets, OUT_N).float())
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}")


if __name__ == "__main__":
    x_train, y_train = torch.load("train.pt")
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=256,
                                         shuffle=True)
    model = Net()
    criterion = nn.BCELoss()  # loss: MissingSoftmax
    optimizer = torch.optim.Adam(model.parameters())
    train(model, loader, criterion, optimizer, epochs=3)
