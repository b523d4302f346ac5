#!/usr/bin/env python3
"""The workloads of bench/epoch_bench.cpp in PyTorch, for bench/compare.sh.

Same data (Fashion-MNIST in memory as float32 tensors, pixels / 255), same
architectures, He init (N(0, 2 / fan_in), biases 0), same optimizers and
hyperparameters, one thread. Each timed epoch walks all 60,000 samples in a
fresh torch.randperm order, floor(60000 / batch) batches, as the library's
Trainer does. Load time is not timed. Prints one line per timed run:

    /usr/bin/python3 bench/torch_mlp.py --workload W1 --runs 3
    W1 seconds 0.4871
    W1 cpu_seconds 0.4869

Workloads:
  W1  784-100-100-100-100-10, ReLU, SGD lr 0.01, batch 100
  W2  W1 with Adam lr 0.001
  W3  784-(100 x 6)-10, Affine -> BatchNorm1d -> ReLU -> Dropout 0.15, Adam lr 0.001
  W4  784-1024-1024-10, ReLU, Momentum 0.9 lr 0.01, batch 256
  W5  inference of the W1 net over the 10,000 test images: one batch of
      10,000 (W5-b10000) and image by image (W5-b1, the total for 10,000)
  W6  the book's SimpleConvNet: conv 30 5x5, ReLU, max-pool 2, Linear 100, ReLU,
      Linear 10; Adam lr 0.001, batch 100 (torch's default init)
  W7  the book's DeepConvNet: six 3x3 convolutions (16, 16, 32, 32 pad 2, 64,
      64) with a max-pool after each pair, Linear 50, Dropout 0.5, Linear 10,
      Dropout 0.5; Adam lr 0.001, batch 100 (torch's default init)
"""
import argparse
import gzip
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workload", default="W1", help="W1..W7 or all")
    p.add_argument("--runs", type=int, default=1, help="timed epochs (after one short warm-up)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--data", default=os.environ.get("MNIST_DIR", "/usr/share/datasets/fashion-mnist"))
    p.add_argument("--flush-denormal", action="store_true",
                   help="torch.set_flush_denormal(True), as scratchnet's Trainer does (off: PyTorch's default)")
    p.add_argument("--check-blas", action="store_true", help="print which BLAS library torch loaded, and exit")
    return p.parse_args()


ARGS = parse_args()
# Before torch loads: OpenBLAS and OpenMP size their thread pools at start-up.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, str(ARGS.threads))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(ARGS.threads)
torch.set_flush_denormal(ARGS.flush_denormal)

WORKLOADS = {
    # hidden sizes, optimizer, lr, batch, batchnorm, dropout
    "W1": ([100] * 4, "sgd", 0.01, 100, False, 0.0),
    "W2": ([100] * 4, "adam", 0.001, 100, False, 0.0),
    "W3": ([100] * 6, "adam", 0.001, 100, True, 0.15),
    "W4": ([1024] * 2, "momentum", 0.01, 256, False, 0.0),
    "W5": ([100] * 4, "sgd", 0.01, 100, False, 0.0),
    # a convolutional network by name instead of hidden sizes
    "W6": ("simple-conv", "adam", 0.001, 100, False, 0.0),
    "W7": ("deep-conv", "adam", 0.001, 100, False, 0.0),
}


def loaded_blas():
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return sorted(libs)


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(ARGS.data, candidate)
        if os.path.exists(path):
            return path
    sys.exit(f"torch_mlp.py: {ARGS.data}: missing {name}")


