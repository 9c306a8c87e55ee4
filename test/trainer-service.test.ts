// Trainer.fit inside a long-lived service (the abort and timer basics are in trainer.test.ts):
// an abort stops fit within the batch in progress, takes no batch from the loader that it does
// not train on, and leaves model, optimiser, scheduler and dropout stream where a second fit
// resumes exactly (bit for bit what one uninterrupted run over the same batches gives); and
// the event loop's delay during fit stays within about one batch step.
import { monitorEventLoopDelay } from 'perf_hooks';
import { Generator, Tensor, Trainer, data, manualSeed, nn, optim, randn } from '../lib';
import type { Callback } from '../lib';

/** 96 samples of 20 features in 4 classes. */
function dataset(seed: number): data.TensorDataset {
  const g = new Generator(seed);
  const x = randn([96, 20], { generator: g });
  const y = new Tensor(Float32Array.from({ length: 96 }, (_, i) => (i * 7) % 4), [96]);
  return new data.TensorDataset(x, y);
}

/** A model with dropout (its own stream), AdamW, a per-epoch scheduler and clipping. */
function setup() {
  manualSeed(11);
  const dropoutStream = new Generator(5);
  const model = new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Dropout(0.3, { generator: dropoutStream }), new nn.Linear(32, 4));
  const opt = new optim.AdamW(model.parameters(), { lr: 0.01 });
  const scheduler = new optim.lrScheduler.StepLR(opt, { stepSize: 1, gamma: 0.5 });
  const trainer = new Trainer(model, { optimizer: opt, loss: new nn.CrossEntropyLoss(), scheduler, clipGradNorm: 1 });
  return { model, opt, scheduler, trainer, dropoutStream };
}

/** Everything a resumed run depends on, as plain numbers. */
function state(s: ReturnType<typeof setup>) {
  const optState = s.opt.stateDict().state;
  return {
    params: s.model.parameters().map((p) => Array.from(p.data)),
    moments: Object.values(optState).map((st) => [st.step, st.exp_avg, st.exp_avg_sq].map((t) => Array.from(t!.data))),
    lr: s.opt.paramGroups.map((g) => g.lr),
    dropoutOffset: s.dropoutStream.offset,
  };
}

/** Wraps a loader so that every batch it hands out is recorded. */
function recording(loader: Iterable<[Tensor, Tensor]>, into: [Tensor, Tensor][]): Iterable<[Tensor, Tensor]> {
  return {
    *[Symbol.iterator]() {
      for (const batch of loader) {
        into.push(batch);
        yield batch;
      }
    },
  };
}

test('an abort stops fit within the batch in progress; a second fit resumes exactly where an uninterrupted run would be', async () => {
  const run = setup();
  const loader = new data.DataLoader(dataset(3), { batchSize: 8, shuffle: true, generator: new Generator(9) }); // 12 batches
  const pulled: [Tensor, Tensor][] = [];
  const controller = new AbortController();
  let trained = 0;
  const abortAt: Callback = {
    onBatchEnd: () => {
      trained++;
      if (trained === 5) controller.abort();
    },
  };
  const first = await run.trainer.fit(recording(loader, pulled), { epochs: 3, callbacks: [abortAt], signal: controller.signal, progress: false });
  expect(first.stopReason).toBe('aborted');
  expect(first.epochs).toEqual([]);
  // Stopped within the batch it was in, and took no batch from the loader that it did not train on.
  expect(trained).toBe(5);
  expect(pulled.length).toBe(5);
  expect(run.model.training).toBe(true);

  // Resume: the same trainer, a fresh fit.
  const second = await run.trainer.fit(recording(loader, pulled), { epochs: 1, callbacks: [abortAt], progress: false });
  expect(second.stopReason).toBe('completed');
  expect(pulled.length).toBe(5 + 12);

  // The same batches in one uninterrupted run from the same initial state.
  const ref = setup();
  expect(state(ref).params).toEqual(state(setup()).params);
  await ref.trainer.fit(pulled.slice(), { epochs: 1, progress: false });
  // The interrupted run's scheduler stepped once (the aborted epoch never finished), as the reference's.

  expect(state(run)).toEqual(state(ref));
});

