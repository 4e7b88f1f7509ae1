import argparse


def make_parser():
    parser = argparse.ArgumentParser(description="evaluation")
    parser.add_argument("--nfc", type=int, default=16)
    return parser
