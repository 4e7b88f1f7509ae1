from options.base_options import BaseOptions


class TrainOptions(BaseOptions):
    def initialize(self, parser):
        parser = BaseOptions.initialize(self, parser)
        parser.add_argument("--n_downsampling", type=int, default=2)
        parser.add_argument("--lr", type=float, default=0.0002)
        return parser