test('an abort during validation keeps the epoch it validated: recorded without val_ metrics, the scheduler stepped', async () => {
  const run = setup();
  const ref = setup();
  const train = new data.DataLoader(dataset(3), { batchSize: 8 });
  const controller = new AbortController();
  let seen = 0;
  // Validation batches that abort the run at the second one.
  const validation = {
    *[Symbol.iterator]() {
      for (const batch of new data.DataLoader(dataset(4), { batchSize: 8 })) {
        if (++seen === 2) controller.abort();
        yield batch;
      }
    },
  };
  const ends: number[] = [];
  const history = await run.trainer.fit(train, { epochs: 3, validation, signal: controller.signal, callbacks: [{ onEpochEnd: (e) => void ends.push(e) }], progress: false });
  expect(history.stopReason).toBe('aborted');
  expect(history.epochs.length).toBe(1);
  expect(history.epochs[0].loss).toBeGreaterThan(0);
  expect(history.epochs[0].val_loss).toBeUndefined();
  expect(ends).toEqual([]);
  // As one full epoch without validation: the same weights, moments and learning rate.
  await ref.trainer.fit(train, { epochs: 1, progress: false });
  expect(state(run)).toEqual(state(ref));
  expect(run.opt.paramGroups[0].lr).toBe(0.005);
});

test('an abort from a timer takes effect before the next batch: no step runs after it', async () => {
  const run = setup();
  const loader = new data.DataLoader(dataset(4), { batchSize: 4 });
  let steps = 0;
  let stepsAtAbort = -1;
  const counter: Callback = { onBatchEnd: () => void steps++ };
  const controller = new AbortController();
  setTimeout(() => {
    stepsAtAbort = steps;
    controller.abort();
  }, 30);
  const history = await run.trainer.fit(loader, { epochs: 1000, callbacks: [counter], signal: controller.signal, progress: false });
  expect(history.stopReason).toBe('aborted');
  expect(stepsAtAbort).toBeGreaterThan(0);
  expect(steps).toBe(stepsAtAbort);
});

test('the event loop stays responsive during fit: its delay is bounded by about one batch step', async () => {
  manualSeed(2);
  const model = new nn.Sequential(new nn.Linear(256, 256), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(256, 10));
  const trainer = new Trainer(model, { optimizer: new optim.Adam(model.parameters()), loss: new nn.CrossEntropyLoss() });
  const x = randn([128 * 80, 256], { generator: new Generator(1) });
  const y = new Tensor(Float32Array.from({ length: 128 * 80 }, (_, i) => i % 10), [128 * 80]);
  const train = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 128, shuffle: true }); // 80 batches
  const stamps: number[] = [];
  const timing: Callback = { onEpochBegin: () => void stamps.push(NaN), onBatchEnd: () => void stamps.push(performance.now()) };
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const started = performance.now();
  delay.enable();
  await trainer.fit(train, { epochs: 3, validation: train, callbacks: [timing], progress: false });
  delay.disable();
  const total = performance.now() - started;
  // Batch steps: the time between consecutive batch ends within an epoch (one step and one yield).
  const steps = stamps.slice(1).map((t, i) => t - stamps[i]).filter((d) => Number.isFinite(d)).sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)];
  const p95 = steps[Math.floor(steps.length * 0.95)];
  const maxDelay = delay.max / 1e6;
  console.log(
    `event-loop delay during fit: max ${maxDelay.toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, mean ${(delay.mean / 1e6).toFixed(1)} ms; ` +
      `batch step median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${steps[steps.length - 1].toFixed(1)} ms; fit ${total.toFixed(0)} ms`,
  );
  // A timer waits at most for the step in progress (and a garbage collection): 2x a step plus
  // 40 ms of slack for GC pauses and a shared CPU. A fit that did not yield would hold the
  // loop for its whole run (~total), far past this bound.
  const bound = 2 * p95 + 40;
  expect(total).toBeGreaterThan(5 * bound);
  expect(maxDelay).toBeLessThan(bound);
});
