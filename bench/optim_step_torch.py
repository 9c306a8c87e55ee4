#!/usr/bin/python3
"""PyTorch's side of bench/optim_step.js: one optimiser step over an MLP 784-512-256-10, 1 thread."""
import statistics
import time

import torch

torch.set_num_threads(1)
model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256), torch.nn.ReLU(),
                            torch.nn.Linear(256, 10))
params = list(model.parameters())
for p in params:
    p.grad = torch.randn_like(p)
numel = sum(p.numel() for p in params)


def bench(label, opt):
    for _ in range(50):
        opt.step()
    runs = []
    for _ in range(7):
        n = 200
        t0 = time.perf_counter()
        for _ in range(n):
            opt.step()
        runs.append((time.perf_counter() - t0) / n * 1e6)
    runs.sort()
    print(f"{label}: median {runs[3]:.1f} us/step (min {runs[0]:.1f}), {len(params)} tensors, {numel} params, threads 1")


for foreach in (False, True):
    bench(f"torch AdamW foreach={foreach}", torch.optim.AdamW(params, lr=1e-3, foreach=foreach))
for foreach in (False, True):
    bench(f"torch AdamW amsgrad foreach={foreach}", torch.optim.AdamW(params, lr=1e-3, amsgrad=True, foreach=foreach))
bench("torch Adam weight_decay foreach=False", torch.optim.Adam(params, lr=1e-3, weight_decay=1e-2, foreach=False))
bench("torch SGD momentum foreach=False", torch.optim.SGD(params, lr=1e-3, momentum=0.9, foreach=False))
bench("torch SGD momentum foreach=True", torch.optim.SGD(params, lr=1e-3, momentum=0.9, foreach=True))
NEW = [("Adadelta", torch.optim.Adadelta, {}), ("Adagrad", torch.optim.Adagrad, {}), ("RMSprop", torch.optim.RMSprop, {}),
       ("RMSprop centered momentum", torch.optim.RMSprop, {"centered": True, "momentum": 0.9}),
       ("Adamax", torch.optim.Adamax, {}), ("NAdam", torch.optim.NAdam, {}), ("RAdam", torch.optim.RAdam, {})]
for label, cls, kw in NEW:
    for foreach in (False, True):
        bench(f"torch {label} foreach={foreach}", cls(params, foreach=foreach, **kw))
