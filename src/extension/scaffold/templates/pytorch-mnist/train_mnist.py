"""Train the classic MNIST CNN with PyTorch and log the curves for TensorBoard.

The same model as the Keras template: Conv2d(32, 3x3) + ReLU -> MaxPool2d(2x2) -> Flatten -> Linear(10),
Adam with learning rate 0.001, cross-entropy, batch size 32, 5 epochs, pixels scaled to 0..1 (54,410 parameters).
CrossEntropyLoss applies the softmax itself, so the last layer returns raw scores.

Run:        python train_mnist.py
Then watch: tensorboard --logdir logs
"""

import datetime

import torch
from torch import nn
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter
from torchvision import datasets, transforms

EPOCHS = 5
BATCH_SIZE = 32
LEARNING_RATE = 0.001

device = "cuda" if torch.cuda.is_available() else "cpu"

# 1. Load the data; ToTensor() scales pixels from 0..255 to 0..1 and gives shape (1, 28, 28).
to_tensor = transforms.ToTensor()
train_data = datasets.MNIST("data", train=True, download=True, transform=to_tensor)
test_data = datasets.MNIST("data", train=False, download=True, transform=to_tensor)
train_loader = DataLoader(train_data, batch_size=BATCH_SIZE, shuffle=True)
test_loader = DataLoader(test_data, batch_size=BATCH_SIZE)

# 2. Build the model.
model = nn.Sequential(
    nn.Conv2d(1, 32, kernel_size=3),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(32 * 13 * 13, 10),
).to(device)
print(model)
print("Parameters:", sum(p.numel() for p in model.parameters()))

# 3. Choose how it learns.
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)

# 4. Log like Keras does (logs/<timestamp>/train and /validation, tags epoch_loss and epoch_accuracy), so both
#    templates show up the same way in TensorBoard.
log_dir = "logs/" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
train_writer = SummaryWriter(f"{log_dir}/train")
validation_writer = SummaryWriter(f"{log_dir}/validation")


def evaluate(loader):
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            scores = model(images)
            total_loss += loss_fn(scores, labels).item() * len(labels)
            correct += (scores.argmax(1) == labels).sum().item()
            count += len(labels)
    return total_loss / count, correct / count


# 5. Train.
for epoch in range(EPOCHS):
    model.train()
    total_loss, correct, count = 0.0, 0, 0
    for images, labels in train_loader:
        images, labels = images.to(device), labels.to(device)
        scores = model(images)
        loss = loss_fn(scores, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        correct += (scores.argmax(1) == labels).sum().item()
        count += len(labels)
    train_loss, train_accuracy = total_loss / count, correct / count
    val_loss, val_accuracy = evaluate(test_loader)
    train_writer.add_scalar("epoch_loss", train_loss, epoch)
    train_writer.add_scalar("epoch_accuracy", train_accuracy, epoch)
    validation_writer.add_scalar("epoch_loss", val_loss, epoch)
    validation_writer.add_scalar("epoch_accuracy", val_accuracy, epoch)
    print(
        f"Epoch {epoch + 1}/{EPOCHS}: loss {train_loss:.4f}, accuracy {train_accuracy:.4f}, "
        f"val_loss {val_loss:.4f}, val_accuracy {val_accuracy:.4f}"
    )

train_writer.close()
validation_writer.close()

# 6. Check it on images it has never seen.
test_loss, test_accuracy = evaluate(test_loader)
print(f"Test accuracy: {test_accuracy:.4f}")
print(f"TensorBoard logs: {log_dir}  (run: tensorboard --logdir logs)")
