import argparse

import torch

import net

parser = argparse.ArgumentParser()
parser.add_argument("--vgg", type=str, default="weights/vgg_normalised.pth")
parser.add_argument("--decoder", type=str, default="weights/decoder_iter_80000.pth")
args = parser.parse_args()

decoder = net.decoder
vgg = net.vgg
vgg.load_state_dict(torch.load(args.vgg))
decoder.load_state_dict(torch.load(args.decoder))
network = net.StyleNet(vgg, decoder)
