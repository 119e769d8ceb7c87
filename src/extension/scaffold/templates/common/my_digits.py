"""Load the digits you drew in AI Onramp's training panel.

In the panel: Your examples -> "Export as MNIST IDX files..." writes two files in MNIST's own format,
my-digits-images-idx3-ubyte and my-digits-labels-idx1-ubyte, into a folder you pick. This reads them:

    from my_digits import load_my_digits
    images, labels = load_my_digits("path/to/folder")   # uint8 (n, 28, 28) and (n,)
    x = images[..., None] / 255.0                       # Keras: (n, 28, 28, 1) in [0, 1], as train_mnist.py
    # PyTorch: torch.tensor(images, dtype=torch.float32).unsqueeze(1) / 255.0

e.g. `model.evaluate(x, labels)` says how your model reads your handwriting.
Run it alone to see what a folder holds:  python my_digits.py path/to/folder
"""

import sys
from pathlib import Path

import numpy as np

PREFIX = "my-digits"


def load_idx(path):
    """An unsigned-byte IDX file (MNIST's format) as a numpy array of its dimensions."""
    data = Path(path).read_bytes()
    if len(data) < 4 or data[:3] != b"\x00\x00\x08":
        raise ValueError(f"{path} is not an unsigned-byte IDX file")
    rank = data[3]
    dims = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=rank, offset=4))
    values = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    if values.size != int(np.prod(dims)):
        raise ValueError(f"{path} should hold {int(np.prod(dims))} bytes of data, not {values.size}")
    return values.reshape(dims)


def load_my_digits(folder=".", prefix=PREFIX):
    """(images, labels): uint8 arrays of shape (n, 28, 28) and (n,)."""
    folder = Path(folder)
    images = load_idx(folder / f"{prefix}-images-idx3-ubyte")
    labels = load_idx(folder / f"{prefix}-labels-idx1-ubyte")
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels in {folder}")
    return images, labels


if __name__ == "__main__":
    images, labels = load_my_digits(sys.argv[1] if len(sys.argv) > 1 else ".")
    counts = ", ".join(f"{d}: {int((labels == d).sum())}" for d in range(10))
    print(f"{len(images)} images of {images.shape[1]}x{images.shape[2]}; per digit {counts}")
