from torch import nn


class HeadMixer(nn.Module):
    """Self-attention over the pixels of a feature map, sized by a configuration function."""

    def __init__(self, params):
        super().__init__()
        width = params.mixer.width
        self.embed = nn.Conv2d(3, width, 4, stride=4)
        self.attention = nn.MultiheadAttention(width, params.mixer.heads, batch_first=True)
        self.out = nn.Conv2d(width, 3, 1)

    def forward(self, x):
        features = self.embed(x)
        n, c, h, w = features.shape
        tokens = features.flatten(2).transpose(1, 2)
        mixed, _ = self.attention(tokens, tokens, tokens)
        return self.out(mixed.transpose(1, 2).reshape(n, c, h, w))
