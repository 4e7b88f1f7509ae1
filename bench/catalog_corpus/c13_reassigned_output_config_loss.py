"""The output reassigned through a view, the loss chosen from a config dict, CrossEntropyLoss
imported by name."""
import torch
from torch import nn
from torch.nn import CrossEntropyLoss

config = {"lr": 0.01, "criterion": CrossEntropyLoss()}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 10)
        self.out = nn.Softmax(1)  # expect: NL305

    def forward(self, x):
        return self.out(self.fc2(torch.relu(self.fc1(x))))


model = Net()
optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"])
for data, target in []:
    output = model(data)
    output = output.view(-1, 10)
    _, predicted = torch.max(output, 1)
    loss = config["criterion"](output, target)
