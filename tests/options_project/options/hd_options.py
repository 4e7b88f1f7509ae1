import argparse
import os


class HDOptions:
    def __init__(self):
        self.parser = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
        self.initialized = False

    def initialize(self):
        self.parser.add_argument("--n_local_enhancers", type=int, default=1)
        self.parser.add_argument("--ngf_local", type=int, default=8)
        self.parser.add_argument("--checkpoints_dir", type=str, default="./checkpoints")
        self.initialized = True

    def parse(self, save=True):
        if not self.initialized:
            self.initialize()
        self.opt = self.parser.parse_args()
        os.makedirs(self.opt.checkpoints_dir, exist_ok=True)
        if save:
            with open(os.path.join(self.opt.checkpoints_dir, "opt.txt"), "w") as out:
                out.write(str(vars(self.opt)))
        return self.opt
