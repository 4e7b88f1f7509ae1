from torch import nn

from trainwrap import WrappedNet


class Regressor(nn.Module):
    def __init__(self, input_dim=20, hidden=10):
        super().__init__()
        self.dense0 = nn.Linear(input_dim, hidden)
        self.output = nn.Linear(hidden, 1)

    def forward(self, X):
        return self.output(nn.functional.relu(self.dense0(X)))


net = WrappedNet(Regressor, max_epochs=10)
