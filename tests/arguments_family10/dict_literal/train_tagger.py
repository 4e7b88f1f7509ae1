import torch

from tagger import SequenceTagger

config = {'vocab_size': 500, 'embed_dim': 32, 'hidden': 48, 'num_tags': 9}

if __name__ == '__main__':
    model = SequenceTagger(config)
    optimizer = torch.optim.Adam(model.parameters())
