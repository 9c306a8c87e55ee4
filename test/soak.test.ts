// The memory soak in short (scripts/soak.js; `npm run soak` is the 10,000-step run): 1,500
// Trainer steps of a 64-512-10 MLP with dropout and AdamW in a child process, memory sampled
// after a forced GC. The bound is set to catch a leak of ONE activation per step, and a run
// with such a leak (--leak keeps each step's first-layer output) must break it.
import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const BATCH = 64;
const HIDDEN = 512;
const STEPS = 1500;
const WARMUP = 300;

interface Growth {
  growth: number;
  bytesPerStep: number;
}
interface Soak {
  steps: number;
  rss: Growth;
  arrayBuffers: Growth;
  heapUsed: Growth;
}

function soak(...extra: string[]): Soak {
  const args = ['--expose-gc', 'scripts/soak.js', '--steps', String(STEPS), '--data', 'random', '--input', '64', '--hidden', String(HIDDEN), '--batch', String(BATCH), '--sample-every', '50', '--warmup', String(WARMUP), '--max-growth', '1000', '--json', ...extra];
  const r = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, KILN_NUM_THREADS: '1' }, encoding: 'utf8', timeout: 120_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('SOAK '));
  if (r.status !== 0 || !line) throw new Error(`soak.js failed (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line.slice(5)) as Soak;
}

// One leaked activation per step is BATCH x HIDDEN floats = 64 * 512 * 4 B = 128 KiB, so over
// the 1,200 steps after warm-up such a leak adds 150 MiB. The bound is a quarter of that
// (37.5 MiB) for RSS and the ArrayBuffer total, with the trend (least-squares bytes per step)
// held under a quarter of 128 KiB: a leak of a quarter of an activation per step would fail.
// Without a leak RSS moves by a few MiB (allocator and JIT) and the trend is ~1-3 KiB/step.
const ACTIVATION = BATCH * HIDDEN * 4;
const BOUND = (ACTIVATION * (STEPS - WARMUP)) / 4;

test(`${STEPS} training steps: memory after warm-up grows by less than a leak of a quarter of an activation per step`, () => {
  const r = soak();
  console.log(
    `soak ${r.steps} steps: RSS ${(r.rss.growth / 2 ** 20).toFixed(1)} MiB (${r.rss.bytesPerStep} B/step), ` +
      `array buffers ${(r.arrayBuffers.growth / 2 ** 20).toFixed(1)} MiB (${r.arrayBuffers.bytesPerStep} B/step), heap ${(r.heapUsed.growth / 2 ** 20).toFixed(2)} MiB; bound ${(BOUND / 2 ** 20).toFixed(1)} MiB`,
  );
  expect(r.steps).toBe(STEPS);
  expect(r.rss.growth).toBeLessThan(BOUND);
  expect(r.arrayBuffers.growth).toBeLessThan(BOUND);
  expect(r.rss.bytesPerStep).toBeLessThan(ACTIVATION / 4);
  expect(r.arrayBuffers.bytesPerStep).toBeLessThan(ACTIVATION / 4);
}, 120_000);

test('the bound catches a leak of one activation per step', () => {
  const r = soak('--leak');
  expect(r.arrayBuffers.growth).toBeGreaterThan(BOUND);
  expect(r.rss.growth).toBeGreaterThan(BOUND);
  // The trend is the activation size, to within the noise.
  expect(Math.abs(r.arrayBuffers.bytesPerStep - ACTIVATION)).toBeLessThan(ACTIVATION / 10);
}, 120_000);
