"""PyTorch translation of NeuraLint's synthetic program TF_lenet_dropout_before_batchnorm (sample_buggy_scripts/Synthetic Samples/TF_lenet_dropout_before_batchnorm.py,
neuralint/neuralint): dropout after each pooling and after the hidden dense layer, each read by a batch normalization.
Labeled faults (NeuraLint rule -> netlint rule): DropoutBeforeBatchnorm -> NL203
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import datasets, transforms


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=5, padding=2, bias=False)
        self.pool1 = nn.MaxPool2d(2, stride=2)
        self.reg_conv1 = nn.Dropout(0.35)  # fault: DropoutBeforeBatchnorm
        self.conv1_norm = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=5, padding=2, bias=False)
        self.pool2 = nn.MaxPool2d(2, stride=2)
        self.reg_conv2 = nn.Dropout(0.3)  # fault: DropoutBeforeBatchnorm
        self.conv2_norm = nn.BatchNorm2d(64)
        self.dense = nn.Linear(7 * 7 * 64, 512, bias=False)
        self.dense_reg = nn.Dropout(0.25)  # fault: DropoutBeforeBatchnorm
        self.dense_norm = nn.BatchNorm1d(512)
        self.logits = nn.Linear(512, 10)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.conv1_norm(self.reg_conv1(x))  # fault: DropoutBeforeBatchnorm
        x = self.pool2(F.relu(self.conv2(x)))
        x = self.conv2_norm(self.reg_conv2(x))  # fault: DropoutBeforeBatchnorm
        x = torch.flatten(x, 1)
        x = self.dense_norm(self.dense_reg(F.relu(self.dense(x))))  # fault: DropoutBeforeBatchnorm
        return self.logits(x)


def mnist_loader(batch_size, train=True, binary=False):
    dataset = datasets.MNIST("data", train=train, download=True, transform=transforms.ToTensor())
    if binary:
        dataset.targets = dataset.targets % 2
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=train)


def train(n_epochs=5, learning_rate=3e-4, batch_size=32):
    train_loader = mnist_loader(batch_size, binary=False)
    test_loader = mnist_loader(batch_size, train=False, binary=False)
    model = LeNet()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    for epoch in range(n_epochs):
        model.train()
        for images, labels in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            correct = sum((model(images).argmax(1) == labels).sum().item() for images, labels in test_loader)
        print(f"Epoch {epoch}: train loss {loss.item():.4f}, test accuracy {correct / 10000:.4f}")


if __name__ == "__main__":
    train()
