"""SO: "my accuracy is stuck at 60%" — torch.softmax at the end, CrossEntropyLoss in train()."""
import torch


class Classifier(torch.nn.Module):
    def __init__(self, n_features=30, n_classes=4):
        super().__init__()
        self.hidden = torch.nn.Linear(n_features, 64)
        self.output = torch.nn.Linear(64, n_classes)

    def forward(self, x):
        x = torch.relu(self.hidden(x))
        return torch.softmax(self.output(x), -1)  # expect: NL305


def train(model, data, loss_func, optimizer, epochs=20):
    for _ in range(epochs):
        for features, target in data:
            optimizer.zero_grad()
            loss = loss_func(model(features), target)
            loss.backward()
            optimizer.step()


if __name__ == "__main__":
    model = Classifier()
    train(model, [], torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.05))
