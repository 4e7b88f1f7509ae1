"""Clean for the loss rules: logits into CrossEntropyLoss, AdamW with weight decay, net(x) everywhere;
the decay also reaches the BatchNorm's scale and shift and the biases (NL503's note)."""
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                                      nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(16, 100)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


net = Net()
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.05)  # expect: NL503
for inputs, targets in []:
    loss = criterion(net(inputs), targets)
    probabilities = torch.softmax(net(inputs), dim=1)
