// The New AI Project pytorch-mnist template's train_mnist.py (src/extension/scaffold/templates/pytorch-mnist/):
// the article's model with Keras's defaults, one numbered top-level step per notebook cell (the scaffold's
// notebook.ts splits it there). Its training loop is train_pytorch.py's (./pytorch.ts), written once; the
// checked-in file is this function's text, written by `npx tsx scripts/write-pytorch-template.ts` and kept
// equal by a unit test (test/unit/pythonCode.test.ts).
import { PYTORCH_EVALUATE, pytorchEpochLoop } from './pytorch';

/** Where the template's train_mnist.py is, from the repository's root. */
export const PYTORCH_TEMPLATE_FILE = 'src/extension/scaffold/templates/pytorch-mnist/train_mnist.py';

/** The template's train_mnist.py. */
export function pytorchTemplateScript(): string {
  return `"""Train the classic MNIST CNN with PyTorch and log the curves for TensorBoard.

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


${PYTORCH_EVALUATE}

# 5. Train.
${pytorchEpochLoop({ validation: 'test_loader', scheduler: false })}
train_writer.close()
validation_writer.close()

# 6. Check it on images it has never seen.
test_loss, test_accuracy = evaluate(test_loader)
print(f"Test accuracy: {test_accuracy:.4f}")
print(f"TensorBoard logs: {log_dir}  (run: tensorboard --logdir logs)")
`;
}
