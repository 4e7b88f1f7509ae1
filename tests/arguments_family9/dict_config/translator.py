import torch.nn as nn


class Translator(nn.Module):
    """A nested config dict (``opt['network_G']['nf']``) no file gives: its keys guessed."""

    def __init__(self, opt):
        super().__init__()
        net = opt["network_G"]
        self.head = nn.Conv2d(net["in_nc"], net["nf"], 3, padding=1)
        self.body = nn.Sequential(*[nn.Sequential(nn.Conv2d(net["nf"], net["nf"], 3, padding=1), nn.ReLU())
                                    for _ in range(net["nb"])])
        self.tail = nn.Conv2d(net["nf"], net["out_nc"], 3, padding=1)

    def forward(self, x):
        return self.tail(self.body(self.head(x)))


class Segmenter(nn.Module):
    """yacs-style attributes of sections (``cfg.MODEL.NUM_CLASSES``)."""

    def __init__(self, cfg):
        super().__init__()
        width = cfg.MODEL.WIDTH
        self.features = nn.Sequential(nn.Conv2d(cfg.INPUT.CHANNELS, width, 3, padding=1), nn.ReLU(),
                                      nn.Conv2d(width, width, 3, padding=1), nn.ReLU())
        self.classifier = nn.Conv2d(width, cfg.MODEL.NUM_CLASSES, 1)

    def forward(self, x):
        return self.classifier(self.features(x))
