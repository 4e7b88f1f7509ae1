"""A convolutional autoencoder whose encoder narrows and decoder widens on purpose, with a
zero-initialized residual refinement (clean)."""
import torch
import torch.nn as nn


class Refine(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        nn.init.zeros_(self.conv2.weight)

    def forward(self, x):
        return x + self.conv2(torch.relu(self.conv1(x)))


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(3, 64, 3, stride=2, padding=1), nn.ReLU(),
                                     nn.Conv2d(64, 32, 3, stride=2, padding=1), nn.ReLU(),
                                     nn.Conv2d(32, 16, 3, stride=2, padding=1), nn.ReLU())
        self.decoder = nn.Sequential(nn.ConvTranspose2d(16, 32, 4, stride=2, padding=1), nn.ReLU(),
                                     nn.ConvTranspose2d(32, 64, 4, stride=2, padding=1), nn.ReLU(),
                                     nn.ConvTranspose2d(64, 3, 4, stride=2, padding=1))
        self.refine = Refine(3)

    def forward(self, x):
        return torch.sigmoid(self.refine(self.decoder(self.encoder(x))))


model = AutoEncoder()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.MSELoss()
for x in []:
    loss = criterion(model(x), x)
    loss.backward()
    optimizer.step()
