import argparse


class BaseOptions():
    def __init__(self):
        self.parser = argparse.ArgumentParser()
        self.initialized = False

    def initialize(self):
        self.parser.add_argument('--input_nc', type=int, default=3)
        self.parser.add_argument('--output_nc', type=int, default=3)
        self.parser.add_argument('--ngf', type=int, default=8)
        self.parser.add_argument('--skip', type=float, default=0.5)
        self.parser.add_argument('--use_norm', type=float, default=1)
        self.parser.add_argument('--use_attention', action='store_true')
        self.initialized = True

    def parse(self):
        if not self.initialized:
            self.initialize()
        self.opt = self.parser.parse_args()
        return self.opt
