"""PyTorch side of W12: one training step of pytorch/examples' mnist/main.py Net (batch 64,
nll_loss, Adadelta lr 1). Mirrors bench/workloads/w12-pytorch-mnist.js."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from timing import timed

CACHE = {}


def net():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Dropout(0.25), nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10), nn.LogSoftmax(dim=1))


def pytorch_mnist_train(case, iters):
    key = case["batch"]
    if key not in CACHE:
        torch.manual_seed(0)
        model = net()
        optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
        data = torch.randn(case["batch"], 1, 28, 28)
        target = torch.tensor([(i * 7) % 10 for i in range(case["batch"])])
        model.train()

        def step():
            optimizer.zero_grad()
            loss = F.nll_loss(model(data), target)
            loss.backward()
            optimizer.step()

        CACHE[key] = step
    return timed(CACHE[key], iters)


WORKLOADS = {"pytorch_mnist_train": pytorch_mnist_train}
