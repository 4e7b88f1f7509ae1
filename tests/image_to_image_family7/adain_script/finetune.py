import torch

from restorer import Denoiser

restorer = Denoiser()
restorer.loss_net.load_state_dict(torch.load("weights/vgg16-397923af.pth"), strict=False)
