import argparse


class Settings:
    """The project's options: a class that makes and parses its parser."""

    def __init__(self):
        self.args = self.read_args()

    def read_args(self):
        self.parser = argparse.ArgumentParser(description="video restoration")
        self.parser.add_argument("--n_features", type=int, default=8)
        self.parser.add_argument("--n_blocks", type=int, default=2)
        self.parser.add_argument("--future_frames", type=int, default=2)
        self.parser.add_argument("--past_frames", type=int, default=2)
        self.parser.add_argument("--save_dir", type=str, default="./runs/")
        args, _ = self.parser.parse_known_args()
        args.normalize = True
        return args
