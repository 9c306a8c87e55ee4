#!/usr/bin/env node
'use strict';
// kiln's benchmark suite: every workload runs kiln and each installed peer in one run,
// alternating sample by sample so that machine noise hits all of them alike, and reports
// median, min and max with the ratio kiln/peer (>1 means kiln is faster). Not a test: no
// pass/fail. W7 (peak RSS) runs each implementation in a fresh process instead. Usage: npm run bench -- [--threads 1,2] [--only W1,W2] [--rounds 5] [--quick]
const fs = require('fs');
const path = require('path');
const { Command } = require('commander');
const kiln = require('..');
const { torchAvailable, openblasAvailable, OPENBLAS_DIR, TorchPeer, TUNED_ENV, loadTfjs } = require('./peers');
const { peakRss } = require('./rss');

const program = new Command()
  .option('--threads <list>', 'thread counts to run, comma separated', '1,2')
  .option('--only <ids>', 'workload ids to run (W1,W2,...)')
  .option('--rounds <n>', 'samples per peer and case', '5')
  .option('--seconds <s>', 'target seconds per sample', '0.25')
  .option('--quick', 'one round, short samples (a smoke run)')
  .option('--out <file>', 'JSON report path', path.join(__dirname, 'results', 'latest.json'))
  .parse();
const opts = program.opts();
const rounds = opts.quick ? 1 : Number(opts.rounds);
const target = opts.quick ? 0.05 : Number(opts.seconds);
const threadCounts = opts.threads.split(',').map(Number);

const workloads = fs
  .readdirSync(path.join(__dirname, 'workloads'))
  .filter((f) => /^w\d.*\.js$/.test(f))
  .map((f) => require(path.join(__dirname, 'workloads', f)))
  .filter((w) => !opts.only || opts.only.split(',').includes(w.id))
  .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Seconds per iteration of a synchronous or async step, over `iters` iterations. */
async function timeSteps(step, iters) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) {
    const r = step();
    if (r && typeof r.then === 'function') await r;
  }
  return Number(process.hrtime.bigint() - t0) / 1e9 / iters;
}

/**
 * Iterations per sample: doubles the count until a run takes a quarter of the target, which
 * also warms up the JIT and the allocator before any sample counts.
 */
async function calibrate(step) {
  let iters = 1;
  for (;;) {
    const t = (await timeSteps(step, iters)) * iters;
    if (t >= target / 4 || iters >= 1e6) return Math.max(1, Math.min(1e6, Math.ceil((iters * target) / Math.max(t, 1e-9))));
    iters *= 2;
  }
}

function inProcessPeer(name, make) {
  return {
    name,
    async prepare(w, c) {
      this.step = await make(w, c);
      if (!this.step) return false;
      this.iters = await calibrate(this.step);
      return true;
    },
    sample() {
      return timeSteps(this.step, this.iters);
    },
  };
}

function torchPeer(name, proc) {
  return {
    name,
    async prepare(w, c) {
      if (!w.torch) return false;
      this.w = w;
      this.c = c;
      const one = await proc.request(w.torch, c, 1);
      this.iters = Math.max(1, Math.min(1e6, Math.ceil(target / Math.max(one, 1e-9))));
      return true;
    },
    sample() {
      return proc.request(this.w.torch, this.c, this.iters);
    },
  };
}

