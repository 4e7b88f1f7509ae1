import torch

from glow import Glow

model = Glow(3, 2, 2)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
