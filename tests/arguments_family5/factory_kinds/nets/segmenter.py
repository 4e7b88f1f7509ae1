from torch import nn


class StagedSegmenter(nn.Module):
    """Named by no key of its configuration: its section's keys are its parameters."""

    def __init__(self, in_ch, stage_widths, classes):
        super().__init__()
        layers, previous = [], in_ch
        for width in stage_widths:
            layers += [nn.Conv2d(previous, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
            previous = width
        self.body = nn.Sequential(*layers)
        self.head = nn.Conv2d(previous, classes, 1)

    def forward(self, image):
        return self.head(self.body(image))
