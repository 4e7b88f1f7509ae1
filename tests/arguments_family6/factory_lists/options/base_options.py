import argparse


class BaseOptions:
    def __init__(self):
        self.initialized = False

    def initialize(self, parser):
        parser.add_argument('--ngf', type=int, default=8)
        parser.add_argument('--hint_strength', type=float, default=0.5)
        parser.add_argument('--which_model_netG', default='hinted_unet')
        parser.add_argument('--gpu_ids', default='0')
        self.initialized = True
        return parser

    def parse(self):
        parser = self.initialize(argparse.ArgumentParser())
        opt = parser.parse_args()
        str_ids = opt.gpu_ids.split(',')
        opt.gpu_ids = []
        for str_id in str_ids:
            if int(str_id) >= 0:
                opt.gpu_ids.append(int(str_id))
        return opt
