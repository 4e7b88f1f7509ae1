import argparse


def get_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nfc", type=int, default=16)
    parser.add_argument("--ker_size", type=int, default=3)
    parser.add_argument("--num_layer", type=int, default=3)
    return parser
