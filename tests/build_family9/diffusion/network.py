"""The diffusion training wrapper: it builds the U-Net from a config and its forward is the loss."""
import torch
from torch import nn

from unet import UNet


class Network(nn.Module):
    def __init__(self, unet, beta_schedule):
        super().__init__()
        self.denoise_fn = UNet(**unet)
        self.beta_schedule = beta_schedule
        self.loss_fn = None

    def set_loss(self, loss_fn):
        self.loss_fn = loss_fn

    def forward(self, y_0, y_cond):
        gammas = torch.rand(y_0.shape[0], 1, device=y_0.device)
        noise = torch.randn_like(y_0)
        y_noisy = gammas.sqrt().view(-1, 1, 1, 1) * y_0 + (1 - gammas).sqrt().view(-1, 1, 1, 1) * noise
        noise_hat = self.denoise_fn(torch.cat([y_cond, y_noisy], dim=1), gammas)
        loss = self.loss_fn(noise, noise_hat)
        return loss
