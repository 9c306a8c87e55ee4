#!/usr/bin/env node
'use strict';
// Forward + backward time of the normalisation layers, kiln vs PyTorch, on one thread.
//   npm run build && node bench/norm.js [--iters 20] [--no-torch]
// PyTorch is run through /usr/bin/python3 (or $KILN_BENCH_PYTHON) when it imports torch.
// Each case: y = norm(x) with weight and bias (RMSNorm: weight), then y.backward(g), so the
// time covers the forward, the fused backward and the gradient allocations of both libraries.
// 'kiln op' is the forward plus the op's own backward (y.gradFn.backward), without the
// autograd engine's copies of the seed and of the leaf's gradient: the layer's own cost.
// Times are medians of CPU time (user + system, so page faults count; kiln's includes V8's
// background GC threads, hence CPU above wall) and of wall time. On a shared machine neither
// is steady: run it more than once.
// PyTorch 1.13 has no RMSNorm: its time is torch.nn.RMSNorm's formula composed of ops,
// x * rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w, which is what a 1.13 user runs.
const { spawnSync } = require('child_process');
const path = require('path');
const kiln = require(path.join(__dirname, '..', 'dist'));

const args = process.argv.slice(2);
const iters = Number(args[args.indexOf('--iters') + 1]) || 20;
const withTorch = !args.includes('--no-torch');

const CASES = [
  { name: 'LayerNorm (4096, 1024)', kind: 'layer', shape: [4096, 1024] },
  { name: 'RMSNorm (4096, 1024)', kind: 'rms', shape: [4096, 1024] },
  { name: 'BatchNorm2d (256, 64, 32, 32)', kind: 'batch', shape: [256, 64, 32, 32] },
];

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(step) {
  for (let i = 0; i < 3; i++) step();
  const cpu = [];
  const wall = [];
  for (let i = 0; i < iters; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    step();
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const d = process.cpuUsage(c0);
    cpu.push((d.user + d.system) / 1e3);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

function benchKiln(c) {
  const { nn, randn } = kiln;
  const x = randn(c.shape, { requiresGrad: true });
  const g = randn(c.shape);
  const m = c.kind === 'layer' ? new nn.LayerNorm(c.shape[1]) : c.kind === 'rms' ? new nn.RMSNorm(c.shape[1]) : new nn.BatchNorm2d(c.shape[1]);
  const step = time(() => {
    x.grad = null;
    m.zeroGrad();
    m.forward(x).backward(g);
  });
  const op = time(() => m.forward(x).gradFn.backward(g.data));
  return { step, op };
}

const TORCH = `
import json, sys, time, torch
torch.set_num_threads(1)
iters = int(sys.argv[1])
out = {}
for name, kind, shape in json.loads(sys.argv[2]):
    x = torch.randn(*shape, requires_grad=True)
    g = torch.randn(*shape)
    if kind == 'layer':
        m = torch.nn.LayerNorm(shape[1]); f = m
    elif kind == 'batch':
        m = torch.nn.BatchNorm2d(shape[1]); f = m
    else:
        w = torch.nn.Parameter(torch.ones(shape[1])); eps = torch.finfo(torch.float32).eps
        f = lambda x: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w
    def step():
        x.grad = None
        f(x).backward(g)
    for _ in range(3): step()
    cpu, wall = [], []
    for _ in range(iters):
        c0 = time.process_time(); t0 = time.perf_counter(); step()
        wall.append((time.perf_counter() - t0) * 1e3); cpu.append((time.process_time() - c0) * 1e3)
    out[name] = {'cpu': sorted(cpu)[len(cpu) // 2], 'wall': sorted(wall)[len(wall) // 2]}
print(json.dumps({'version': torch.__version__, 'times': out}))
`;

function benchTorch() {
  const python = process.env.KILN_BENCH_PYTHON || '/usr/bin/python3';
  const spec = JSON.stringify(CASES.map((c) => [c.name, c.kind, c.shape]));
  const r = spawnSync(python, ['-c', TORCH, String(iters), spec], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) return null;
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

kiln.setNumThreads(1);
const info = kiln.backendInfo();
console.log(`kiln ${info.variant} (${info.simd}), 1 thread, medians of ${iters} forward+backward steps`);
const ours = CASES.map((c) => [c.name, benchKiln(c)]);
const torch = withTorch ? benchTorch() : null;
console.log(torch ? `PyTorch ${torch.version}, torch.set_num_threads(1)` : 'PyTorch: not run');
const col = (s) => String(s).padStart(13);
console.log('ms, cpu/wall'.padEnd(31) + col('kiln step') + col('kiln op') + (torch ? col('torch step') + col('speedup c/w') : ''));
for (const [name, k] of ours) {
  const fmt = (t) => `${t.cpu.toFixed(1)}/${t.wall.toFixed(1)}`;
  let line = name.padEnd(31) + col(fmt(k.step)) + col(fmt(k.op));
  if (torch) {
    const t = torch.times[name];
    line += col(fmt(t)) + col(`${(t.cpu / k.step.cpu).toFixed(2)}/${(t.wall / k.step.wall).toFixed(2)}x`);
  }
  console.log(line);
}
