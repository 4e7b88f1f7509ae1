"""``netlint overfit``: can the model overfit one fixed batch?

"Always overfit one batch first" (Karpathy, *A Recipe for Training Neural Networks*, 2019):
before training on the full data, a model must drive the loss on one fixed batch to almost
nothing; if it cannot, it lacks capacity or the code has a bug. The model is built on the
CPU with real weights and trained with Adam on the same batch every step, no augmentation,
until the loss is ``target_ratio`` of the first (PASS) or the steps run out (FAIL). A FAIL
lists the causes netlint can see: parameters that never received a gradient (frozen or
detached), zero or NaN gradients, an output that does not depend on the input, a loss
that never gets below chance level.
"""
