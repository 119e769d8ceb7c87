// The PyTorch files of "Open as a Python project": the training script, with ChannelsLast before each Flatten
// (./common.ts says why), and load_weights_pytorch.py.
import type { Hyperparameters } from '../hyperparameters';
import { ADAM, RMSPROP, type Architecture, type Layer } from '../model';
import { docHeader, LOAD_NPZ, PANEL_TRAIN_SAMPLES, pythonFloat, shapesComment, shapesOf } from './common';

/** The PyTorch modules of one layer; `inChannels`/`inFeatures` come from the shapes the layer receives. */
function torchLayers(layer: Layer, input: readonly number[]): string[] {
  switch (layer.kind) {
    case 'conv2d': {
      const padding = layer.padding === 'same' ? '"same"' : '0';
      const conv = `nn.Conv2d(${input[2]}, ${layer.filters}, kernel_size=${layer.kernelSize}, padding=${padding})`;
      return layer.activation === 'relu' ? [conv, 'nn.ReLU()'] : [conv];
    }
    case 'maxPooling2d':
      return ['nn.MaxPool2d(2)'];
    case 'dropout':
      return [`nn.Dropout(${pythonFloat(layer.rate)})`];
    case 'flatten':
      // Images are (C, H, W) here; Keras flattens (H, W, C): see ChannelsLast. A Flatten of a vector does nothing.
      return input.length === 3 ? ['ChannelsLast()', 'nn.Flatten()'] : ['nn.Flatten()'];
    case 'dense': {
      const linear = `nn.Linear(${input[0]}, ${layer.units})`;
      // Softmax is part of the loss (CrossEntropyLoss) in training and of predict() when loading.
      return layer.activation === 'relu' ? [linear, 'nn.ReLU()'] : [linear];
    }
  }
}

/** Every non-empty line of `text` moved right by `spaces`. */
const indent = (text: string, spaces: number): string => text.replace(/^(?=.)/gm, ' '.repeat(spaces));

/**
 * The training loop, written once: train_pytorch.py runs it inside main(), the pytorch-mnist template
 * (./pytorchTemplate.ts) at the top level, one cell of its notebook. `evaluate(loader)` gives the loss and accuracy
 * on a loader; it reads `model`, `device` and `loss_fn` from where it is defined.
 */
export const PYTORCH_EVALUATE = `def evaluate(loader):
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
`;

/**
 * The epochs: train on `train_loader`, step `scheduler` after each batch when there is one, evaluate on the
 * loader named `validation`, log epoch_loss and epoch_accuracy as Keras's TensorBoard callback does (to
 * `train_writer` and `validation_writer`) and print the epoch's line as Keras's fit() does.
 */
export function pytorchEpochLoop(o: { validation: string; scheduler: boolean }): string {
  return `for epoch in range(EPOCHS):
    model.train()
    total_loss, correct, count = 0.0, 0, 0
    for images, labels in train_loader:
        images, labels = images.to(device), labels.to(device)
        scores = model(images)
        loss = loss_fn(scores, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
${o.scheduler ? '        scheduler.step()\n' : ''}        total_loss += loss.item() * len(labels)
        correct += (scores.argmax(1) == labels).sum().item()
        count += len(labels)
    train_loss, train_accuracy = total_loss / count, correct / count
    val_loss, val_accuracy = evaluate(${o.validation})
    train_writer.add_scalar("epoch_loss", train_loss, epoch)
    train_writer.add_scalar("epoch_accuracy", train_accuracy, epoch)
    validation_writer.add_scalar("epoch_loss", val_loss, epoch)
    validation_writer.add_scalar("epoch_accuracy", val_accuracy, epoch)
    print(
        f"Epoch {epoch + 1}/{EPOCHS}: loss {train_loss:.4f}, accuracy {train_accuracy:.4f}, "
        f"val_loss {val_loss:.4f}, val_accuracy {val_accuracy:.4f}"
    )
`;
}

