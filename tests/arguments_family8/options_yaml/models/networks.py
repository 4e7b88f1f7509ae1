import models.archs.night_arch as night_arch


def define_G(opt):
    opt_net = opt['network_G']
    which_model = opt_net['which_model_G']
    if which_model == 'night_enhancer':
        return night_arch.night_enhancer(nf=opt_net['nf'], front_blocks=opt_net['front_blocks'],
                                         HR_in=opt_net['HR_in'])
    raise NotImplementedError(which_model)
