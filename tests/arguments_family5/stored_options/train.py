import argparse

from models import transfer as net
from models.style_net import Restorer

parser = argparse.ArgumentParser()
parser.add_argument("--start_iter", type=float, default=0)
parser.add_argument("--max_iter", type=int, default=1000)
args = parser.parse_args()

network = net.TransferNet(net.encoder, net.Decoder(8), args.start_iter)
restorer = Restorer(args)  # the parsed options whole: not its defaults as a dict
for i in range(int(args.start_iter), args.max_iter):
    pass
