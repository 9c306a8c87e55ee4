"""PyTorch side of W1 (MLP training), W3 (norm layers), W4 (orthogonal init) and W5 (CNN
training); each function returns seconds per iteration. Mirrors bench/workloads/*.js."""
import torch
import torch.nn as nn
from timing import timed

CACHE = {}


def mlp():
    layers = []
    for i, o in [(784, 512), (512, 256)]:
        layers += [nn.Linear(i, o), nn.BatchNorm1d(o), nn.ReLU(), nn.Dropout(0.2)]
    net = nn.Sequential(*layers, nn.Linear(256, 10))
    for m in net.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
    return net


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 7 * 7, 10))


def train_step_factory(key, make, x_shape, batch):
    if key not in CACHE:
        torch.manual_seed(0)
        net = make()
        opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.01)
        x = torch.rand(batch, *x_shape)
        y = torch.randint(0, 10, (batch,))
        lossf = nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            lossf(net(x), y).backward()
            opt.step()

        CACHE[key] = step
    return CACHE[key]


def mlp_train(case, iters):
    return timed(train_step_factory(("mlp", case["batch"]), mlp, (784,), case["batch"]), iters)


def cnn_train(case, iters):
    return timed(train_step_factory(("cnn", case["batch"]), cnn, (1, 28, 28), case["batch"]), iters)


def norm_fwd_bwd(case, iters):
    key = ("norm", case["kind"])
    if key not in CACHE:
        shape = case["shape"]
        x = torch.randn(*shape, requires_grad=True)
        if case["kind"] == "layernorm":
            layer = nn.LayerNorm(shape[-1])
            f = lambda: layer(x)
        elif case["kind"] == "rmsnorm":
            # torch 1.13 has no nn.RMSNorm: its formula, as users write it.
            w = torch.ones(shape[-1], requires_grad=True)
            f = lambda: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1.1920929e-07) * w
        else:
            layer = nn.BatchNorm2d(shape[1])
            f = lambda: layer(x)
        g = torch.randn(*shape)

        def step():
            x.grad = None
            f().backward(g)

        CACHE[key] = step
    return timed(CACHE[key], iters)


def orthogonal(case, iters):
    w = torch.empty(case["n"], case["n"])
    return timed(lambda: nn.init.orthogonal_(w), iters)


WORKLOADS = {"mlp_train": mlp_train, "cnn_train": cnn_train, "norm_fwd_bwd": norm_fwd_bwd, "orthogonal": orthogonal}
