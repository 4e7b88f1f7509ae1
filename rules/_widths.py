"""What the width heuristics (NL107, NL108) share: whether a model is a plain classifier, the
only kind of model whose widths they judge."""

from __future__ import annotations

from netlint.graph import ModelGraph

# ops that make a model something other than a plain feed-forward stack: residual sums,
# concatenations (dense or inception blocks), up-sampling (a decoder)
_NOT_PLAIN = ("add", "cat", "upsample", "conv_transpose")


def plain_classifier(graph: ModelGraph) -> bool:
    """A classifier whose layers form one feed-forward stack: no residual sum, concatenation or
    up-sampling anywhere (an encoder-decoder narrows its filters on purpose)."""
    return graph.task == "classification" and not any(graph.of_op(*_NOT_PLAIN))


def width_sequence(widths: list[int], shown: int = 8) -> str:
    """``64 → 32 → 16``; a long sequence as its first and last few (``16 → 17 → 18 → … → 51 → 52``)."""
    if len(widths) > shown:
        half = shown // 2
        return " → ".join([*map(str, widths[:half]), "…", *map(str, widths[-half:])])
    return " → ".join(map(str, widths))
