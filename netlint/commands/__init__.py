"""The subcommands other than ``check``: ``summary`` (the per-layer table) and ``overfit``
(training on one fixed batch), with the loop over the models their paths name."""
