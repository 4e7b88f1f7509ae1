"""A multi-label tagger: torch.sigmoid in forward and BCEWithLogitsLoss; predictions with
model.forward."""
import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, features=300, tags=20):
        super().__init__()
        self.hidden = nn.Linear(features, 128)
        self.dropout = nn.Dropout(0.3)
        self.tags = nn.Linear(128, tags)

    def forward(self, x):
        x = self.dropout(torch.relu(self.hidden(x)))
        return torch.sigmoid(self.tags(x))  # expect: NL307


def fit(model, batches, epochs=5):
    loss_fn = nn.BCEWithLogitsLoss()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    for _ in range(epochs):
        for x, y in batches:
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()


def predict(model, x):
    return model.forward(x) > 0.5  # expect: NL312


if __name__ == "__main__":
    tagger = Tagger()
    fit(tagger, [])
    predict(tagger, torch.randn(2, 300))
