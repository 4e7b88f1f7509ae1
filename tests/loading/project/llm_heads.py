"""Classes the scan takes for models by their transformers base, while transformers is not
installed here: once imported they are no nn.Modules (their base is a stand-in)."""

from torch import nn
from transformers import PreTrainedModel


class TinyPreTrainedModel(PreTrainedModel):
    """A base class without a forward: netlint cannot tell what it is, and says so."""

    base_model_prefix = "model"


class TinyForCausalLM(TinyPreTrainedModel):
    """A model of its own: one error naming transformers."""

    def __init__(self, config=None):
        super().__init__(config)
        self.lm_head = nn.Linear(16, 32)

    def forward(self, x):
        return self.lm_head(x)
