from options.base_options import BaseOptions
from models.networks import define_G

opt = BaseOptions().parse()
netG, hints = define_G(3, 3, opt.ngf, opt.which_model_netG, opt)
