"""What test accuracy does the article's recipe really reach after 5 epochs, and what moves it?

Trains many independent copies (seeds) of the article's model at once, as one batched computation, so a
GPU can answer with 32 seeds a configuration in seconds (a CPU answers too, with fewer seeds and samples):
Conv2D(32, 3x3, valid) + ReLU -> MaxPool 2x2 -> Flatten -> Dense(10) + softmax, sparse categorical
cross-entropy, pixels / 255, Keras's initialisation (glorot_uniform kernels, zero biases) and Keras's Adam
(lr 1e-3, beta 0.9 / 0.999, eps 1e-7 added to sqrt(v) before bias correction, as Keras 3 does), the data
reshuffled every epoch like model.fit(shuffle=True).

Usage: python3 scripts/accuracy_study.py <dir with the four MNIST IDX files, optionally .gz> [seeds=32]
        [train samples=60000] [epochs=5] [only=name,name]
Prints one JSON line per configuration: mean, standard deviation, min and max test accuracy over the seeds.
"""
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_idx(data_dir, name, magic):
    path = os.path.join(data_dir, name)
    opener = open
    if not os.path.exists(path):
        path, opener = path + ".gz", gzip.open
    with opener(path, "rb") as f:
        data = f.read()
    got = struct.unpack(">I", data[:4])[0]
    if got != magic:
        raise SystemExit(f"{path}: not an IDX file")
    return np.frombuffer(data, dtype=np.uint8, offset=16 if magic == 0x803 else 8)


# Each configuration differs from the article's recipe only in what it names.
BASE = dict(batch=32, lr=1e-3, eps=1e-7, eps_style="keras", init="glorot", schedule="constant", train=None)
CONFIGS = {
    "article (Keras defaults)": {},
    "Adam eps after bias correction (tfjs/PyTorch)": dict(eps_style="corrected"),
    "55,000 train (panel's split)": dict(train=55000),
    "PyTorch default init": dict(init="torch"),
    "batch 16": dict(batch=16),
    "batch 64": dict(batch=64),
    "batch 128": dict(batch=128),
    "lr 5e-4": dict(lr=5e-4),
    "lr 2e-3": dict(lr=2e-3),
    "lr 1e-3 cosine to 0": dict(schedule="cosine"),
    "lr 2e-3 cosine to 0": dict(lr=2e-3, schedule="cosine"),
    "lr 1e-3 linear to 0": dict(schedule="linear"),
    "lr 1e-3 halved each epoch": dict(schedule="halve"),
    "lr 3e-3 cosine to 0": dict(lr=3e-3, schedule="cosine"),
    "lr 4e-3 cosine to 0": dict(lr=4e-3, schedule="cosine"),
    "batch 16, lr 2e-3 cosine to 0": dict(batch=16, lr=2e-3, schedule="cosine"),
    "batch 64, lr 3e-3 cosine to 0": dict(batch=64, lr=3e-3, schedule="cosine"),
    "batch 128, lr 4e-3 cosine to 0": dict(batch=128, lr=4e-3, schedule="cosine"),
    "batch 128, lr 6e-3 cosine to 0": dict(batch=128, lr=6e-3, schedule="cosine"),
    "55,000 train, lr 2e-3 cosine to 0": dict(train=55000, lr=2e-3, schedule="cosine"),
    "55,000 train, lr 3e-3 cosine to 0": dict(train=55000, lr=3e-3, schedule="cosine"),
}