async function main() {
  const skipped = [];
  const hasTorch = torchAvailable();
  if (!hasTorch) skipped.push('PyTorch (/usr/bin/python3 with torch not found: apt-get install python3-torch)');
  const hasTuned = hasTorch && openblasAvailable();
  if (hasTorch && !hasTuned) skipped.push(`torch-tuned (no OpenBLAS openmp build in ${OPENBLAS_DIR}: apt-get install libopenblas0-openmp, or set KILN_BENCH_OPENBLAS_DIR)`);
  const tfjs = loadTfjs();
  if (!tfjs.tf) skipped.push('TensorFlow.js (@tensorflow/tfjs not installed)');
  else if (!tfjs.wasm) skipped.push('TensorFlow.js wasm (@tensorflow/tfjs-backend-wasm not installed)');
  if (tfjs.tf) await tfjs.tf.ready();

  const report = { date: new Date().toISOString(), backend: kiln.backendInfo(), skipped, results: [] };
  console.log(`kiln ${report.backend.variant} (${report.backend.simd.split(',')[0]}), Eigen ${report.backend.eigen}`);
  if (skipped.length) console.log(`skipped peers: ${skipped.join('; ')}`);

  for (const threads of threadCounts) {
    kiln.setNumThreads(threads);
    const torchProcs = hasTorch ? [new TorchPeer('torch', threads, {})] : [];
    if (hasTuned) torchProcs.push(new TorchPeer('torch-tuned', threads, TUNED_ENV));
    const peers = [inProcessPeer('kiln', (w, c) => w.kiln(kiln, c))];
    for (const p of torchProcs) peers.push(torchPeer(p.name, p));
    // TensorFlow.js's cpu backend is single-threaded JavaScript and its wasm backend runs one
    // thread in Node: they are compared at 1 thread only.
    if (tfjs.tf && threads === 1) {
      const tfPeer = (backend) =>
        inProcessPeer(`tfjs-${backend}`, async (w, c) => {
          if (!w.tfjs) return null;
          await tfjs.tf.setBackend(backend);
          return w.tfjs(tfjs.tf, c);
        });
      peers.push(tfPeer('cpu'));
      if (tfjs.wasm) peers.push(tfPeer('wasm'));
    }
    for (const w of workloads) {
      for (const c of w.cases) {
        const label = `${w.id} ${w.title} ${w.label(c)} @${threads}t`;
        const active = [];
        for (const p of peers) {
          try {
            if (await p.prepare(w, c)) active.push(p);
          } catch (e) {
            console.log(`  ${label}: ${p.name} failed: ${e.message}`);
          }
        }
        const samples = Object.fromEntries(active.map((p) => [p.name, []]));
        for (let r = 0; r < rounds; r++) {
          for (const p of active) {
            // Let the previous peer's worker threads stop spinning (OpenMP and OpenBLAS
            // busy-wait for up to ~0.1 s after a call) before this peer's clock starts.
            await new Promise((resolve) => setTimeout(resolve, 150));
            if (p.name.startsWith('tfjs')) await tfjs.tf.setBackend(p.name.slice(5));
            samples[p.name].push(w.value(c, await p.sample()));
          }
        }
        const stats = {};
        for (const [name, xs] of Object.entries(samples)) stats[name] = { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
        const k = stats.kiln.median;
        const ratios = {};
        for (const [name, s] of Object.entries(stats)) {
          if (name !== 'kiln') ratios[name] = w.higherIsBetter ? k / s.median : s.median / k;
        }
        report.results.push({ workload: w.id, title: w.title, case: w.label(c), threads, unit: w.unit, stats, ratios });
        const fmt = (s) => `${s.median.toPrecision(4)} [${s.min.toPrecision(3)}-${s.max.toPrecision(3)}]`;
        const cols = Object.entries(stats).map(([n, s]) => `${n} ${fmt(s)}`).join('  ');
        const rs = Object.entries(ratios).map(([n, r]) => `x${r.toFixed(2)} vs ${n}`).join(', ');
        console.log(`${label}  (${w.unit})  ${cols}  => ${rs}`);
      }
    }
    torchProcs.forEach((p) => p.close());
    if (!opts.only || opts.only.split(',').includes('W7')) {
      const rss = peakRss(threads, hasTorch);
      const stats = {};
      for (const [name, kib] of Object.entries(rss)) if (kib) stats[name] = { median: kib / 1024, min: kib / 1024, max: kib / 1024 };
      const ratios = {};
      for (const [name, st] of Object.entries(stats)) if (name !== 'kiln' && stats.kiln) ratios[name] = st.median / stats.kiln.median;
      report.results.push({ workload: 'W7', title: 'peak RSS of W1', case: 'batch 128, 300 steps', threads, unit: 'MiB', stats, ratios });
      console.log(`W7 peak RSS of W1 @${threads}t  (MiB)  ${Object.entries(stats).map(([n, st]) => `${n} ${st.median.toFixed(0)}`).join('  ')}`);
    }
  }

  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, JSON.stringify(report, null, 2));
  printTable(report);
  console.log(`\nJSON report: ${opts.out}`);
}

function printTable(report) {
  console.log('\nkiln speed ratio (median kiln / median peer; >1: kiln faster)');
  const peersSeen = [...new Set(report.results.flatMap((r) => Object.keys(r.ratios)))];
  const header = ['workload', 'case', 'threads', ...peersSeen];
  const rows = report.results.map((r) => [r.workload, r.case, String(r.threads), ...peersSeen.map((p) => (r.ratios[p] ? r.ratios[p].toFixed(2) : '-'))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(header));
  rows.forEach((row) => console.log(line(row)));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
