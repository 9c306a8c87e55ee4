#!/usr/bin/env python3
"""PyTorch twin of kiln's text demo (examples/text/): a character-level language model of
English words, as a small pre-norm GPT or a 2-layer LSTM, trained on the same split in the
same batch order as `npm run demo -- --model gpt|lstm`, so the final validation losses can
be compared (README, "Text demo").

    /usr/bin/python3 bench/text_lm.py --model gpt --threads 2
    /usr/bin/python3 bench/text_lm.py --model lstm --threads 2

Data: node_modules/an-array-of-english-words/index.json, words of 1..16 letters a-z. The
split and the per-epoch orders come from examples/text/export.ts (kiln's randperm on seeded
Generators), run here through node; tokens and padding as examples/text/data.ts:
0 = pad, 1 = start, 2 = end, 3..28 = a..z; targets -100 past the end of each word.
Everything else (hyperparameters, init, LR schedule, sampling) mirrors examples/text/.
"""
import argparse
import json
import math
import os
import subprocess
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAD, START, END, LETTER0 = 0, 1, 2, 3
VOCAB = LETTER0 + 26
IGNORE = -100

# Kept equal to DEFAULTS in examples/text/main.ts: each epoch trains on the first
# words_per_epoch words of that epoch's permutation of the training words.
DEFAULTS = {
    'gpt': dict(epochs=3, words_per_epoch=32768, batch_size=64, lr=4e-3, warmup=100, weight_decay=0.1, d_model=64, heads=4, layers=2, ff=256),
    'lstm': dict(epochs=3, words_per_epoch=49152, batch_size=64, lr=5e-3, warmup=100, weight_decay=0.1, embed=32, hidden=128),
}
CLIP = 1.0


