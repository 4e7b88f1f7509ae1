from netlint_fixture_trainkit import NeuralNet
from netlint_fixture_trainkit.callbacks import Callback


class WrappedNet(NeuralNet):
    callbacks = [Callback]
