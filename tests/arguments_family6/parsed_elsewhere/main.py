import torch

import utils
from nets import Regressor

args = utils.parse_command()


def main():
    global args
    if args.epochs > 100:
        checkpoint = torch.load('last.pth')
        args = checkpoint['args']
        model = checkpoint['model']
    else:
        loader = make_loader(args)
        model = Regressor(3, head=args.head, output_size=loader.dataset.output_size, in_channels=len('rgb'))
    return model


def make_loader(options):
    raise NotImplementedError