/** (b) The PyTorch training script: the same layers (see the file header on ChannelsLast), optimizer and constants. */
export function pytorchTrainingScript(arch: Architecture, h: Hyperparameters): string {
  const report = shapesOf(arch);
  const modules = report.layers.flatMap((l) => torchLayers(l.layer, l.input));
  const moduleLines = modules.map((m) => `        ${m},\n`).join('');
  const optimizer = {
    adam: `torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(${ADAM.beta1}, ${ADAM.beta2}), eps=${pythonFloat(ADAM.epsilon)})`,
    sgd: 'torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)',
    rmsprop: `torch.optim.RMSprop(model.parameters(), lr=LEARNING_RATE, alpha=${RMSPROP.rho}, momentum=${pythonFloat(RMSPROP.momentum)}, eps=${pythonFloat(RMSPROP.epsilon)})`,
  }[h.optimizer];
  const schedule =
    h.schedule === 'cosine'
      ? `
    # Keras's CosineDecay(LEARNING_RATE, decay_steps): a half cosine to 0 over every batch of the run.
    decay_steps = EPOCHS * len(train_loader)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * min(step, decay_steps) / decay_steps))
    )
`
      : '';
  return `${docHeader("Train the panel's model with PyTorch and log the curves for TensorBoard.", arch, h, 'python train_pytorch.py   (then: tensorboard --logdir logs)')}

import datetime
import math

import torch
from torch import nn
from torch.utils.data import DataLoader, Subset
from torch.utils.tensorboard import SummaryWriter
from torchvision import datasets, transforms

EPOCHS = ${h.epochs}
BATCH_SIZE = ${h.batchSize}
LEARNING_RATE = ${pythonFloat(h.learningRate)}


class ChannelsLast(nn.Module):
    """(N, C, H, W) -> (N, H, W, C) before Flatten, so the flattened order is Keras's and weights.npz loads as is."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1)


def build_model():
    """The panel's layers; the last Linear gives raw scores (softmax is in the loss and in predict())."""
    return nn.Sequential(
${moduleLines}    )


def predict(model, images):
    """Class probabilities, as Keras's Dense(10, softmax) gives them."""
    return torch.softmax(model(images), dim=1)


def main():
    device = "cuda" if torch.cuda.is_available() else "cpu"
    to_tensor = transforms.ToTensor()  # pixels / 255, shape (1, 28, 28)
    full_train = datasets.MNIST("data", train=True, download=True, transform=to_tensor)
    test_data = datasets.MNIST("data", train=False, download=True, transform=to_tensor)
    # As Keras's validation_split=1/12: the last 5,000 training images validate, the first ${PANEL_TRAIN_SAMPLES.toLocaleString('en-US')} train.
    train_data = Subset(full_train, range(0, ${PANEL_TRAIN_SAMPLES}))
    validation_data = Subset(full_train, range(${PANEL_TRAIN_SAMPLES}, 60000))
    train_loader = DataLoader(train_data, batch_size=BATCH_SIZE, shuffle=True)
    validation_loader = DataLoader(validation_data, batch_size=1000)
    test_loader = DataLoader(test_data, batch_size=1000)

    model = build_model().to(device)
    print(model)
    print("Parameters:", sum(p.numel() for p in model.parameters()))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = ${optimizer}
${schedule}
    log_dir = "logs/pytorch-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    train_writer = SummaryWriter(f"{log_dir}/train")
    validation_writer = SummaryWriter(f"{log_dir}/validation")

${indent(PYTORCH_EVALUATE, 4)}
${indent(pytorchEpochLoop({ validation: 'validation_loader', scheduler: h.schedule === 'cosine' }), 4)}    train_writer.close()
    validation_writer.close()
    _, test_accuracy = evaluate(test_loader)
    print(f"Test accuracy: {test_accuracy:.4f}")
    torch.save(model.state_dict(), "model_pytorch.pt")
    print("Saved as model_pytorch.pt; TensorBoard logs in", log_dir)


if __name__ == "__main__":
    main()
`;
}

/** (c) load_weights_pytorch.py: builds train_pytorch.py's model and loads weights.npz, transposed. */
export function pytorchLoadWeightsScript(arch: Architecture): string {
  return `"""Load the weights trained in VS Code's AI Onramp training panel into train_pytorch.py's model.

In the panel: "Try it" -> "Save model to a folder..." writes weights.npz. Put it in this folder, then
Run:  python load_weights_pytorch.py            (or: python load_weights_pytorch.py path/to/weights.npz)

weights.npz holds Keras's layout: ${shapesComment(arch)}.
PyTorch's is transposed: a conv kernel (H, W, in, out) becomes Conv2d.weight (out, in, H, W), a dense kernel
(in, out) becomes Linear.weight (out, in); biases stay. The model's ChannelsLast before Flatten keeps Keras's
flatten order, so no other rearranging is needed and the predictions are the panel's.
"""

import sys

import numpy as np

${LOAD_NPZ(arch)}


def to_pytorch(array):
    """One Keras array in PyTorch's layout: HWIO -> OIHW for conv kernels, [in, out] -> [out, in] for dense."""
    if array.ndim == 4:
        return np.ascontiguousarray(array.transpose(3, 2, 0, 1))
    if array.ndim == 2:
        return np.ascontiguousarray(array.T)
    return array


def load_into(model, arrays):
    """Copies the arrays, in order, into the model's Conv2d and Linear layers (weight, then bias)."""
    import torch
    from torch import nn

    layers = [m for m in model if isinstance(m, (nn.Conv2d, nn.Linear))]
    if 2 * len(layers) != len(arrays):
        sys.exit(f"the model has {len(layers)} layers with weights, weights.npz {len(arrays)} arrays")
    with torch.no_grad():
        for i, layer in enumerate(layers):
            kernel, bias = to_pytorch(arrays[2 * i]), arrays[2 * i + 1]
            if tuple(layer.weight.shape) != kernel.shape or tuple(layer.bias.shape) != bias.shape:
                sys.exit(f"{WEIGHT_NAMES[2 * i]}: {kernel.shape} does not fit {tuple(layer.weight.shape)}")
            layer.weight.copy_(torch.from_numpy(kernel))
            layer.bias.copy_(torch.from_numpy(bias))
    return model


def main():
    import torch
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    from train_pytorch import build_model, predict

    model = load_into(build_model(), load_npz_weights(sys.argv[1] if len(sys.argv) > 1 else "weights.npz"))
    model.eval()
    test_data = datasets.MNIST("data", train=False, download=True, transform=transforms.ToTensor())
    correct = 0
    with torch.no_grad():
        for images, labels in DataLoader(test_data, batch_size=1000):
            correct += (predict(model, images).argmax(1) == labels).sum().item()
    print(f"Test accuracy of the model from the training panel: {correct / len(test_data):.4f}")
    torch.save(model.state_dict(), "model_from_panel.pt")
    print("Saved as model_from_panel.pt")


if __name__ == "__main__":
    main()
`;
}
