"""At import, a watchdog library turns SIGALRM off and the module waits for a server
that never answers."""

import signal
import threading

from torch import nn

signal.signal(signal.SIGALRM, signal.SIG_IGN)
server_ready = threading.Event()
server_ready.wait()


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc(x)
