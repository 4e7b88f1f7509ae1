from __future__ import annotations

from collections.abc import Iterator

from netlint.fix.changes import Applicability, Autofix, Call, SetArgument
from netlint.graph import ModelGraph, Site
from netlint.rule import Finding, Rule

_NORMS = ("batch_norm", "group_norm", "layer_norm", "instance_norm")


class WeightDecayOnNormAndBias(Rule):
    """Weight decay applied to normalization and bias parameters.

    ## What it does
    Reads the training code that goes with the model (with ``ast``: the optimizers given the
    model's ``.parameters()``) and notes an optimizer built with a non-zero ``weight_decay``
    over all the parameters in one group — ``SGD(model.parameters(), lr=0.1,
    weight_decay=5e-4)`` — when the model has normalization layers with learnable scale and
    shift. It names how many of the decayed parameters are norm weights and biases. Left alone:
    parameter groups (a list of dicts, which is how they are excluded), a decay of 0, and
    ``Adam`` (NL502 says to use ``AdamW`` first).

    ## Why is this bad?
    Weight decay regularizes by shrinking weights that multiply inputs. A BatchNorm/LayerNorm
    scale and shift, and biases, do not: the layer before a norm is scale-invariant, so
    decaying the norm's scale only changes the effective learning rate, and pulling biases
    and shifts towards zero constrains the function without reducing its capacity. The
    common recipe since Goyal et al. (and in timm, torchvision's references, Hugging Face's
    trainers) applies the decay to convolution and linear weights only; doing otherwise costs
    accuracy, most in small models and long schedules.

    ## Example
    ```python
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    ```

    ## Use instead
    ```python
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]  # norms and biases
    optimizer = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4},
                                 {"params": no_decay, "weight_decay": 0.0}], lr=0.1, momentum=0.9)
    ```

    ## Fix
    Gives an optimizer built on ``model.parameters()`` two groups instead: the parameters of
    more than one dimension (weights of convolutions and linear layers) with the optimizer's
    decay, those of one (norm weights and shifts, biases) with ``weight_decay=0.0``. Unsafe:
    it changes what the training does.

    ## References
    - Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour", 2017, §5.1
      (no weight decay on BatchNorm's γ and β).
    - He et al., "Bag of Tricks for Image Classification with Convolutional Neural Networks",
      CVPR 2019, §3.1 (no bias decay).
    - torchvision's classification reference, ``--norm-weight-decay``; torch-audit TA403.
    """

    code = "NL503"
    name = "weight-decay-on-norm-and-bias"
    severity = "note"
    needs = frozenset({"modules"})

    def check(self, graph: ModelGraph) -> Iterator[Finding]:
        training = graph.training
        if not training or graph.model is None:
            return
        trainable = {layer.name: [f"{layer.name}.{name}" for name, p in layer.module.named_parameters()
                                  if p.requires_grad]
                     for layer in graph.of_op(*_NORMS) if layer.module is not None}
        norms = [layer for layer in graph.of_op(*_NORMS) if trainable.get(layer.name)]
        if not norms:
            return
        norm_params = {name for names in trainable.values() for name in names}
        biases = {name for name, p in graph.model.named_parameters()
                  if name.endswith("bias") and p.requires_grad and name not in norm_params}
        for optimizer in training.optimizers:
            if optimizer.groups or not optimizer.weight_decay or optimizer.kind == "Adam":
                continue
            yield self.finding(  # about the norm layers it decays, reported at the optimizer's line
                graph, norms[0],
                f"{optimizer.kind} applies weight_decay={optimizer.weight_decay:g} to all "
                f"{graph.model.__class__.__name__}'s "
                f"parameters, among them {len(norm_params)} normalization weights and shifts and {len(biases)} other "
                f"bias{'es' if len(biases) != 1 else ''} that decay does not regularize",
                "build the optimizer with two parameter groups: the weights of convolutions and linear layers "
                "with weight_decay, the rest (parameters with p.ndim <= 1: norms and biases) with weight_decay=0",
                site=Site(optimizer.path, optimizer.line, optimizer.column, optimizer.line),
                covers=norms, autofix=_grouped(optimizer),
            )


def _grouped(optimizer) -> Autofix:
    """Give the optimizer two parameter groups: no decay for parameters of one dimension."""
    if not optimizer.parameters_of:
        return Autofix.none("the optimizer is not given `model.parameters()` itself")
    model = optimizer.parameters_of
    groups = (f'[{{"params": [p for p in {model}.parameters() if p.ndim > 1]}}, '
              f'{{"params": [p for p in {model}.parameters() if p.ndim <= 1], "weight_decay": 0.0}}]')
    site = Site(optimizer.path, optimizer.line, optimizer.column, optimizer.end_line or optimizer.line)
    call = Call(site, optimizer.kind, ("params",))
    return Autofix.of(Applicability.UNSAFE, SetArgument(call, "params", groups, ""))

