// Trainer.fit inside a long-lived service (the abort and timer basics are in trainer.test.ts):
// an abort stops fit within the batch in progress, takes no batch from the loader that it does
// not train on, and leaves model, optimiser, scheduler and dropout stream where a second fit
// resumes exactly (bit for bit what one uninterrupted run over the same batches gives); and
// fit lets other macrotasks run between every two batches (asserted by the order of events,
// never by time: the event-loop delay is measured and printed by scripts/soak.js).
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
  // An endless loader: the abort is the only way this fit ends, however fast or slow the
  // machine (no race between a timer's delay and the length of the run). Capped at 100,000
  // batches only so that a fit that never yields fails instead of hanging the worker.
  const batches = new data.DataLoader(dataset(4), { batchSize: 4 }); // 24 batches
  const endless: Iterable<[Tensor, Tensor]> = {
    *[Symbol.iterator]() {
      for (let n = 0; n < 100_000; n += 24) yield* batches;
    },
  };
  let steps = 0;
  let stepsAtAbort = -1;
  const counter: Callback = { onBatchEnd: () => void steps++ };
  const controller = new AbortController();
  setTimeout(() => {
    stepsAtAbort = steps;
    controller.abort();
  }, 0);
  const history = await run.trainer.fit(endless, { epochs: 1, callbacks: [counter], signal: controller.signal, progress: false });
  expect(history.stopReason).toBe('aborted');
  expect(stepsAtAbort).toBeGreaterThan(0);
  expect(steps).toBe(stepsAtAbort);
});

test('fit yields to the event loop between batches: a macrotask queued before batch k+1 runs before it is taken, in training and validation', async () => {
  // Order, not time: two kinds of macrotask, each of which must run between two batches.
  // (1) An immediate that a callback queues at the end of batch k runs before batch k+1 is
  //     taken from the loader. (2) A ticker outside fit, an immediate that queues itself
  //     again each time it runs, ticks between every two batches (train and validation,
  //     across epochs). A fit that did not yield (or yielded only to microtasks) would take
  //     batch k+1 first. How long the loop is held is measured in scripts/soak.js, not here.
  manualSeed(2);
  const model = new nn.Sequential(new nn.Linear(20, 16), new nn.ReLU(), new nn.Linear(16, 4));
  const trainer = new Trainer(model, { optimizer: new optim.Adam(model.parameters()), loss: new nn.CrossEntropyLoss() });
  const events: string[] = [];
  const taking = (name: string, loader: Iterable<[Tensor, Tensor]>): Iterable<[Tensor, Tensor]> => ({
    *[Symbol.iterator]() {
      let k = 0;
      for (const batch of loader) {
        events.push(`take ${name} ${k++}`);
        yield batch;
      }
    },
  });
  const train = taking('train', new data.DataLoader(dataset(3), { batchSize: 8 })); // 12 batches
  const validation = taking('val', new data.DataLoader(dataset(4), { batchSize: 16 })); // 6 batches
  const queueAtBatchEnd: Callback = { onBatchEnd: (k, logs) => void setImmediate(() => events.push(`immediate ${logs.epoch}.${k}`)) };
  let ticking = true;
  const tick = () => {
    if (!ticking) return;
    events.push('tick');
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await trainer.fit(train, { epochs: 2, validation, callbacks: [queueAtBatchEnd], progress: false });
  } finally {
    ticking = false;
  }

  const takes = events.map((e, i) => [e, i] as const).filter(([e]) => e.startsWith('take '));
  expect(takes.map(([e]) => e)).toEqual([0, 1].flatMap(() => [...Array.from({ length: 12 }, (_, k) => `take train ${k}`), ...Array.from({ length: 6 }, (_, k) => `take val ${k}`)]));
  // (1) Each batch's immediate ran after that batch was taken and before the next one was.
  for (let epoch = 0; epoch < 2; epoch++) {
    const at = (e: string) => events.indexOf(e);
    for (let k = 0; k < 12; k++) {
      const imm = at(`immediate ${epoch}.${k}`);
      const taken = takes.findIndex(([e], j) => e === `take train ${k}` && j >= epoch * 18);
      expect(imm).toBeGreaterThan(takes[taken][1]);
      expect(imm).toBeLessThan(takes[taken + 1]?.[1] ?? Infinity);
    }
  }
  // (2) The ticker ran between every two batches taken.
  const gaps = takes.slice(1).map(([e, i], j) => ({ between: `${takes[j][0]} / ${e}`, ticks: events.slice(takes[j][1] + 1, i).filter((x) => x === 'tick').length }));
  expect(gaps.filter((g) => g.ticks === 0)).toEqual([]);
});
