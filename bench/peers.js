'use strict';
// The implementations a benchmark compares: kiln in this process, PyTorch in worker processes
// (default and tuned set-ups), TensorFlow.js (cpu and wasm backends) in this process.
// A peer that is not installed is skipped and named in the report.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const readline = require('readline');

const PYTHON = '/usr/bin/python3';

function torchAvailable() {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  return r.status === 0;
}

// OpenBLAS 0.3.21 does not recognise this CPU and falls back to old kernels unless told
// SkylakeX; the openmp build does not fight torch's own threads; glibc's thresholds stop it
// from mapping and unmapping big tensors every step (1.3-2.5x for torch here).
// KILN_BENCH_OPENBLAS_DIR points at another copy of the openmp build (e.g. one unpacked with
// dpkg -x where the package is not installed).
const OPENBLAS_DIR = process.env.KILN_BENCH_OPENBLAS_DIR || '/usr/lib/x86_64-linux-gnu/openblas-openmp';
const TUNED_ENV = {
  LD_LIBRARY_PATH: OPENBLAS_DIR,
  OPENBLAS_CORETYPE: 'SkylakeX',
  MALLOC_MMAP_THRESHOLD_: '4294967296',
  MALLOC_TRIM_THRESHOLD_: '4294967296',
  MALLOC_TOP_PAD_: '268435456',
};

/**
 * Whether the tuned peer's OpenBLAS is there: without it LD_LIBRARY_PATH finds nothing and
 * 'torch-tuned' would silently be the reference-BLAS torch under another name.
 */
function openblasAvailable() {
  return fs.existsSync(path.join(OPENBLAS_DIR, 'libblas.so.3'));
}

class TorchPeer {
  constructor(name, threads, extraEnv) {
    this.name = name;
    this.threads = threads;
    // OpenBLAS's own pool ignores torch.set_num_threads: without OPENBLAS_NUM_THREADS its
    // threads would use every core and busy-wait after each call, slowing whoever runs next.
    const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), ...extraEnv };
    this.proc = spawn(PYTHON, [path.join(__dirname, 'torch_worker.py'), String(threads)], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = readline.createInterface({ input: this.proc.stdout });
    this.queue = [];
    this.lines.on('line', (l) => {
      const waiter = this.queue.shift();
      if (waiter) waiter(JSON.parse(l));
    });
    this.ready = new Promise((resolve) => this.queue.push(resolve));
  }

  async request(workload, kase, iters) {
    await this.ready;
    const answer = new Promise((resolve) => this.queue.push(resolve));
    this.proc.stdin.write(`${JSON.stringify({ workload, case: kase, iters })}\n`);
    const r = await answer;
    if (r.error) throw new Error(`${this.name}: ${r.error}`);
    return r.value;
  }

  close() {
    this.proc.stdin.end();
  }
}

function loadTfjs() {
  const out = {};
  try {
    // eslint-disable-next-line global-require
    out.tf = require('@tensorflow/tfjs');
  } catch {
    return out;
  }
  try {
    // eslint-disable-next-line global-require
    require('@tensorflow/tfjs-backend-wasm');
    out.wasm = true;
  } catch {
    out.wasm = false;
  }
  return out;
}

module.exports = { torchAvailable, openblasAvailable, OPENBLAS_DIR, TorchPeer, TUNED_ENV, loadTfjs };
