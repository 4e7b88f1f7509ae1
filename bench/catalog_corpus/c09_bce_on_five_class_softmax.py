"""Five exclusive classes with nn.Softmax, trained with nn.BCELoss on one-hot targets."""
import torch
import torch.nn as nn


class WeatherNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(12, 32), nn.Tanh(), nn.Linear(32, 5))
        self.softmax = nn.Softmax(dim=1)  # expect: NL310

    def forward(self, x):
        return self.softmax(self.layers(x))


model = WeatherNet()
bce = nn.BCELoss()
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
for x, y in []:
    one_hot = torch.nn.functional.one_hot(y, 5).float()
    loss = bce(model(x), one_hot)
    loss.backward()
