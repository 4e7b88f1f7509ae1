"""An AC-GAN-like script: the discriminator's Sigmoid + BCELoss is right; the auxiliary
classifier ends in ReLU and is trained with CrossEntropyLoss."""
import torch
import torch.nn as nn


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1), nn.Sigmoid())

    def forward(self, img):
        return self.model(img.view(img.size(0), -1))


class AuxClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 10),
                                   nn.ReLU())  # expect: NL311

    def forward(self, img):
        return self.model(img.view(img.size(0), -1))


adversarial_loss = nn.BCELoss()
auxiliary_loss = nn.CrossEntropyLoss()
netD = Discriminator()
netC = AuxClassifier()
for imgs, labels in []:
    valid = torch.ones(imgs.size(0), 1)
    d_loss = adversarial_loss(netD(imgs), valid)
    c_loss = auxiliary_loss(netC(imgs), labels)
