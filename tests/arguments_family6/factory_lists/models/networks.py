import functools

import torch.nn as nn

from .hinted_unet import HintedUnet


def get_norm_layer(norm_type='instance'):
    if norm_type == 'batch':
        return functools.partial(nn.BatchNorm2d, affine=True)
    return functools.partial(nn.InstanceNorm2d, affine=False)


def define_G(input_nc, output_nc, ngf, which_model_netG, opt, norm='instance'):
    norm_layer = get_norm_layer(norm_type=norm)
    hint_list = []
    if which_model_netG == 'hinted_unet':
        netG = HintedUnet(input_nc, output_nc, 3, opt, hint_list, ngf, norm_layer=norm_layer)
    else:
        raise NotImplementedError(which_model_netG)
    return netG, hint_list
