"""PyTorch translation of NeuraLint's real buggy program 50079585 (sample_buggy_scripts/SO Samples/50079585.py,
neuralint/neuralint; Keras). The Keras blog's cats-vs-dogs CNN with a single output unit behind a softmax, trained with categorical cross-entropy; in PyTorch, CrossEntropyLoss applies that softmax to one logit.
Labeled faults (NeuraLint rule -> netlint rule): BinWrongLastLayerActivation -> NL309
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3)
        self.conv2 = nn.Conv2d(32, 32, 3)
        self.conv3 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(64 * 17 * 17, 64)
        self.dropout = nn.Dropout(0.5)
        self.fc2 = nn.Linear(64, 1)  # fault: BinWrongLastLayerActivation

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.max_pool2d(F.relu(self.conv3(x)), 2)
        x = self.dropout(F.relu(self.fc1(torch.flatten(x, 1))))
        return self.fc2(x)  # fault: BinWrongLastLayerActivation


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
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=16,
                                         shuffle=True)
    model = Net()
    print(model(torch.zeros(1, 3, 150, 150)).shape)  # the input shape the Keras model declares
    criterion = nn.CrossEntropyLoss()  # loss: BinWrongLastLayerActivation
    optimizer = torch.optim.RMSprop(model.parameters())
    train(model, loader, criterion, optimizer, epochs=50)
