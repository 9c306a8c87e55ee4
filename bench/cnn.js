#!/usr/bin/env node
'use strict';
// Training throughput of a small MNIST-shaped CNN, kiln against PyTorch on the same net:
//   Conv(1->32, 3, pad 1, no bias) -> ReLU -> MaxPool 2 -> Conv(32->64, 3, pad 1, no bias) -> ReLU
//   -> MaxPool 2 -> Flatten -> Linear(64*7*7 -> 10), cross-entropy, plain SGD, batch 64.
// Usage: node bench/cnn.js [--threads 1,2] [--steps 30] [--no-torch]
// Prints samples/s per thread count (best of 5 rounds of steps/5 steps, after 5 warm-up
// steps), and the CPU time per step of the whole process (all threads), which on a shared
// machine is the steadier figure to compare at one thread. The PyTorch side is bench/cnn_torch.py, run with OpenBLAS (OpenMP) and glibc malloc
// settings that keep its buffers from being returned to the OS between steps (its fair best).
const path = require('path');
const { spawnSync } = require('child_process');
const kiln = require(path.join(__dirname, '..', 'dist'));
const { nn } = kiln;

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const threadCounts = String(arg('threads', '1,2')).split(',').map(Number);
const steps = Number(arg('steps', 30));
const withTorch = !process.argv.includes('--no-torch');
const B = 64;

function buildNet() {
  const g = new kiln.Generator(0);
  return new nn.Sequential(
    new nn.Conv2d(1, 32, 3, { padding: 1, bias: false, generator: g }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1, bias: false, generator: g }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(64 * 7 * 7, 10, { generator: g }),
  );
}

function benchKiln(threads) {
  kiln.setNumThreads(threads);
  const net = buildNet();
  const params = net.parameters();
  const g = new kiln.Generator(1);
  const x = kiln.randn([B, 1, 28, 28], { generator: g });
  // Cross-entropy as -mean(sum(onehot * logSoftmax(logits))): the same value and gradient
  // as PyTorch's CrossEntropyLoss, from ops every kiln build has.
  const onehot = kiln.zeros([B, 10]);
  for (let i = 0; i < B; i++) onehot.data[i * 10 + ((i * 7) % 10)] = -1 / B;
  const lr = 0.01;
  const step = () => {
    for (const p of params) p.grad = null;
    const loss = net.forward(x).logSoftmax(1).mul(onehot).sum();
    loss.backward();
    for (const p of params) {
      const w = p.data;
      const d = p.grad.data;
      for (let i = 0; i < w.length; i++) w[i] -= lr * d[i];
    }
  };
  for (let i = 0; i < 5; i++) step();
  const per = Math.max(1, Math.floor(steps / 5));
  let best = Infinity;
  let bestCpu = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < per; i++) step();
    const c = process.cpuUsage(c0);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9 / per);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6 / per);
  }
  return { threads, samples_per_s: Math.round(B / best), ms_per_step: +(best * 1e3).toFixed(2), cpu_ms_per_step: +(bestCpu * 1e3).toFixed(2) };
}

function benchTorch(threads) {
  const env = {
    ...process.env,
    LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-openmp',
    OPENBLAS_CORETYPE: 'SkylakeX',
    MALLOC_MMAP_THRESHOLD_: '4294967296',
    MALLOC_TRIM_THRESHOLD_: '4294967296',
    MALLOC_TOP_PAD_: '268435456',
  };
  const r = spawnSync('/usr/bin/python3', [path.join(__dirname, 'cnn_torch.py'), String(threads), String(steps)], { env, encoding: 'utf8' });
  if (r.status !== 0) return { threads, error: (r.stderr || 'failed').trim().split('\n').pop() };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

for (const t of threadCounts) {
  const k = benchKiln(t);
  const line = { net: 'cnn', batch: B, threads: t, kiln: k.samples_per_s, kiln_ms: k.ms_per_step, kiln_cpu_ms: k.cpu_ms_per_step };
  if (withTorch) {
    const p = benchTorch(t);
    Object.assign(line, p.error ? { torch_error: p.error } : { torch: p.samples_per_s, torch_ms: p.ms_per_step, torch_cpu_ms: p.cpu_ms_per_step, ratio: +(k.samples_per_s / p.samples_per_s).toFixed(2) });
  }
  console.log(JSON.stringify(line));
}