def load():
    def part(images, labels):
        x = read_idx(find(images))
        x = torch.from_numpy(x.reshape(x.shape[0], -1).astype(np.float32) / np.float32(255.0))
        y = torch.from_numpy(read_idx(find(labels)).astype(np.int64))
        return x, y

    return (part("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
            part("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"))


def make_net(hidden, batchnorm, dropout):
    layers, inputs = [], 784
    for width in hidden:
        layers.append(nn.Linear(inputs, width))
        if batchnorm:
            # eps as the library's; torch's momentum 0.1 is the book's 0.9
            layers.append(nn.BatchNorm1d(width, eps=1e-6, momentum=0.1))
        layers.append(nn.ReLU())
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        inputs = width
    layers.append(nn.Linear(inputs, 10))
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")  # N(0, 2 / fan_in)
            nn.init.zeros_(m.bias)
    return net


def make_conv_net(name):
    def conv_relu(channels, filters, pad=1):
        return [nn.Conv2d(channels, filters, 3, padding=pad), nn.ReLU()]

    image = [nn.Unflatten(1, (1, 28, 28))]  # the rows hold the 784 pixels, as the library's
    if name == "simple-conv":
        return nn.Sequential(*image, nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(30 * 12 * 12, 100), nn.ReLU(), nn.Linear(100, 10))
    return nn.Sequential(*image, *conv_relu(1, 16), *conv_relu(16, 16), nn.MaxPool2d(2),
                         *conv_relu(16, 32), *conv_relu(32, 32, pad=2), nn.MaxPool2d(2),
                         *conv_relu(32, 64), *conv_relu(64, 64), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(64 * 4 * 4, 50), nn.ReLU(), nn.Dropout(0.5), nn.Linear(50, 10),
                         nn.Dropout(0.5))


def make_optimizer(name, lr, params):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    # the library's eps 1e-7 (added to the uncorrected sqrt(v), a detail that costs nothing)
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-7)


def epoch(net, opt, x, y, batch, limit=None):
    n = x.shape[0] if limit is None else limit
    order = torch.randperm(x.shape[0])[:n]
    for i in range(n // batch):
        idx = order[i * batch:(i + 1) * batch]
        loss = F.cross_entropy(net(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return float(loss)


def report(name, wall, cpu):
    print(f"{name} seconds {wall:.4f}")
    print(f"{name} cpu_seconds {cpu:.4f}")
    sys.stdout.flush()


def train_workload(name, data, runs):
    hidden, opt_name, lr, batch, batchnorm, dropout = WORKLOADS[name]
    (x, y), _ = data
    net = make_conv_net(hidden) if isinstance(hidden, str) else make_net(hidden, batchnorm, dropout)
    net.train()
    opt = make_optimizer(opt_name, lr, net.parameters())
    epoch(net, opt, x, y, batch, limit=10 * batch)  # warm-up, as epoch_bench
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        loss = epoch(net, opt, x, y, batch)
        report(name, time.perf_counter() - wall, time.process_time() - cpu)
        print(f"{name}: last loss {loss:.4f}", file=sys.stderr)


def inference_workload(data, runs):
    _, (x, _) = data
    net = make_net(*[WORKLOADS["W5"][i] for i in (0, 4, 5)])
    net.eval()
    with torch.no_grad():
        net(x[:100])  # warm-up
        sink = 0.0
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            sink += float(net(x)[0, 0])
            report("W5-b10000", time.perf_counter() - wall, time.process_time() - cpu)
            wall, cpu = time.perf_counter(), time.process_time()
            for i in range(x.shape[0]):
                sink += float(net(x[i:i + 1])[0, 0])
            total = time.perf_counter() - wall
            report("W5-b1", total, time.process_time() - cpu)
            print(f"W5-b1: {1e6 * total / x.shape[0]:.2f} us per image", file=sys.stderr)


def main():
    if ARGS.check_blas:
        torch.randn(64, 64) @ torch.randn(64, 64)
        print("torch", torch.__version__, "threads", torch.get_num_threads())
        print("BLAS libraries mapped:", ", ".join(loaded_blas()) or "none")
        return
    data = load()
    names = list(WORKLOADS) if ARGS.workload == "all" else [ARGS.workload]
    for name in names:
        if name not in WORKLOADS:
            sys.exit(f"torch_mlp.py: unknown workload {name} (W1..W7 or all)")
        if name == "W5":
            inference_workload(data, ARGS.runs)
        else:
            train_workload(name, data, ARGS.runs)


if __name__ == "__main__":
    main()
