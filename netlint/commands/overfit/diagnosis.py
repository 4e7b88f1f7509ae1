"""Why a model did not overfit its batch: the causes netlint can see (frozen or detached
parameters, zero or NaN gradients, an output that ignores the input, a loss at chance level)."""

from __future__ import annotations

import math

from netlint.commands.overfit.outcome import Cause, Gradients, Outcome
from netlint.load.training_mode import set_training

SHOWN_NAMES = 4  # parameter names listed in a cause before "…"


def _names(names) -> str:
    names = list(names)
    shown = ", ".join(names[:SHOWN_NAMES])
    return shown + (f" and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else "")


def diagnose(model, batch, outcome: Outcome, gradients: Gradients) -> list[Cause]:
    parameters = dict(model.named_parameters())
    frozen = [n for n, p in parameters.items() if not p.requires_grad]
    trainable = [n for n, p in parameters.items() if p.requires_grad]
    causes: list[Cause] = []
    if parameters and not trainable:
        causes.append(Cause("frozen", f"every parameter is frozen (requires_grad=False): nothing can learn "
                                      f"({_names(frozen)})", tuple(frozen)))
    elif frozen:
        causes.append(Cause("frozen", f"{len(frozen)} of {len(parameters)} parameters are frozen "
                                      f"(requires_grad=False): {_names(frozen)}", tuple(frozen)))
    backward_ran = bool(gradients.received) or outcome.stopped == "no gradient"
    never = [n for n in trainable if n not in gradients.received]
    if trainable and never and backward_ran:
        whole = "the loss does not depend on any trainable parameter: " if len(never) == len(trainable) else ""
        causes.append(Cause("no-gradient", f"{whole}{len(never)} of {len(trainable)} trainable parameters "
                                           "never received a gradient — the forward detaches them (.detach(), "
                                           f".data, torch.no_grad()) or does not use them: {_names(never)}",
                            tuple(never)))
    zero = [n for n in trainable if n in gradients.received and n not in gradients.nonzero
            and n not in gradients.nonfinite]
    if zero:
        causes.append(Cause("zero-gradient", f"{len(zero)} parameters had a zero gradient at every step "
                                             f"(an input or activation that is always zero, dead ReLUs): "
                                             f"{_names(zero)}", tuple(zero)))
    if gradients.nonfinite:
        first = min(gradients.nonfinite.values())
        causes.append(Cause("non-finite", f"NaN or infinite gradients from step {first}: "
                                          f"{_names(gradients.nonfinite)}", tuple(gradients.nonfinite)))
    if outcome.stopped == "timeout":
        causes.append(Cause("timeout", f"training stopped at --timeout ({outcome.seconds:.0f} s) after "
                                       f"{len(outcome.losses) - 1} steps: raise --timeout, or try a smaller "
                                       "--batch-size or --input-shape"))
    if outcome.stopped == "non-finite loss":
        causes.append(Cause("non-finite", f"the loss became {outcome.losses[-1]} at step {len(outcome.losses) - 1}"))
    if not outcome.passed and _ignores_input(model, batch):
        causes.append(Cause("ignores-input", "the output does not depend on the input: two different inputs give "
                                             "the same output"))
    end = outcome.losses[-1]
    trained = len(outcome.losses) > 1
    if not outcome.passed and trained and batch.chance and math.isfinite(end) and end >= 0.9 * batch.chance:
        from netlint.commands.overfit.batch import describe_chance

        causes.append(Cause("chance-level", f"the loss never got below chance level: it ends at {end:.4g}, and "
                                            f"a prediction that ignores the input reaches {describe_chance(batch)}"))
    return causes


def _ignores_input(model, batch) -> bool:
    """Whether the output (in eval mode) is the same for the batch and for a different one."""
    import torch

    from netlint.commands.overfit.batch import first_tensor

    def changed(t):
        if not isinstance(t, torch.Tensor):
            return t
        if t.is_floating_point():
            return t + torch.randn(t.shape, generator=torch.Generator().manual_seed(1))
        return torch.where(t > 0, t - 1, t + 1)  # every index moved, still in range

    was_training = model.training
    set_training(model, False)
    try:
        with torch.no_grad():
            before = first_tensor(model(*batch.inputs))
            after = first_tensor(model(*[changed(t) for t in batch.inputs]))
        return before.shape == after.shape and bool(torch.allclose(before, after, rtol=1e-5, atol=1e-7))
    except Exception:
        return False
    finally:
        set_training(model, was_training)
