"""Three mistakes: a ReLU missing between two convolutions, hidden dense layers that widen, and
the constructor's init overridden by a weights_init applied in the script."""
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 16, 5, padding=2),  # expect: NL106
            nn.Conv2d(16, 32, 5, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.fc1 = nn.Linear(32 * 14 * 14, 64)  # expect: NL108
        self.fc2 = nn.Linear(64, 256)
        self.fc3 = nn.Linear(256, 10)
        nn.init.xavier_uniform_(self.fc1.weight)  # expect: NL314

    def forward(self, x):
        x = self.conv(x).flatten(1)
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


def weights_init(m):
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, std=0.01)


if __name__ == "__main__":
    model = Net()
    model.apply(weights_init)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for x, y in []:
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
