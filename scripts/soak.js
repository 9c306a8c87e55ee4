#!/usr/bin/env node
'use strict';
// Memory soak: trains an MLP like the demo's (784-512-256-10, BatchNorm1d when kiln has it,
// ReLU, Dropout, AdamW, cross-entropy) through Trainer.fit for many steps, sampling RSS, the
// V8 heap and ArrayBuffer memory after a forced GC, and reports how much they grew after a
// warm-up. A leak of anything per step (a tensor, a graph, a closure) shows as growth that
// scales with the step count; allocator and JIT noise do not.
//   npm run soak                      10,000 steps on MNIST, fails above 5% RSS growth
//   npm run soak -- --steps 2000 --data random --input 64 --hidden 512 --batch 64 --json
// It also reports how long the event loop was held during fit (its delay, from
// perf_hooks.monitorEventLoopDelay) beside the batch step time: a measurement, printed, not
// a pass/fail bound (a shared or slow machine moves it; the test of the yielding between
// batches is test/trainer-service.test.ts, which asserts the order of events instead).
// Options: --steps N, --batch N, --input N (random data), --hidden a,b,..., --data mnist|random,
// --warmup N (default 10% of steps), --sample-every N, --max-growth PCT, --leak (keep one
// activation per step: shows what a leak looks like), --json (one SOAK {...} line at the end).
require('./run-ts').register();
const { monitorEventLoopDelay } = require('perf_hooks');
const kiln = require('../lib');

const { nn, optim, data } = kiln;

function parseArgs(argv) {
  const o = { steps: 10000, batch: 64, input: 784, hidden: [512, 256], data: 'mnist', warmup: null, sampleEvery: 100, maxGrowth: 5, leak: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--steps') o.steps = Number(next());
    else if (a === '--batch') o.batch = Number(next());
    else if (a === '--input') o.input = Number(next());
    else if (a === '--hidden') o.hidden = next().split(',').map(Number);
    else if (a === '--data') o.data = next();
    else if (a === '--warmup') o.warmup = Number(next());
    else if (a === '--sample-every') o.sampleEvery = Number(next());
    else if (a === '--max-growth') o.maxGrowth = Number(next());
    else if (a === '--leak') o.leak = true;
    else if (a === '--json') o.json = true;
    else throw new Error(`soak: unknown option ${a}`);
  }
  if (o.data === 'mnist') o.input = 784;
  o.warmup ??= Math.max(o.sampleEvery, Math.round(o.steps / 10));
  return o;
}

/** A Module that runs `inner` and, with --leak, keeps a reference to every output: a deliberate leak of one activation per step. */
class Keep extends nn.Module {
  constructor(inner, kept) {
    super();
    this.inner = inner;
    this.kept = kept;
  }
  forward(x) {
    const y = this.inner.forward(x);
    if (this.kept) this.kept.push(y.detach());
    return y;
  }
}

function model(o, kept) {
  const layers = [];
  let width = o.input;
  o.hidden.forEach((h, i) => {
    const fc = new nn.Linear(width, h);
    layers.push(i === 0 ? new Keep(fc, kept) : fc);
    if (typeof nn.BatchNorm1d === 'function') layers.push(new nn.BatchNorm1d(h));
    layers.push(new nn.ReLU(), new nn.Dropout(0.2));
    width = h;
  });
  layers.push(new nn.Linear(width, 10));
  return new nn.Sequential(...layers);
}

function dataset(o) {
  if (o.data === 'mnist') return data.mnist({ split: 'train' });
  if (o.data !== 'random') throw new Error(`soak: --data must be mnist or random, got ${o.data}`);
  const n = 4096;
  const g = new kiln.Generator(7);
  const x = kiln.randn([n, o.input], { generator: g });
  const y = new kiln.Tensor(Float32Array.from({ length: n }, (_, i) => (i * 7) % 10), [n]);
  return new data.TensorDataset(x, y);
}

function sample(step) {
  if (global.gc) global.gc();
  const m = process.memoryUsage();
  return { step, rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** Least-squares slope of y over x. */
function slope(points, key) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.step, 0) / n;
  const my = points.reduce((s, p) => s + p[key], 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.step - mx) * (p[key] - my);
    den += (p.step - mx) ** 2;
  }
  return den > 0 ? num / den : 0;
}

