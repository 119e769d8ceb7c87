/**
 * The Python code of an architecture (./model.ts) and the panel's hyperparameters, written once: the layer
 * lines the panel's Keras code view shows, and the files "Open as a Python project" writes (a Keras training
 * script, a PyTorch training script with the same layers, optimizer and constants, and a load_weights script
 * for each that reads the panel's weights.npz). Pure text generation: the page and the host both import it.
 *
 * Layout across the two frameworks. Keras holds images HWC, conv kernels HWIO and dense kernels [in, out];
 * PyTorch holds images CHW, conv weights OIHW and linear weights [out, in]. Keras's Flatten reads an image in
 * HWC order, PyTorch's in CHW order, so the first dense kernel after a Flatten would see its inputs permuted.
 * The PyTorch model here puts `ChannelsLast` (a permute to NHWC) right before each Flatten, so the flattened
 * vector is in Keras's order; loading weights is then a plain transpose of every array (conv HWIO → OIHW,
 * dense [in, out] → [out, in]), the same rule for every layer and every architecture, and a model trained in
 * PyTorch saves back to Keras's layout by the inverse transposes. (The other way, permuting the rows of the
 * first dense kernel when loading, needs the image shape at that Flatten in the loader and breaks as soon as
 * the architecture changes.)
 */
import { INPUT_SHAPE, inferShapes } from './architecture';
import type { Hyperparameters, OptimizerName } from './hyperparameters';
import { ADAM, type Architecture, type Layer, RMSPROP } from './model';

/** The images the panel trains on per epoch: it holds out the last 5,000 of 60,000 for validation. */
export const PANEL_TRAIN_SAMPLES = 55_000;

