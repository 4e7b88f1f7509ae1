from argparse import ArgumentParser


class TrainOptions:
    def __init__(self):
        self.parser = ArgumentParser()
        self.initialize()

    def initialize(self):
        self.parser.add_argument("--exp_dir", type=str, help="where the run is saved")
        self.parser.add_argument("--encoder_type", default="Gradual", type=str)
        self.parser.add_argument("--input_nc", default=3, type=int)
        self.parser.add_argument("--output_size", default=64, type=int)
        self.parser.add_argument("--width", default=16, type=int)
        self.parser.add_argument("--checkpoint_path", default=None, type=str)
        self.parser.add_argument("--learning_rate", default=1e-4, type=float)

    def parse(self):
        return self.parser.parse_args()
