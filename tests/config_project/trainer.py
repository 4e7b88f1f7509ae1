import torch

from model.networks import Discriminator, Generator


def build(config):
    netG = Generator(config['netG'], config['cuda'], config['gpu_ids'])
    netD = Discriminator(config['netD'], config['cuda'], config['gpu_ids'])
    optimizer = torch.optim.Adam(netG.parameters(), lr=config['lr'])
    return netG, netD, optimizer
