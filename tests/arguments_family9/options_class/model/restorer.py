import torch
import torch.nn as nn


class Body(nn.Module):
    def __init__(self, para):
        super().__init__()
        self.blocks = nn.Sequential(*[nn.Sequential(nn.Conv2d(para.n_features, para.n_features, 3, padding=1),
                                                    nn.ReLU()) for _ in range(para.n_blocks)])

    def forward(self, x):
        return self.blocks(x)


class Restorer(nn.Module):
    """Reads its options in a block it builds."""

    def __init__(self, para):
        super().__init__()
        self.head = nn.Conv2d(3, para.n_features, 3, padding=1)
        self.body = Body(para)
        self.tail = nn.Conv2d(para.n_features, 3, 3, padding=1)

    def forward(self, x):
        return self.tail(self.body(self.head(x)))


class SingleFrame(nn.Module):
    """Asserts the options the project runs it with: no neighbouring frames."""

    def __init__(self, para=None):
        super().__init__()
        assert para.future_frames == 0 and para.past_frames == 0, "single frame only"
        self.conv = nn.Conv2d(3 * (1 + para.future_frames + para.past_frames), para.n_features, 3, padding=1)
        self.out = nn.Conv2d(para.n_features, 3, 3, padding=1)

    def forward(self, x):
        return self.out(torch.relu(self.conv(x)))


class Keeper(nn.Module):
    """Only keeps its options for the forward."""

    def __init__(self, para):
        super().__init__()
        self.para = para
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        return self.conv(x)
