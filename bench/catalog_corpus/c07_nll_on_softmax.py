"""F.softmax at the end trained with NLLLoss: -p instead of -log p."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 100)
        self.fc2 = nn.Linear(100, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x.view(-1, 784)))
        return F.softmax(self.fc2(x), dim=1)  # expect: NL308


net = Net()
loss_function = nn.NLLLoss()
optim = torch.optim.Adam(net.parameters())
for X, y in []:
    net.zero_grad()
    output = net(X)
    loss = loss_function(output, y)
    loss.backward()
    optim.step()