/** Python's spelling of a float as a learner would type it (0.003, 1e-05, 1.0). */
export function pythonFloat(v: number): string {
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

export const KERAS_OPTIMIZER_CLASSES: Readonly<Record<OptimizerName, string>> = Object.freeze({
  adam: 'Adam',
  sgd: 'SGD',
  rmsprop: 'RMSprop',
});

/**
 * One layer as Keras's Sequential list writes it (`layers.Conv2D(32, (3, 3), activation="relu")`);
 * `inputShape` adds Keras 2's `input_shape=(28, 28, 1)` (the panel's code view names it on the first layer).
 */
export function kerasLayer(layer: Layer, inputShape = false): string {
  const input = inputShape ? `,\n                  input_shape=(${INPUT_SHAPE.join(', ')})` : '';
  switch (layer.kind) {
    case 'conv2d': {
      const k = layer.kernelSize;
      const padding = layer.padding === 'valid' ? '' : `, padding="${layer.padding}"`;
      return `layers.Conv2D(${layer.filters}, (${k}, ${k}), activation="${layer.activation}"${padding}${input})`;
    }
    case 'maxPooling2d':
      return `layers.MaxPooling2D((${layer.poolSize}, ${layer.poolSize})${input})`;
    case 'dropout':
      return `layers.Dropout(${pythonFloat(layer.rate)}${input})`;
    case 'flatten':
      return `layers.Flatten(${input.replace(/^,/, '')})`;
    case 'dense':
      return `layers.Dense(${layer.units}, activation="${layer.activation}"${input})`;
  }
}

/**
 * The names of the arrays in weights.npz, in `get_weights()` order: `<layer>_kernel`, `<layer>_bias` with
 * Keras's default layer names (conv2d, conv2d_1, …, dense, dense_1, …). The article's model gives
 * conv2d_kernel, conv2d_bias, dense_kernel, dense_bias, as the Keras template's load_weights.py reads them.
 */
export function npzWeightNames(arch: Architecture): string[] {
  const seen: Record<string, number> = {};
  const names: string[] = [];
  for (const layer of arch.layers) {
    if (layer.kind !== 'conv2d' && layer.kind !== 'dense') continue;
    const base = layer.kind === 'conv2d' ? 'conv2d' : 'dense';
    const n = seen[base] ?? 0;
    seen[base] = n + 1;
    const name = n === 0 ? base : `${base}_${n}`;
    names.push(`${name}_kernel`, `${name}_bias`);
  }
  return names;
}

/** One line a layer, as the docstrings list them: "Conv2D(32, 3x3, relu) -> MaxPooling2D(2x2) -> …". */
export function architectureLine(arch: Architecture): string {
  return arch.layers
    .map((l) => {
      switch (l.kind) {
        case 'conv2d':
          return `Conv2D(${l.filters}, ${l.kernelSize}x${l.kernelSize}, ${l.padding}, ${l.activation})`;
        case 'maxPooling2d':
          return 'MaxPooling2D(2x2)';
        case 'dropout':
          return `Dropout(${pythonFloat(l.rate)})`;
        case 'flatten':
          return 'Flatten';
        case 'dense':
          return `Dense(${l.units}, ${l.activation})`;
      }
    })
    .join(' -> ');
}

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

export class ArchitectureNotComplete extends Error {}

function shapesOf(arch: Architecture) {
  const report = inferShapes(arch);
  if (!report.complete) throw new ArchitectureNotComplete('the architecture does not fit its input');
  return report;
}

function docHeader(title: string, arch: Architecture, h: Hyperparameters, run: string): string {
  const parameters = shapesOf(arch).totalParameters.toLocaleString('en-US');
  return `"""${title}

Model (from AI Onramp's training panel), ${parameters} parameters:
  ${architectureLine(arch).split(' -> ').join(' ->\n  ')}
${h.optimizer === 'adam' ? 'Adam' : h.optimizer === 'sgd' ? 'SGD' : 'RMSprop'}, learning rate ${pythonFloat(h.learningRate)}${h.schedule === 'cosine' ? ' decaying along a cosine to 0' : ''}, batch size ${h.batchSize}, ${h.epochs} epochs,
pixels / 255, the last 5,000 training images held out for validation, as the panel trains it.

Run: ${run}
"""`;
}

/** (a) The Keras training script: `build_model()` (imported by load_weights_keras.py) and a main(). */
export function kerasTrainingScript(arch: Architecture, h: Hyperparameters): string {
  const layerLines = arch.layers.map((l) => `            ${kerasLayer(l)},\n`).join('');
  const optimizer = {
    adam: `keras.optimizers.Adam(learning_rate, beta_1=${ADAM.beta1}, beta_2=${ADAM.beta2}, epsilon=${pythonFloat(ADAM.epsilon)})`,
    sgd: 'keras.optimizers.SGD(learning_rate)',
    rmsprop: `keras.optimizers.RMSprop(learning_rate, rho=${RMSPROP.rho}, momentum=${pythonFloat(RMSPROP.momentum)}, epsilon=${pythonFloat(RMSPROP.epsilon)})`,
  }[h.optimizer];
  const lr =
    h.schedule === 'cosine'
      ? 'keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=EPOCHS * batches_per_epoch)'
      : 'LEARNING_RATE';
  return `${docHeader("Train the panel's model with Keras and log the curves for TensorBoard.", arch, h, 'python train_keras.py   (then: tensorboard --logdir logs)')}

import datetime
import math

from tensorflow import keras
from tensorflow.keras import layers

EPOCHS = ${h.epochs}
BATCH_SIZE = ${h.batchSize}
LEARNING_RATE = ${pythonFloat(h.learningRate)}


def build_model():
    """The panel's layers, input 28x28x1, output Dense(10, softmax)."""
    return keras.Sequential(
        [
            keras.Input(shape=(${INPUT_SHAPE.join(', ')})),
${layerLines}        ]
    )


def main():
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = (x_train / 255.0)[..., None]
    x_test = (x_test / 255.0)[..., None]

    model = build_model()
    model.summary()
    # validation_split=1/12 holds out the last 5,000 images; an epoch trains ${PANEL_TRAIN_SAMPLES.toLocaleString('en-US')}.
    batches_per_epoch = math.ceil(${PANEL_TRAIN_SAMPLES} / BATCH_SIZE)
    learning_rate = ${lr}
    model.compile(
        optimizer=${optimizer},
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    log_dir = "logs/keras-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    model.fit(
        x_train,
        y_train,
        epochs=EPOCHS,
        batch_size=BATCH_SIZE,
        validation_split=1 / 12,
        callbacks=[keras.callbacks.TensorBoard(log_dir=log_dir)],
    )
    _, test_accuracy = model.evaluate(x_test, y_test, verbose=2)
    print(f"Test accuracy: {test_accuracy:.4f}")
    model.save("model_keras.keras")
    print("Saved as model_keras.keras; TensorBoard logs in", log_dir)


if __name__ == "__main__":
    main()
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
      : `
    scheduler = None
`;
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
            if scheduler is not None:
                scheduler.step()
            total_loss += loss.item() * len(labels)
            correct += (scores.argmax(1) == labels).sum().item()
            count += len(labels)
        train_loss, train_accuracy = total_loss / count, correct / count
        val_loss, val_accuracy = evaluate(validation_loader)
        for writer, loss_value, accuracy in (
            (train_writer, train_loss, train_accuracy),
            (validation_writer, val_loss, val_accuracy),
        ):
            writer.add_scalar("epoch_loss", loss_value, epoch)
            writer.add_scalar("epoch_accuracy", accuracy, epoch)
        print(
            f"Epoch {epoch + 1}/{EPOCHS}: loss {train_loss:.4f}, accuracy {train_accuracy:.4f}, "
            f"val_loss {val_loss:.4f}, val_accuracy {val_accuracy:.4f}"
        )
    train_writer.close()
    validation_writer.close()
    _, test_accuracy = evaluate(test_loader)
    print(f"Test accuracy: {test_accuracy:.4f}")
    torch.save(model.state_dict(), "model_pytorch.pt")
    print("Saved as model_pytorch.pt; TensorBoard logs in", log_dir)


if __name__ == "__main__":
    main()
`;
}

function namesTuple(arch: Architecture): string {
  return `(\n${npzWeightNames(arch)
    .map((n) => `    "${n}",\n`)
    .join('')})`;
}

function shapesComment(arch: Architecture): string {
  const names = npzWeightNames(arch);
  return shapesOf(arch)
    .weightShapes.map((s, i) => `${names[i]} (${s.join(', ')}${s.length === 1 ? ',' : ''})`)
    .join(', ');
}

const LOAD_NPZ = (arch: Architecture) => `WEIGHT_NAMES = ${namesTuple(arch)}


def load_npz_weights(path="weights.npz"):
    """The weight arrays in Keras's get_weights() order, checked against the model's names."""
    with np.load(path, allow_pickle=False) as npz:
        missing = [name for name in WEIGHT_NAMES if name not in npz.files]
        if missing or len(npz.files) != len(WEIGHT_NAMES):
            sys.exit(
                f"{path} holds {sorted(npz.files)}, this model needs {list(WEIGHT_NAMES)}: "
                "was it saved from the same architecture?"
            )
        return [npz[name] for name in WEIGHT_NAMES]`;

/** (c) load_weights_keras.py: builds train_keras.py's model and sets weights.npz's arrays as they are. */
export function kerasLoadWeightsScript(arch: Architecture): string {
  return `"""Load the weights trained in VS Code's AI Onramp training panel into train_keras.py's model.

In the panel: "Try it" -> "Save model to a folder..." writes weights.npz. Put it in this folder, then
Run:  python load_weights_keras.py            (or: python load_weights_keras.py path/to/weights.npz)

The arrays are in Keras's layout already (the panel's TensorFlow.js model uses the same one):
${shapesComment(arch)}.
"""

import sys

import numpy as np

${LOAD_NPZ(arch)}


def main():
    from tensorflow import keras

    from train_keras import build_model

    model = build_model()
    model.set_weights(load_npz_weights(sys.argv[1] if len(sys.argv) > 1 else "weights.npz"))
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    (_, _), (x_test, y_test) = keras.datasets.mnist.load_data()
    _, accuracy = model.evaluate((x_test / 255.0)[..., None], y_test, verbose=2)
    print(f"Test accuracy of the model from the training panel: {accuracy:.4f}")
    model.save("model_from_panel.keras")
    print("Saved as model_from_panel.keras")


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

/** A file of the generated project: a plain name and its text. */
export interface GeneratedFile {
  readonly name: string;
  readonly content: string;
}

export const GENERATED_FILE_NAMES = Object.freeze({
  kerasTrain: 'train_keras.py',
  kerasLoad: 'load_weights_keras.py',
  pytorchTrain: 'train_pytorch.py',
  pytorchLoad: 'load_weights_pytorch.py',
  readme: 'README.md',
});

/** The README of the generated project, naming every file. */
export function generatedReadme(arch: Architecture, h: Hyperparameters, pipLine: string): string {
  const n = GENERATED_FILE_NAMES;
  const parameters = shapesOf(arch).totalParameters.toLocaleString('en-US');
  return `# The model from the training panel

\`${architectureLine(arch)}\`

${parameters} parameters, trained with ${KERAS_OPTIMIZER_CLASSES[h.optimizer]} (learning rate ${pythonFloat(h.learningRate)}, ${h.schedule === 'cosine' ? 'cosine decay to 0' : 'constant'}), batch size ${h.batchSize},
${h.epochs} epochs, pixels / 255, as AI Onramp's training panel trains it.

## Files

- \`${n.kerasTrain}\`: the model in Keras; trains it on MNIST and writes TensorBoard logs to \`logs/\`.
- \`${n.pytorchTrain}\`: the same layers, optimizer and constants in PyTorch.
- \`${n.kerasLoad}\`: loads the panel's \`weights.npz\` ("Try it" → "Save model to a folder…") into the Keras model.
- \`${n.pytorchLoad}\`: loads the same \`weights.npz\` into the PyTorch model (kernels transposed to PyTorch's layout).
- \`requirements.txt\`: the packages \`.venv\` got; the other framework's script needs its own
  (\`pip install tensorflow\` or \`pip install torch torchvision tensorboard\`).

## Run it

\`\`\`sh
source .venv/bin/activate        # Windows: .venv\\Scripts\\activate
python ${n.kerasTrain}           # or: python ${n.pytorchTrain}
\`\`\`

## If packages are missing

\`\`\`sh
${pipLine}
\`\`\`
`;
}

/** Every file "Open as a Python project" writes besides the template's requirements. */
export function pythonProjectFiles(arch: Architecture, h: Hyperparameters, pipLine: string): GeneratedFile[] {
  const n = GENERATED_FILE_NAMES;
  return [
    { name: n.kerasTrain, content: kerasTrainingScript(arch, h) },
    { name: n.kerasLoad, content: kerasLoadWeightsScript(arch) },
    { name: n.pytorchTrain, content: pytorchTrainingScript(arch, h) },
    { name: n.pytorchLoad, content: pytorchLoadWeightsScript(arch) },
    { name: n.readme, content: generatedReadme(arch, h, pipLine) },
  ];
}
