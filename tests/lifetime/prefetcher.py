"""A training module that starts its data prefetcher at import: a non-daemon thread that
keeps a queue full forever, as `python train.py` would want it."""

import queue
import threading
import time

import torch
from torch import nn

batches: queue.Queue = queue.Queue(maxsize=4)


def prefetch_forever():
    while True:
        if not batches.full():
            batches.put(torch.zeros(2, 3, 32, 32))
        time.sleep(0.05)


prefetcher = threading.Thread(target=prefetch_forever, name="prefetcher")
prefetcher.start()


class Denoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 3, 3, padding=1))

    def forward(self, x):
        return x - self.body(x)
