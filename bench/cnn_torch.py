#!/usr/bin/python3
"""PyTorch side of bench/cnn.js: training throughput of the small MNIST CNN.

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_CORETYPE=SkylakeX \
     MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456 \
     /usr/bin/python3 bench/cnn_torch.py THREADS
Prints one JSON line: {"threads", "samples_per_s", "ms_per_step", "cpu_ms_per_step"} (CPU time
of the whole process, all threads).
"""
import json
import sys
import time

import torch
import torch.nn as nn

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
torch.set_num_threads(threads)
torch.manual_seed(0)
B = 64
net = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64 * 7 * 7, 10))
opt = torch.optim.SGD(net.parameters(), lr=0.01)
x = torch.randn(B, 1, 28, 28)
y = torch.randint(0, 10, (B,))
lossf = nn.CrossEntropyLoss()


def step():
    opt.zero_grad()
    loss = lossf(net(x), y)
    loss.backward()
    opt.step()


for _ in range(5):
    step()
best = best_cpu = float("inf")
per = max(1, steps // 5)
for _ in range(5):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(per):
        step()
    best = min(best, (time.perf_counter() - t0) / per)
    best_cpu = min(best_cpu, (time.process_time() - c0) / per)
print(json.dumps({"threads": threads, "samples_per_s": round(B / best), "ms_per_step": round(best * 1e3, 2),
                  "cpu_ms_per_step": round(best_cpu * 1e3, 2)}))
