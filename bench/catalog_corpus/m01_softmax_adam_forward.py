"""Three mistakes in one script: softmax into CrossEntropyLoss, Adam with weight decay,
model.forward in the test loop."""
import torch
import torch.nn as nn


class SentimentNet(nn.Module):
    def __init__(self, vocab=5000, dim=64):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab, dim)
        self.fc = nn.Linear(dim, 2)
        self.act = nn.Softmax(dim=-1)  # expect: NL305

    def forward(self, text):
        return self.act(self.fc(self.embedding(text)))


model = SentimentNet()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-5)  # expect: NL502
for text, label in []:
    optimizer.zero_grad()
    predicted = model(text)
    loss = criterion(predicted, label)
    loss.backward()
    optimizer.step()
with torch.no_grad():
    for text, label in []:
        accuracy = (model.forward(text).argmax(1) == label).float().mean()  # expect: NL312
