import torch
import torchvision.models as tvm
from torch import nn
from torchvision import datasets

from classify import Classifier, Decoder, StyleNet

dataset = datasets.ImageFolder('data/train')
trunk = tvm.resnet18()
model = Classifier(nn.Sequential(*list(trunk.children())[:-2]), num_classes=len(dataset.classes))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

vgg = tvm.vgg11()
network = StyleNet(nn.Sequential(*list(vgg.features.children())[:3]), Decoder(64))
network.train()
