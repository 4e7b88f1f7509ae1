from .fused_act import FusedLeakyReLU, fused_leaky_relu