class RMSNorm(nn.Module):
    """y = x / sqrt(mean(x^2) + eps) * weight (Zhang & Sennrich 2019), as torch.nn.RMSNorm of
    torch 2.4 (eps defaults to float32 machine epsilon); torch 1.13 has none."""

    def __init__(self, dim, eps=None):
        super().__init__()
        self.eps = torch.finfo(torch.float32).eps if eps is None else eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x))."""

    def __init__(self, d, heads, ff):
        super().__init__()
        self.norm1 = RMSNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.norm2 = RMSNorm(d)
        self.fc1 = nn.Linear(d, ff)
        self.fc2 = nn.Linear(ff, d)

    def forward(self, x, mask):
        h = self.norm1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class GPT(nn.Module):
    def __init__(self, t, d, heads, layers, ff):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, d, padding_idx=PAD)
        self.pos = nn.Embedding(t, d)
        self.blocks = nn.ModuleList([Block(d, heads, ff) for _ in range(layers)])
        self.norm = RMSNorm(d)
        self.head = nn.Linear(d, VOCAB)
        # GPT-2's init: N(0, 0.02) weights, the residual projections scaled by 1/sqrt(2 layers).
        for name, p in self.named_parameters():
            if name.endswith('norm1.weight') or name.endswith('norm2.weight') or name == 'norm.weight':
                nn.init.ones_(p)
            elif p.dim() == 1:
                nn.init.zeros_(p)
            elif name.endswith('out_proj.weight') or name.endswith('fc2.weight'):
                nn.init.normal_(p, 0, 0.02 / math.sqrt(2 * layers))
            else:
                nn.init.normal_(p, 0, 0.02)
        with torch.no_grad():
            self.tok.weight[PAD].zero_()

    def forward(self, x):
        t = x.shape[1]
        mask = torch.triu(torch.full((t, t), float('-inf')), diagonal=1)
        h = self.tok(x) + self.pos(torch.arange(t))
        for b in self.blocks:
            h = b(h, mask)
        return self.head(self.norm(h))


class LSTMLM(nn.Module):
    def __init__(self, embed, hidden):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, embed, padding_idx=PAD)
        self.lstm = nn.LSTM(embed, hidden, num_layers=2, batch_first=True)
        self.norm = nn.LayerNorm(hidden)
        self.head = nn.Linear(hidden, VOCAB)
        # Orthogonal recurrent weights, one block per gate (Saxe et al. 2013), and forget-gate
        # bias 1 (Jozefowicz et al. 2015); the rest keeps PyTorch's defaults.
        for name, p in self.lstm.named_parameters():
            with torch.no_grad():
                if name.startswith('weight_hh'):
                    for g in range(4):
                        nn.init.orthogonal_(p[g * hidden:(g + 1) * hidden])
                elif name.startswith('bias_ih'):
                    p[hidden:2 * hidden] = 1.0
                elif name.startswith('bias_hh'):
                    p[hidden:2 * hidden] = 0.0

    def forward(self, x):
        return self.head(self.norm(self.lstm(self.tok(x))[0]))


def param_groups(model, weight_decay):
    """AdamW groups: weight matrices decay; biases, norm weights and embeddings do not."""
    embeds = {id(m.weight) for m in model.modules() if isinstance(m, nn.Embedding)}
    decay, exempt = [], []
    for p in model.parameters():
        (decay if p.dim() >= 2 and id(p) not in embeds else exempt).append(p)
    return [{'params': decay, 'weight_decay': weight_decay}, {'params': exempt, 'weight_decay': 0.0}]


def lr_at(step, total, peak, warmup):
    """Linear warmup over `warmup` steps, then cosine to 0 at `total` (as examples/text/train.ts)."""
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def encode(words, max_len):
    t = max_len + 1
    x = torch.full((len(words), t), PAD, dtype=torch.long)
    y = torch.full((len(words), t), IGNORE, dtype=torch.long)
    for r, w in enumerate(words):
        ids = [ord(c) - 97 + LETTER0 for c in w]
        x[r, 0] = START
        x[r, 1:len(ids) + 1] = torch.tensor(ids)
        y[r, :len(ids)] = torch.tensor(ids)
        y[r, len(ids)] = END
    return x, y


def evaluate(model, x, y, batch=1024):
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for s in range(0, x.shape[0], batch):
            logits = model(x[s:s + batch])
            yy = y[s:s + batch]
            total += F.cross_entropy(logits.reshape(-1, VOCAB), yy.reshape(-1), ignore_index=IGNORE, reduction='sum').item()
            count += int((yy != IGNORE).sum())
    model.train()
    return total / count


def sample(model, n, max_len, gen):
    """n words, sampled one character at a time at temperature 1: never pad or start, no end
    before the first letter, and the end forced after max_len letters (as examples/text/sample.ts)."""
    model.eval()
    x = torch.full((n, 1), START, dtype=torch.long)
    done = torch.zeros(n, dtype=torch.bool)
    with torch.no_grad():
        for pos in range(max_len + 1):
            logits = model(x)[:, -1, :].clone()
            logits[:, PAD] = float('-inf')
            logits[:, START] = float('-inf')
            if pos == 0:
                logits[:, END] = float('-inf')
            if pos == max_len:
                logits[:, LETTER0:] = float('-inf')
            nxt = torch.multinomial(F.softmax(logits, -1), 1, generator=gen).squeeze(1)
            nxt = torch.where(done, torch.full_like(nxt, END), nxt)
            done |= nxt == END
            x = torch.cat([x, nxt[:, None]], 1)
            if bool(done.all()):
                break
    model.train()
    return [''.join(chr(97 + int(t) - LETTER0) for t in row[1:] if int(t) >= LETTER0) for row in x]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--model', choices=['gpt', 'lstm'], default='gpt')
    ap.add_argument('--epochs', type=int)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--words-per-epoch', type=int, help='training words sampled per epoch, 0 for all')
    ap.add_argument('--split', help='the JSON examples/text/export.ts writes (default: run it through node)')
    ap.add_argument('--words', default=os.path.join(ROOT, 'node_modules/an-array-of-english-words/index.json'))
    a = ap.parse_args()
    cfg = dict(DEFAULTS[a.model])
    if a.epochs:
        cfg['epochs'] = a.epochs
    if a.words_per_epoch is not None:
        cfg['words_per_epoch'] = a.words_per_epoch
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    if a.split:
        with open(a.split) as f:
            split = json.load(f)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'split.json')
            subprocess.run(['node', 'scripts/run-ts.js', 'examples/text/export.ts', path, str(cfg['epochs']), str(a.seed)], cwd=ROOT, check=True)
            with open(path) as f:
                split = json.load(f)
    assert len(split['orders']) >= cfg['epochs'], 'the split file holds fewer epochs than asked for'
    max_len = split['maxLen']
    with open(a.words) as f:
        words = [w for w in json.load(f) if 1 <= len(w) <= max_len and w.isascii() and w.isalpha() and w.islower()]
    assert len(words) == split['nWords'], (len(words), split['nWords'])
    xtr, ytr = encode([words[i] for i in split['train']], max_len)
    xva, yva = encode([words[i] for i in split['val']], max_len)
    t = max_len + 1

    if a.model == 'gpt':
        model = GPT(t, cfg['d_model'], cfg['heads'], cfg['layers'], cfg['ff'])
    else:
        model = LSTMLM(cfg['embed'], cfg['hidden'])
    nparams = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(param_groups(model, cfg['weight_decay']), lr=cfg['lr'])
    bs = cfg['batch_size']
    rows = min(cfg['words_per_epoch'] or xtr.shape[0], xtr.shape[0])
    steps_per_epoch = math.ceil(rows / bs)
    total = steps_per_epoch * cfg['epochs']
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); {a.model}: {nparams} parameters; "
          f"{xtr.shape[0]} train / {xva.shape[0]} val words; {cfg}")

    step = 0
    started = time.time()
    for epoch in range(cfg['epochs']):
        order = torch.tensor(split['orders'][epoch][:rows])
        t0 = time.time()
        run, count = 0.0, 0
        for s in range(0, rows, bs):
            idx = order[s:s + bs]
            x, y = xtr[idx], ytr[idx]
            for g in opt.param_groups:
                g['lr'] = lr_at(step, total, cfg['lr'], cfg['warmup'])
            loss = F.cross_entropy(model(x).reshape(-1, VOCAB), y.reshape(-1), ignore_index=IGNORE)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
            opt.step()
            n = int((y != IGNORE).sum())
            run += loss.item() * n
            count += n
            step += 1
        val = evaluate(model, xva, yva)
        print(f"epoch {epoch + 1}/{cfg['epochs']}: train {run / count:.4f}  val {val:.4f} nats/char  ({time.time() - t0:.1f} s)")
    print(f"trained in {time.time() - started:.1f} s; final validation loss {val:.4f} nats/char")

    known = set(words)
    gen = torch.Generator().manual_seed(a.seed)
    new = []
    for _ in range(10):
        new += [w for w in sample(model, 64, max_len, gen) if w not in known and w not in new]
        if len(new) >= 20:
            break
    print('20 new words:', ' '.join(new[:20]))


if __name__ == '__main__':
    main()
