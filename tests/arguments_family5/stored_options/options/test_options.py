from argparse import ArgumentParser


class TestOptions:
    """What the test scripts take; the rest comes from the checkpoint's saved options."""

    def __init__(self):
        self.parser = ArgumentParser()
        self.parser.add_argument("--exp_dir", type=str)
        self.parser.add_argument("--checkpoint_path", default=None, type=str)
        self.parser.add_argument("--test_batch_size", default=2, type=int)

    def parse(self):
        return self.parser.parse_args()
