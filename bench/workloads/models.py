"""PyTorch side of W1 (MLP training), W3 (norm layers), W4 (orthogonal init), W5 (CNN
training), W8 (LSTM demo training), W9 (Transformer block training) and W10 (attention);
each function returns seconds per iteration. Mirrors bench/workloads/*.js."""
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




def transformer_train(case, iters):
    """W9: one pre-norm TransformerEncoderLayer's AdamW step, MSE against a fixed target."""
    key = ("transformer", case["batch"], case["seq"], case["d"])
    if key not in CACHE:
        torch.manual_seed(0)
        layer = nn.TransformerEncoderLayer(case["d"], case["heads"], dim_feedforward=case["ff"], dropout=0.0,
                                           norm_first=True, batch_first=True)
        layer.train()
        opt = torch.optim.AdamW(layer.parameters(), lr=1e-3, weight_decay=0.01)
        x = torch.randn(case["batch"], case["seq"], case["d"])
        y = torch.randn(case["batch"], case["seq"], case["d"])
        lossf = nn.MSELoss()

        def step():
            opt.zero_grad()
            lossf(layer(x), y).backward()
            opt.step()

        CACHE[key] = step
    return timed(CACHE[key], iters)


def sdpa_fwd_bwd(case, iters):
    """W10: torch 1.13 has no F.scaled_dot_product_attention; the formula under autograd."""
    key = ("sdpa", tuple(case["shape"]))
    if key not in CACHE:
        torch.manual_seed(0)
        shape = case["shape"]
        q, k, v = (torch.randn(*shape, requires_grad=True) for _ in range(3))
        g = torch.randn(*shape)
        scale = 1.0 / shape[-1] ** 0.5

        def step():
            q.grad = k.grad = v.grad = None
            attn = torch.softmax(q @ k.transpose(-2, -1) * scale, dim=-1)
            (attn @ v).backward(g)

        CACHE[key] = step
    return timed(CACHE[key], iters)


VOCAB, PAD, START, END, LETTER0, IGNORE = 29, 0, 1, 2, 3, -100


def lstm_batch(batch, seq):
    """The same fixed rows as bench/workloads/w8-lstm.js's batchData."""
    x = torch.full((batch, seq), PAD, dtype=torch.long)
    y = torch.full((batch, seq), IGNORE, dtype=torch.long)
    for i in range(batch):
        n = 3 + i % (seq - 3)
        x[i, 0] = START
        for t in range(n):
            letter = LETTER0 + (i * 7 + t * 5) % 26
            x[i, t + 1] = letter
            y[i, t] = letter
        y[i, n] = END
    return x, y


def lstm_train(case, iters):
    """W8: the text demo's CharLSTM step (clip 1, AdamW with decay on weight matrices only)."""
    key = ("lstm", case["batch"], case["seq"])
    if key not in CACHE:
        torch.manual_seed(0)
        tok = nn.Embedding(VOCAB, case["emb"], padding_idx=PAD)
        lstm = nn.LSTM(case["emb"], case["hidden"], num_layers=case["layers"], batch_first=True)
        norm = nn.LayerNorm(case["hidden"])
        head = nn.Linear(case["hidden"], VOCAB)
        params = [p for m in (tok, lstm, norm, head) for p in m.parameters()]
        decay = [p for p in params if p.dim() >= 2 and p is not tok.weight]
        exempt = [p for p in params if p.dim() < 2 or p is tok.weight]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": exempt, "weight_decay": 0.0}], lr=5e-3)
        lossf = nn.CrossEntropyLoss(ignore_index=IGNORE)
        x, y = lstm_batch(case["batch"], case["seq"])
        y = y.reshape(-1)

        def step():
            opt.zero_grad()
            out, _ = lstm(tok(x))
            lossf(head(norm(out)).reshape(-1, VOCAB), y).backward()
            nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()

        CACHE[key] = step
    return timed(CACHE[key], iters)


WORKLOADS = {"mlp_train": mlp_train, "cnn_train": cnn_train, "norm_fwd_bwd": norm_fwd_bwd, "orthogonal": orthogonal,
             "transformer_train": transformer_train, "sdpa_fwd_bwd": sdpa_fwd_bwd, "lstm_train": lstm_train}
