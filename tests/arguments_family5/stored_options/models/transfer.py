from torch import nn

encoder = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU())


class Decoder(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.body = nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(width, 3, 3, padding=1))

    def forward(self, x):
        return self.body(x)


class TransferNet(nn.Module):
    def __init__(self, encoder, decoder, start_iter):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.start_iter = start_iter
        for parameter in self.encoder.parameters():
            parameter.requires_grad = False

    def forward(self, content):
        return self.decoder(self.encoder(content))
