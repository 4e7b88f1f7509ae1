import argparse


def get_parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--latent_dim", type=int, default=48)
    parser.add_argument("--img_channels", type=int, default=3)
    parser.add_argument("--data_root", required=True)
    return parser
