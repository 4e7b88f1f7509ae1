"""Three mistakes in one script: weights filled with a constant, dropout before max-pooling, and
SGD's weight decay over a BatchNorm network's norms and biases."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 5, padding=2)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 5, padding=2)
        self.drop = nn.Dropout(0.3)  # expect: NL204
        self.fc1 = nn.Linear(64 * 8 * 8, 100)
        self.fc2 = nn.Linear(100, 10)
        self.conv2.weight.data.fill_(0.05)  # expect: NL313

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(self.drop(F.relu(self.conv2(x))), 2)
        x = F.relu(self.fc1(x.view(-1, 64 * 8 * 8)))
        return self.fc2(x)


net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)  # expect: NL503
for inputs, labels in []:
    optimizer.zero_grad()
    loss = criterion(net(inputs), labels)
    loss.backward()
    optimizer.step()
