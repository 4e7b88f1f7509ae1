"""A script that defines its model where it trains it, under ``if __name__ == "__main__":``,
and imports a library that is not installed."""

import argparse

import netlint_fixture_cluster
from torch import nn

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", default=None)
    args = parser.parse_args()
    netlint_fixture_cluster.init(address=args.address)

    class TabularNet(nn.Module):
        def __init__(self, num_units=10):
            super().__init__()
            self.dense0 = nn.Linear(20, num_units)
            self.output = nn.Linear(num_units, 2)

        def forward(self, X):
            return self.output(nn.functional.relu(self.dense0(X)))

    model = TabularNet()
    netlint_fixture_cluster.fit(model)
