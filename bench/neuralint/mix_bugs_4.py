"""PyTorch translation of NeuraLint's synthetic program mix_bugs_4 (sample_buggy_scripts/Synthetic Samples/mix_bugs_4.py,
neuralint/neuralint): zero-initialized convolutions, raw logits into log_loss, and the initializer run again every epoch.
Labeled faults (NeuraLint rule -> netlint rule): ZerosInit -> NL313, MissingSoftmax -> NL308, MultipleInits -> NL314
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import datasets, transforms


def init_weights(module):
    # TF's global_variables_initializer() runs every variable's own initializer again: the
    # convolutions' zeros (kernel_initializer=zeros), the dense layers' Glorot uniform
    if isinstance(module, nn.Conv2d):
        nn.init.zeros_(module.weight)  # fault: ZerosInit
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Linear):
        nn.init.xavier_uniform_(module.weight)
        nn.init.zeros_(module.bias)


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=5, padding=2)
        self.pool1 = nn.MaxPool2d(2, stride=2)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=5, padding=2)
        self.pool2 = nn.MaxPool2d(2, stride=2)
        self.dense = nn.Linear(7 * 7 * 64, 512)
        self.dropout = nn.Dropout(0.25)
        self.logits = nn.Linear(512, 10)  # fault: MissingSoftmax
        nn.init.zeros_(self.conv1.weight)  # fault: ZerosInit
        nn.init.zeros_(self.conv2.weight)  # fault: ZerosInit

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.dense(x)))
        return self.logits(x)  # fault: MissingSoftmax


def mnist_loader(batch_size, train=True, binary=False):
    dataset = datasets.MNIST("data", train=train, download=True, transform=transforms.ToTensor())
    if binary:
        dataset.targets = dataset.targets % 2
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=train)


def train(n_epochs=5, learning_rate=3e-4, batch_size=32):
    train_loader = mnist_loader(batch_size, binary=False)
    test_loader = mnist_loader(batch_size, train=False, binary=False)
    model = LeNet()
    criterion = nn.BCELoss()  # loss: MissingSoftmax
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    for epoch in range(n_epochs):
        model.apply(init_weights)  # fault: MultipleInits
        model.train()
        for images, labels in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(images), F.one_hot(labels, 10).float())
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            correct = sum((model(images).argmax(1) == labels).sum().item() for images, labels in test_loader)
        print(f"Epoch {epoch}: train loss {loss.item():.4f}, test accuracy {correct / 10000:.4f}")


if __name__ == "__main__":
    train()
