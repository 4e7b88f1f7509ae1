"""SO: "all elements of input should be between 0 and 1" — F.binary_cross_entropy on logits."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Diabetes(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(8, 6)
        self.l2 = nn.Linear(6, 4)
        self.l3 = nn.Linear(4, 1)  # expect: NL308

    def forward(self, x):
        return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))


model = Diabetes()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x_data, y_data = torch.randn(32, 8), torch.rand(32)
for epoch in range(100):
    y_pred = model(x_data).view(-1)
    loss = F.binary_cross_entropy(y_pred, y_data)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
