"""How the task was decided, for the rules that judge image-to-image models."""

from __future__ import annotations

from netlint.graph import ModelGraph


def shapeless_task(graph: ModelGraph) -> str:
    """`` (task: …)`` when the task was decided without an output shape (the forward did not
    run): the finding then says what it rests on; empty otherwise."""
    if graph.output_shapes:
        return ""
    return f" ({graph.task_reason})"
