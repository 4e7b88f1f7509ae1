from argparse import ArgumentParser

from model.lit_net import LitNet

if __name__ == "__main__":
    parser = ArgumentParser()
    parser.add_argument("--in_features", type=int, default=20)
    parser = LitNet.add_model_specific_args(parser)
    hparams = parser.parse_args()
    net = LitNet(hparams)
    print(net)
