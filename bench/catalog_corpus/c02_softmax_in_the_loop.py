"""SO: softmax applied to the logits inside the loop before CrossEntropyLoss."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(4)
        self.fc = nn.Linear(8 * 16, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(F.relu(self.conv(x))), 1))


net = ConvNet()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
for epoch in range(2):
    for inputs, labels in []:
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(F.softmax(outputs, dim=1), labels)  # expect: NL305
        loss.backward()
        optimizer.step()
