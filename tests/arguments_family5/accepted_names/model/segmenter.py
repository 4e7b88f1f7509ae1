from torch import nn


class NamedSegmenter(nn.Module):
    def __init__(self, encoder_name, num_classes=2):
        super().__init__()
        if encoder_name == "tiny":
            widths = (8, 16)
        elif encoder_name == "small":
            widths = (16, 32)
        else:
            raise ValueError(f"unknown encoder {encoder_name}")
        self.body = nn.Sequential(
            nn.Conv2d(3, widths[0], 3, padding=1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU(),
            nn.Conv2d(widths[0], widths[1], 3, padding=1, bias=False), nn.BatchNorm2d(widths[1]), nn.ReLU())
        self.head = nn.Conv2d(widths[1], num_classes, 1)

    def forward(self, image):
        return self.head(self.body(image))
