"""PyTorch translation of NeuraLint's real buggy program 44322611 (sample_buggy_scripts/SO Samples/44322611.py,
neuralint/neuralint; Keras). An AlexNet-like CNN on 224x224 images whose filter counts shrink (224, 55, 13, 13), with a multi-class softmax trained with binary cross-entropy.
Labeled faults (NeuraLint rule -> netlint rule): NonIncreasingFilters -> NL107, WrongLossInputs (binary cross-entropy on a multi-class softmax) -> NL310
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


NUM_CLASSES = 10


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 224, 11, padding=5), nn.ReLU(),  # fault: NonIncreasingFilters
            nn.Dropout(0.2),
            nn.Conv2d(224, 55, 5, padding=2), nn.ReLU(),  # fault: NonIncreasingFilters
            nn.MaxPool2d(2),
            nn.Conv2d(55, 13, 3, padding=1), nn.ReLU(),  # fault: NonIncreasingFilters
            nn.Dropout(0.5),
            nn.Conv2d(13, 13, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(0.2),
            nn.Linear(13 * 56 * 56, 512), nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(512, NUM_CLASSES),
            nn.Softmax(dim=1),  # fault: WrongLossInputs
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def train(model, loader, criterion, optimizer, epochs):
    for epoch in range(epochs):
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs), F.one_hot(targets, NUM_CLASSES).float())
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}")


if __name__ == "__main__":
    x_train, y_train = torch.load("train.pt")
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=32,
                                         shuffle=True)
    model = Net()
    criterion = nn.BCELoss()  # loss: WrongLossInputs
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    train(model, loader, criterion, optimizer, epochs=20)