const MB = 1024 * 1024;

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!global.gc) process.stderr.write('soak: run with node --expose-gc (npm run soak does) for exact heap figures\n');
  kiln.manualSeed(0);
  const kept = o.leak ? [] : null;
  const net = model(o, kept);
  const loader = new data.DataLoader(dataset(o), { batchSize: o.batch, shuffle: true, dropLast: true, generator: new kiln.Generator(1) });
  const trainer = new kiln.Trainer(net, { optimizer: new optim.AdamW(net.parameters(), { lr: 1e-3 }), loss: new nn.CrossEntropyLoss() });
  const samples = [];
  const controller = new AbortController();
  let step = 0;
  let lastLoss = NaN;
  const started = performance.now();
  // Batch steps: time between consecutive batch ends within an epoch (one step and one yield).
  const stepTimes = [];
  let lastEnd = NaN;
  const callback = {
    onEpochBegin: () => {
      lastEnd = NaN;
    },
    onBatchEnd: (_b, logs) => {
      const now = performance.now();
      if (Number.isFinite(lastEnd)) stepTimes.push(now - lastEnd);
      lastEnd = now;
      step++;
      lastLoss = logs.loss;
      if (step % o.sampleEvery === 0) samples.push(sample(step));
      if (!o.json && step % 1000 === 0) {
        const s = samples[samples.length - 1];
        const rate = step / ((performance.now() - started) / 1000);
        process.stdout.write(`step ${step}: loss ${lastLoss.toFixed(4)}, rss ${(s.rss / MB).toFixed(1)} MB, heap ${(s.heapUsed / MB).toFixed(1)} MB, array buffers ${(s.arrayBuffers / MB).toFixed(1)} MB, ${rate.toFixed(0)} steps/s\n`);
      }
      if (step >= o.steps) controller.abort();
    },
  };
  samples.push(sample(0));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await trainer.fit(loader, { epochs: Math.ceil(o.steps / loader.length) + 1, callbacks: [callback], signal: controller.signal, progress: false });
  delay.disable();
  const seconds = (performance.now() - started) / 1000;
  stepTimes.sort((a, b) => a - b);
  const quantile = (q) => (stepTimes.length ? +stepTimes[Math.min(stepTimes.length - 1, Math.floor(stepTimes.length * q))].toFixed(2) : null);
  // The loop waits at most for the step in progress (plus a GC): max delay near the step time.
  const eventLoop = {
    delayMaxMs: +(delay.max / 1e6).toFixed(2),
    delayP99Ms: +(delay.percentile(99) / 1e6).toFixed(2),
    delayMeanMs: +(delay.mean / 1e6).toFixed(2),
    stepMedianMs: quantile(0.5),
    stepP95Ms: quantile(0.95),
    stepMaxMs: quantile(1),
  };

  // Growth from the end of warm-up to the end, each end the floor (least value) of 5 samples:
  // a sample can land while a batch's buffers are still alive, which lifts one reading but
  // not the floor, while a leak lifts the floor. And the trend, as a least-squares slope.
  const after = samples.filter((s) => s.step >= o.warmup);
  const head = after.slice(0, 5);
  const tail = after.slice(-5);
  const at = (xs, key) => Math.min(...xs.map((s) => s[key]));
  const result = { steps: step, seconds: +seconds.toFixed(1), eventLoop, warmup: o.warmup, batch: o.batch, hidden: o.hidden, data: o.data, batchNorm: typeof nn.BatchNorm1d === 'function', leak: o.leak, loss: lastLoss };
  for (const key of ['rss', 'heapUsed', 'arrayBuffers']) {
    const start = at(head, key);
    const end = at(tail, key);
    result[key] = { start, end, growth: end - start, growthPct: +((100 * (end - start)) / start).toFixed(2), bytesPerStep: +slope(after, key).toFixed(1) };
  }
  if (o.json) {
    process.stdout.write(`SOAK ${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(
      `\n${step} steps in ${seconds.toFixed(0)} s (${(step / seconds).toFixed(0)} steps/s), final loss ${lastLoss.toFixed(4)}${result.batchNorm ? '' : ' (no BatchNorm1d in this build)'}\n` +
        `after a ${o.warmup}-step warm-up:\n` +
        ['rss', 'heapUsed', 'arrayBuffers']
          .map((k) => `  ${k.padEnd(12)} ${(result[k].start / MB).toFixed(1)} -> ${(result[k].end / MB).toFixed(1)} MB (${result[k].growthPct >= 0 ? '+' : ''}${result[k].growthPct}%), trend ${result[k].bytesPerStep} bytes/step`)
          .join('\n') +
        `\nevent-loop delay during fit: max ${eventLoop.delayMaxMs} ms, p99 ${eventLoop.delayP99Ms} ms, mean ${eventLoop.delayMeanMs} ms; ` +
        `batch step median ${eventLoop.stepMedianMs} ms, p95 ${eventLoop.stepP95Ms} ms, max ${eventLoop.stepMaxMs} ms (measured, not a bound)\n`,
    );
  }
  if (result.rss.growthPct > o.maxGrowth) {
    process.stderr.write(`soak: RSS grew ${result.rss.growthPct}% after warm-up, above ${o.maxGrowth}%\n`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(2);
});