def lr_at(cfg, step, total, steps_per_epoch):
    lr = cfg["lr"]
    if cfg["schedule"] == "cosine":
        return lr * 0.5 * (1 + math.cos(math.pi * step / total))
    if cfg["schedule"] == "linear":
        return lr * (1 - step / total)
    if cfg["schedule"] == "halve":
        return lr * 0.5 ** (step // steps_per_epoch)
    return lr


def run(cfg, seeds, x_patches, y_train, x_test_patches, y_test, epochs, device, seed0):
    n_all = x_patches.shape[0]
    n = cfg["train"] or n_all
    gen = torch.Generator(device=device).manual_seed(seed0)
    S, B = seeds, cfg["batch"]

    def uniform(shape, limit):
        return (torch.rand(shape, generator=gen, device=device) * 2 - 1) * limit

    if cfg["init"] == "glorot":
        wc = uniform((S, 32, 9), math.sqrt(6 / (9 + 288)))
        bc = torch.zeros(S, 32, device=device)
        wd = uniform((S, 5408, 10), math.sqrt(6 / (5408 + 10)))
        bd = torch.zeros(S, 10, device=device)
    else:  # kaiming_uniform(a=sqrt(5)) and uniform biases: bound 1/sqrt(fan_in)
        wc, bc = uniform((S, 32, 9), 1 / 3), uniform((S, 32), 1 / 3)
        wd, bd = uniform((S, 5408, 10), 1 / math.sqrt(5408)), uniform((S, 10), 1 / math.sqrt(5408))
    params = [wc, bc, wd, bd]
    for p in params:
        p.requires_grad_(True)
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    b1, b2, eps = 0.9, 0.999, cfg["eps"]
    steps_per_epoch = n // B  # 60,000 / 32 = 1875 exactly; Keras would also take a last partial batch
    total = steps_per_epoch * epochs
    step = 0

    def forward(patches):  # patches [S, b, 9, 676]
        conv = torch.einsum("sok,sbkp->sbop", wc, patches) + bc[:, None, :, None]
        s, b = patches.shape[:2]
        pooled = F.max_pool2d(F.relu(conv).reshape(s * b, 32, 26, 26), 2).reshape(s, b, 5408)
        return torch.baddbmm(bd[:, None, :], pooled, wd)

    for _ in range(epochs):
        order = torch.argsort(torch.rand(S, n, generator=gen, device=device), dim=1)
        for i in range(steps_per_epoch):
            idx = order[:, i * B : (i + 1) * B]
            logits = forward(x_patches[idx])
            loss = F.cross_entropy(logits.reshape(S * B, 10), y_train[idx].reshape(-1), reduction="sum") / B
            grads = torch.autograd.grad(loss, params)
            step += 1
            lr = lr_at(cfg, step - 1, total, steps_per_epoch)
            with torch.no_grad():
                for p, g, mi, vi in zip(params, grads, m, v):
                    mi.mul_(b1).add_(g, alpha=1 - b1)
                    vi.mul_(b2).addcmul_(g, g, value=1 - b2)
                    bc1, bc2 = 1 - b1**step, 1 - b2**step
                    if cfg["eps_style"] == "keras":
                        p.sub_(lr * math.sqrt(bc2) / bc1 * mi / (vi.sqrt() + eps))
                    else:
                        p.sub_(lr * (mi / bc1) / ((vi / bc2).sqrt() + eps))
    with torch.no_grad():
        correct = torch.zeros(S, device=device)
        for s in range(0, x_test_patches.shape[0], 1000):
            p = x_test_patches[s : s + 1000].unsqueeze(0).expand(S, -1, -1, -1)
            correct += (forward(p).argmax(-1) == y_test[s : s + 1000]).float().sum(1)
        acc = (correct / x_test_patches.shape[0]).cpu().numpy()
    return acc


def main():
    data_dir = sys.argv[1]
    seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    train_n = int(sys.argv[3]) if len(sys.argv) > 3 else 60000
    epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    only = sys.argv[5].split(",") if len(sys.argv) > 5 else None
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        # Plain float32 like Keras on CPU: no TF32 in the products.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    else:
        torch.set_num_threads(os.cpu_count() or 1)

    def patches(images):
        x = torch.from_numpy(images.reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)
        return F.unfold(x, 3).to(device)  # [N, 9, 676], rows ky*3+kx like a 3x3x1 kernel

    x_train = patches(read_idx(data_dir, "train-images-idx3-ubyte", 0x803)[: train_n * 784])
    y_train = torch.from_numpy(read_idx(data_dir, "train-labels-idx1-ubyte", 0x801)[:train_n].astype(np.int64)).to(device)
    x_test = patches(read_idx(data_dir, "t10k-images-idx3-ubyte", 0x803))
    y_test = torch.from_numpy(read_idx(data_dir, "t10k-labels-idx1-ubyte", 0x801).astype(np.int64)).to(device)
    name = torch.cuda.get_device_name() if device == "cuda" else f"cpu x{torch.get_num_threads()}"
    print(json.dumps({"device": name, "torch": torch.__version__, "seeds": seeds, "train": train_n, "epochs": epochs}), flush=True)
    for i, (label, change) in enumerate(CONFIGS.items()):
        if only and label not in only and str(i) not in only:
            continue
        cfg = {**BASE, **change}
        if cfg["train"]:
            cfg["train"] = min(cfg["train"], train_n)
        start = time.perf_counter()
        acc = run(cfg, seeds, x_train, y_train, x_test, y_test, epochs, device, seed0=1000 + i)
        print(
            json.dumps(
                {
                    "config": label,
                    "mean": round(float(acc.mean()) * 100, 3),
                    "sd": round(float(acc.std(ddof=1)) * 100 if seeds > 1 else 0.0, 3),
                    "min": round(float(acc.min()) * 100, 2),
                    "max": round(float(acc.max()) * 100, 2),
                    "atLeast98.5": int((acc >= 0.985).sum()),
                    "seeds": seeds,
                    "seconds": round(time.perf_counter() - start, 1),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
