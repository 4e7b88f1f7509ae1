from torch import nn


class TokenClassifier(nn.Module):
    """A transformer classifier sized by a configuration function of the project (ml_collections)."""

    def __init__(self, config, num_classes=10, patch=8):
        super().__init__()
        hidden = config.hidden_size
        self.embed = nn.Conv2d(3, hidden, patch, stride=patch)
        layer = nn.TransformerEncoderLayer(hidden, config.transformer["num_heads"], 2 * hidden, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, config.transformer["num_layers"])
        self.norm = nn.LayerNorm(hidden)
        self.head = nn.Linear(hidden, num_classes)

    def forward(self, x):
        tokens = self.embed(x).flatten(2).transpose(1, 2)
        return self.head(self.norm(self.encoder(tokens)).mean(1))
