from torch import nn


class MultiPatchDiscriminator(nn.Module):
    def __init__(self, in_ch, layer_cfg):
        super().__init__()
        widths = [in_ch, *layer_cfg["widths"]]
        layers = []
        for a, b in zip(widths, widths[1:]):
            layers += [nn.Conv2d(a, b, layer_cfg["kernel"], stride=2, padding=1), nn.LeakyReLU(0.2)]
        self.body = nn.Sequential(*layers, nn.Conv2d(widths[-1], 1, 3, padding=1))

    def forward(self, image):
        return self.body(image)
