import argparse


class BaseOptions:
    def __init__(self):
        self.initialized = False

    def initialize(self, parser):
        parser.add_argument("--input_nc", type=int, default=3)
        parser.add_argument("--output_nc", type=int, default=3)
        parser.add_argument("--ngf", type=int, default=16)
        parser.add_argument("--norm", type=str, default="instance")
        self.initialized = True
        return parser

    def parse(self):
        parser = self.initialize(argparse.ArgumentParser())
        self.opt = parser.parse_args()
        return self.opt
