def define_G(opt):
    opt_net = opt["netG"]
    net_type = opt_net["net_type"]
    if net_type == "tinyswin":
        from srlib.archs.window_arch import TinyWindowNet as net
        netG = net(**{k: v for k, v in opt_net.items() if k != "net_type"})
    else:
        raise NotImplementedError(net_type)
    return netG
