"""SO: cats vs dogs, nn.Sigmoid as the last module, BCEWithLogitsLoss on squeezed outputs."""
import torch
import torch.nn as nn


class CatDogNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(16, 32, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(32, 1)
        self.sigmoid = nn.Sigmoid()  # expect: NL307

    def forward(self, x):
        return self.sigmoid(self.fc(self.features(x).view(x.size(0), -1)))


device = "cpu"
model = CatDogNet().to(device)
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for images, labels in []:
    outputs = model(images.to(device))
    loss = criterion(outputs.squeeze(), labels.float())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
