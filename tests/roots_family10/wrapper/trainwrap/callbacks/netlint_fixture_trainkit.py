"""The project's adapters for the library it is named after (not installed here)."""

from netlint_fixture_trainkit.callbacks import Callback


class TrainkitCheckpoint(Callback):
    pass
