// Trainer: convergence, the exact steps it takes, callbacks, early stopping, checkpoints,
// abort, event-loop responsiveness, progress output and option errors. The losses and the
// optimiser are small stand-ins written here from tensor ops (kiln.optim and the nn losses
// are tested on their own), shaped as API.md's interfaces.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Generator, Tensor, Trainer, callbacks, data, load, manualSeed, nn, optim, randn, tensor, zeros } from '../lib';
import type { Callback, EpochLogs, History } from '../lib';
import { expectClose, expectError } from './helpers';

// ---- stand-ins ----------------------------------------------------------------------------

/** Plain SGD over param groups, as optim.SGD without momentum: p -= lr * grad. Counts steps. */
class PlainSGD {
  paramGroups: { params: Tensor[]; lr: number }[];
  steps = 0;
  constructor(params: Tensor[], lr: number) {
    this.paramGroups = [{ params, lr }];
  }
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }
  step(): void {
    this.steps++;
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (!p.grad) continue;
        for (let i = 0; i < p.numel; i++) p.data[i] -= g.lr * p.grad.data[i];
      }
    }
  }
}

/** MSE with mean reduction: ((o - t)^2).mean(), targets reshaped to the output's shape. */
const mse = (o: Tensor, t: Tensor) => o.sub(t.reshape(o.shape)).pow(2).mean();

/** Cross-entropy from class indices: -(logSoftmax(o) * onehot(t)).sum() / N. */
class StandInCrossEntropy {
  forward(o: Tensor, t: Tensor): Tensor {
    const [n, c] = o.shape;
    const onehot = zeros([n, c]);
    for (let i = 0; i < n; i++) onehot.data[i * c + t.data[i]] = 1;
    return o.logSoftmax(1).mul(onehot).sum().mul(-1 / n);
  }
}

/** A stream that records what progress writes. */
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns: 120, write: (s: string) => chunks.push(s) };
}

const snapshot = (m: nn.Module) => m.parameters().map((p) => Array.from(p.data));

/** y = x . [1, -2, 0.5] + 0.3, 64 samples. */
function regressionData(seed = 1) {
  const g = new Generator(seed);
  const x = randn([64, 3], { generator: g });
  const y = x.matmul(tensor([[1], [-2], [0.5]])).add(0.3).reshape([64]);
  return new data.TensorDataset(x, y);
}

/** Four Gaussian blobs in 2-D, one per class, centred on (+-2, +-2). */
function blobs(n: number, seed: number) {
  const g = new Generator(seed);
  const noise = randn([n, 2], { generator: g });
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    y[i] = c;
    x[2 * i] = (c & 1 ? 2 : -2) + 0.6 * noise.data[2 * i];
    x[2 * i + 1] = (c & 2 ? 2 : -2) + 0.6 * noise.data[2 * i + 1];
  }
  return new data.TensorDataset(new Tensor(x, [n, 2]), new Tensor(y, [n]));
}

function mlp() {
  return new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 4));
}

// ---- convergence and exact steps ----------------------------------------------------------

describe('Trainer.fit trains', () => {
  test('a linear regression converges to the generating weights', async () => {
    manualSeed(0);
    const model = new nn.Linear(3, 1);
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0.1), loss: mse });
    const loader = new data.DataLoader(regressionData(), { batchSize: 16, shuffle: true, generator: new Generator(0) });
    const history = await trainer.fit(loader, { epochs: 40, progress: false });
    expect(history.epochs.length).toBe(40);
    expect(history.loss.length).toBe(40);
    expect(history.stopReason).toBe('completed');
    expect(history.loss[39]).toBeLessThan(1e-6);
    expect(history.loss[0]).toBeGreaterThan(100 * history.loss[39]);
    expectClose(model.weight, [[1, -2, 0.5]], { atol: 1e-3, rtol: 0 });
    expectClose(model.bias!, [0.3], { atol: 1e-3, rtol: 0 });
  });

  test('a classifier reaches high accuracy; the history holds loss, accuracy, val_ metrics and lr per epoch', async () => {
    manualSeed(0);
    const model = mlp();
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0.2), loss: new StandInCrossEntropy(), metrics: ['accuracy'] });
    const train = new data.DataLoader(blobs(200, 1), { batchSize: 20, shuffle: true, generator: new Generator(0) });
    const val = new data.DataLoader(blobs(100, 2), { batchSize: 32 });
    const history = await trainer.fit(train, { epochs: 15, validation: val, progress: false });
    expect(Object.keys(history.epochs[0])).toEqual(['epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr']);
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr'] as const) expect(history[key]!.length).toBe(15);
    expect(history.epochs.map((e) => e.epoch)).toEqual([...Array(15).keys()]);
    expect(history.lr.every((lr) => lr === 0.2)).toBe(true);
    expect(history.val_accuracy![14]).toBeGreaterThan(0.95);
    expect(history.accuracy![14]).toBeGreaterThan(0.95);
    expect(history.loss[14]).toBeLessThan(history.loss[0] / 5);
    // evaluate on the validation loader reproduces the last epoch's val_ logs.
    const ev = trainer.evaluate(val);
    expect(ev.loss).toBe(history.val_loss![14]);
    expect(ev.accuracy).toBe(history.val_accuracy![14]);
  });

  test('each step is zeroGrad, forward, loss + l1|w| + l2 w^2, backward, clip, step: fit matches a hand-written loop bit for bit', async () => {
    const opts = { l1: 0.01, l2: 0.05, clipGradNorm: 0.5 };
    const ds = blobs(24, 3);
    const lossFn = new StandInCrossEntropy();
    manualSeed(5);
    const a = mlp();
    const optA = new PlainSGD(a.parameters(), 0.3);
    await new Trainer(a, { optimizer: optA, loss: lossFn, ...opts }).fit(new data.DataLoader(ds, { batchSize: 5 }), { epochs: 2, progress: false });

    manualSeed(5);
    const b = mlp();
    const optB = new PlainSGD(b.parameters(), 0.3);
    let maxNormSeen = 0;
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const [x, y] of new data.DataLoader(ds, { batchSize: 5 })) {
        optB.zeroGrad();
        lossFn.forward(b.forward(x) as Tensor, y).backward();
        // The penalties' gradients, by hand: l1 * sign(w) + 2 * l2 * w, on weights (2-D) only.
        for (const p of b.parameters()) {
          if (p.ndim < 2) continue;
          for (let i = 0; i < p.numel; i++) p.grad!.data[i] += opts.l1 * Math.sign(p.data[i]) + 2 * opts.l2 * p.data[i];
        }
        let sq = 0;
        for (const p of b.parameters()) for (const g of p.grad!.data) sq += g * g;
        const norm = Math.sqrt(sq);
        maxNormSeen = Math.max(maxNormSeen, norm);
        const coef = Math.min(1, opts.clipGradNorm / (norm + 1e-6));
        for (const p of b.parameters()) for (let i = 0; i < p.numel; i++) p.grad!.data[i] *= coef;
        optB.step();
      }
    }
    expect(maxNormSeen).toBeGreaterThan(opts.clipGradNorm); // clipping took effect
    expect(optA.steps).toBe(10);
    snapshot(a).forEach((pa, k) => expectClose(pa, snapshot(b)[k], { rtol: 1e-6, atol: 1e-7, label: `parameter ${k}` }));
  });

  test('the logged loss is the data loss alone (penalties excluded), weighted by batch size', async () => {
    manualSeed(2);
    const model = new nn.Linear(3, 1);
    const ds = regressionData(4);
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0), loss: mse, l2: 10 });
    const history = await trainer.fit(new data.DataLoader(ds, { batchSize: 10 }), { epochs: 1, progress: false });
    const full = mse(model.forward(ds.x), ds.y).item();
    expect(history.loss[0]).toBeCloseTo(full, 5);
  });

  test('the scheduler steps once per epoch, and history.lr is the rate each epoch used', async () => {
    manualSeed(0);
    const model = new nn.Linear(3, 1);
    const opt = new PlainSGD(model.parameters(), 0.1);
    let steps = 0;
    const scheduler = {
      step: () => {
        steps++;
        opt.paramGroups[0].lr *= 0.5;
      },
    };
    const history = await new Trainer(model, { optimizer: opt, loss: mse, scheduler }).fit(new data.DataLoader(regressionData(), { batchSize: 16 }), { epochs: 3, progress: false });
    expect(steps).toBe(3);
    expect(history.lr).toEqual([0.1, 0.05, 0.025]);
    expect(opt.paramGroups[0].lr).toBe(0.0125);
  });

  test('a ReduceLROnPlateau steps with the validation loss, or the training loss without validation', async () => {
    // torch: scheduler.step(val_loss) after each epoch. A replay on the recorded losses must
    // give the same lrs epoch by epoch; the lr (1.0 is too large for this data) plateaus soon.
    for (const withValidation of [true, false]) {
      manualSeed(3);
      const model = new nn.Linear(3, 1);
      const opt = new optim.SGD(model.parameters(), { lr: 0.3 });
      const opts = { patience: 0, factor: 0.5, threshold: 0.05 };
      const scheduler = new optim.lrScheduler.ReduceLROnPlateau(opt, opts);
      const train = new data.DataLoader(regressionData(), { batchSize: 8 });
      const val = new data.DataLoader(regressionData(16), { batchSize: 8 });
      const history = await new Trainer(model, { optimizer: opt, loss: mse, scheduler }).fit(train, { epochs: 8, progress: false, ...(withValidation ? { validation: val } : {}) });
      const twin = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.3 });
      const replay = new optim.lrScheduler.ReduceLROnPlateau(twin, opts);
      const metrics = withValidation ? history.val_loss! : history.loss;
      expect(metrics).toHaveLength(8);
      const lrs = metrics.map((m) => {
        const lr = twin.paramGroups[0].lr;
        replay.step(m);
        return lr;
      });
      expect(history.lr).toEqual(lrs);
      expect(scheduler.getLastLr()).toEqual(replay.getLastLr());
      expect(scheduler.lastEpoch).toBe(8);
      expect(lrs[lrs.length - 1]).toBeLessThan(0.3); // it did reduce
    }
  });

  test('an array of [x, y] pairs works as a loader; the model mode is restored after fit', async () => {
    manualSeed(0);
    const model = new nn.Linear(3, 1);
    model.eval();
    const ds = regressionData();
    const pairs: [Tensor, Tensor][] = [[ds.x, ds.y]];
    const modes: boolean[] = [];
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0.1), loss: (o, t) => (modes.push(model.training), mse(o, t)) });
    await trainer.fit(pairs, { epochs: 2, validation: pairs, progress: false });
    expect(modes).toEqual([true, false, true, false]);
    expect(model.training).toBe(false);
  });
});

// ---- callbacks -----------------------------------------------------------------------------

describe('callbacks', () => {
  test('hooks fire in order, with the trainer, awaiting async hooks', async () => {
    manualSeed(0);
    const model = new nn.Linear(3, 1);
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0.05), loss: mse });
    const events: string[] = [];
    let slowDone = false;
    const first: Callback = {
      onTrainBegin: (t) => void events.push(`A trainBegin ${t === trainer}`),
      onEpochBegin: (e) => void events.push(`A epochBegin ${e} slowDone=${slowDone}`),
      onBatchEnd: (b, logs) => void events.push(`A batch ${logs.epoch}.${b} size ${logs.size} loss ${Number.isFinite(logs.loss)}`),
      onEpochEnd: async (e, logs) => {
        events.push(`A epochEnd ${e} ${Object.keys(logs).join(',')}`);
        slowDone = false;
        await new Promise((r) => setTimeout(r, 5));
        slowDone = true;
      },
      onTrainEnd: (h: History) => void events.push(`A trainEnd ${h.epochs.length}`),
    };
    const second: Callback = { onEpochEnd: (e) => void events.push(`B epochEnd ${e} slowDone=${slowDone}`), onTrainEnd: () => void events.push('B trainEnd') };
    const loader = new data.DataLoader(regressionData(), { batchSize: 30 });
    await trainer.fit(loader, { epochs: 2, validation: loader, callbacks: [first, second], progress: false });
    expect(events).toEqual([
      'A trainBegin true',
      'A epochBegin 0 slowDone=false',
      'A batch 0.0 size 30 loss true',
      'A batch 0.1 size 30 loss true',
      'A batch 0.2 size 4 loss true',
      'A epochEnd 0 epoch,loss,val_loss,lr',
      'B epochEnd 0 slowDone=true',
      'A epochBegin 1 slowDone=true',
      'A batch 1.0 size 30 loss true',
      'A batch 1.1 size 30 loss true',
      'A batch 1.2 size 4 loss true',
      'A epochEnd 1 epoch,loss,val_loss,lr',
      'B epochEnd 1 slowDone=true',
      'A trainEnd 2',
      'B trainEnd',
    ]);
  });

  test('earlyStopping stops after `patience` epochs without improvement', async () => {
    manualSeed(0);
    const model = new nn.Linear(3, 1);
    // lr 0: val_loss never changes, so no epoch after the first improves.
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0), loss: mse });
    const loader = new data.DataLoader(regressionData(), { batchSize: 16 });
    const stop = callbacks.earlyStopping({ patience: 2 });
    const history = await trainer.fit(loader, { epochs: 20, validation: loader, callbacks: [stop], progress: false });
    expect(history.epochs.length).toBe(3);
    expect(history.stopReason).toBe('stopped');
    expect(stop.stoppedEpoch).toBe(2);
    // Reusable: state resets at the next fit; patience 0 stops at the first epoch that does not improve.
    const again = await trainer.fit(loader, { epochs: 20, validation: loader, callbacks: [callbacks.earlyStopping({ monitor: 'loss' })], progress: false });
    expect(again.epochs.length).toBe(2);
  });

  test('earlyStopping: minDelta makes small improvements not count; accuracy is maximised', async () => {
    manualSeed(0);
    const model = new nn.Linear(3, 1);
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0.1), loss: mse });
    const loader = new data.DataLoader(regressionData(), { batchSize: 16 });
    // The loss falls every epoch, but never by 1e6.
    const h1 = await trainer.fit(loader, { epochs: 20, validation: loader, callbacks: [callbacks.earlyStopping({ patience: 1, minDelta: 1e6 })], progress: false });
    expect(h1.epochs.length).toBe(2);
    expect(h1.val_loss![1]).toBeLessThan(h1.val_loss![0]);
    // mode 'max' on a falling loss: never improves after the first epoch.
    const h2 = await trainer.fit(loader, { epochs: 20, validation: loader, callbacks: [callbacks.earlyStopping({ patience: 3, mode: 'max' })], progress: false });
    expect(h2.epochs.length).toBe(4);
  });

  test('earlyStopping with restoreBestWeights puts the best epoch parameters back', async () => {
    // An "optimiser" that walks the weight away from the target: val_loss rises every epoch.
    const model = new nn.Linear(1, 1, { bias: false });
    model.weight.data[0] = 1;
    const walker = { paramGroups: [{ lr: 1 }], zeroGrad() {}, step: () => void (model.weight.data[0] += 1) };
    const ds = new data.TensorDataset(tensor([[1], [2]]), tensor([1, 2]));
    const loader = new data.DataLoader(ds, { batchSize: 1 });
    const trainer = new Trainer(model, { optimizer: walker, loss: mse });
    const history = await trainer.fit(loader, { epochs: 10, validation: loader, callbacks: [callbacks.earlyStopping({ patience: 2, restoreBestWeights: true })], progress: false });
    expect(history.epochs.length).toBe(3);
    expect(model.weight.data[0]).toBe(3); // after epoch 0's two steps, the best
  });

  test('a missing monitor key is a RangeError that says what the logs hold', async () => {
    manualSeed(0);
    const model = new nn.Linear(3, 1);
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0.1), loss: mse });
    const loader = new data.DataLoader(regressionData(), { batchSize: 32 });
    await expect(trainer.fit(loader, { epochs: 2, callbacks: [callbacks.earlyStopping()], progress: false })).rejects.toMatchObject({
      name: 'RangeError',
      message: expect.stringMatching(/callbacks.earlyStopping: expected a key of the epoch logs \(loss, lr\) \(pass validation to fit\) for monitor, got 'val_loss'/),
    });
  });

  test('bestCheckpoint saves the state dict only when the monitored value improves', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-ckpt-'));
    try {
      const file = path.join(dir, 'best.safetensors');
      // w walks -1, 0, 1, 2, 3 toward and past the target 1: val_loss falls, then rises.
      const model = new nn.Linear(1, 1, { bias: false });
      model.weight.data[0] = -2;
      const walker = { paramGroups: [{ lr: 1 }], zeroGrad() {}, step: () => void (model.weight.data[0] += 1) };
      const loader = new data.DataLoader(new data.TensorDataset(tensor([[1], [2]]), tensor([1, 2])), { batchSize: 2 });
      const best = callbacks.bestCheckpoint(file);
      const onDisk: number[] = [];
      const reader: Callback = { onEpochEnd: async () => void onDisk.push((await load(file))['weight'].data[0]) };
      await new Trainer(model, { optimizer: walker, loss: mse }).fit(loader, { epochs: 5, validation: loader, callbacks: [best, reader], progress: false });
      expect(onDisk).toEqual([-1, 0, 1, 1, 1]);
      expect(best.bestEpoch).toBe(2);
      expect(best.best).toBe(0);
      expect(fs.readdirSync(dir)).toEqual(['best.safetensors']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('callback option errors', () => {
    expectError(() => callbacks.earlyStopping({ patience: -1 }), 'RangeError', /callbacks.earlyStopping: expected a non-negative integer for patience, got -1/);
    expectError(() => callbacks.earlyStopping({ minDelta: -0.1 }), 'RangeError', /expected a non-negative number for minDelta, got -0.1/);
    expectError(() => callbacks.earlyStopping({ mode: 'up' as 'min' }), 'RangeError', /expected 'auto', 'min' or 'max' for mode, got 'up'/);
    expectError(() => callbacks.earlyStopping({ monitor: 3 as unknown as string }), 'TypeError', /expected a log key such as val_loss for monitor, got 3/);
    expectError(() => callbacks.earlyStopping({ patiense: 3 } as object), 'TypeError', /for option name, got 'patiense'/);
    expectError(() => callbacks.bestCheckpoint(undefined as unknown as string), 'TypeError', /callbacks.bestCheckpoint: expected a file path \(a non-empty string\) for path, got undefined/);
  });
});

// ---- abort and responsiveness -------------------------------------------------------------

describe('fit in a service', () => {
  const setup = (seed = 0) => {
    manualSeed(seed);
    const model = new nn.Linear(3, 1);
    const opt = new PlainSGD(model.parameters(), 0.05);
    return { model, opt, trainer: new Trainer(model, { optimizer: opt, loss: mse }) };
  };
  const loader = () => new data.DataLoader(regressionData(), { batchSize: 4 }); // 16 batches

  test('an abort between batches resolves with the finished epochs and leaves no half-applied step', async () => {
    const { model, opt, trainer } = setup();
    const controller = new AbortController();
    const ends: string[] = [];
    const aborter: Callback = {
      onBatchEnd: (b, logs) => {
        if (logs.epoch === 1 && b === 2) controller.abort();
      },
      onTrainEnd: (h) => void ends.push(h.stopReason),
    };
    const history = await trainer.fit(loader(), { epochs: 5, callbacks: [aborter], signal: controller.signal, progress: false });
    expect(history.stopReason).toBe('aborted');
    expect(history.epochs.length).toBe(1);
    expect(ends).toEqual(['aborted']);
    expect(opt.steps).toBe(16 + 3);
    expect(model.training).toBe(true);
    // The parameters are exactly those after 19 whole steps.
    const ref = setup();
    let n = 0;
    outer: for (let e = 0; e < 2; e++) {
      for (const [x, y] of loader()) {
        if (n++ === 19) break outer;
        ref.opt.zeroGrad();
        mse(ref.model.forward(x), y).backward();
        ref.opt.step();
      }
    }
    expect(snapshot(model)).toEqual(snapshot(ref.model));
  });

  /**
   * Batches without end for these tests: a fit over them ends only by an abort. Capped at
   * 100,000 batches only so that a fit that never yields fails (completes) instead of
   * hanging the worker; a yielding fit is aborted within a few loop turns.
   */
  const endless = (): Iterable<[Tensor, Tensor]> => ({
    *[Symbol.iterator]() {
      for (let n = 0; n < 100_000; n += 16) yield* loader();
    },
  });

  test('an abort from a timer stops a fit that would never end; an already-aborted signal trains nothing', async () => {
    const { opt, trainer } = setup();
    const controller = new AbortController();
    let stepsAtAbort = -1;
    setTimeout(() => {
      stepsAtAbort = opt.steps;
      controller.abort();
    }, 0);
    const history = await trainer.fit(endless(), { epochs: 1, signal: controller.signal, progress: false });
    expect(history.stopReason).toBe('aborted');
    // The first step runs before any timer can; none runs after the abort.
    expect(stepsAtAbort).toBeGreaterThan(0);
    expect(opt.steps).toBe(stepsAtAbort);
    const before = opt.steps;
    const none = await trainer.fit(loader(), { epochs: 3, signal: AbortSignal.abort(), progress: false });
    expect(none.epochs).toEqual([]);
    expect(none.stopReason).toBe('aborted');
    expect(opt.steps).toBe(before);
  });

  test('timers fire while fit runs (it yields to the event loop between batches)', async () => {
    // Counts, not time: over an endless loader, fit ends only when an interval has ticked
    // three times, so a fit that never let timers run would never end. Each loop turn runs
    // at most one tick and (in its check phase) one batch, so batches ran between the ticks.
    const { opt, trainer } = setup();
    const controller = new AbortController();
    let firedAtStep = -1;
    const stepsAtTick: number[] = [];
    setTimeout(() => (firedAtStep = opt.steps), 0);
    const interval = setInterval(() => {
      stepsAtTick.push(opt.steps);
      if (stepsAtTick.length === 3) controller.abort();
    }, 1);
    try {
      const history = await trainer.fit(endless(), { epochs: 1, signal: controller.signal, progress: false });
      expect(history.stopReason).toBe('aborted');
    } finally {
      clearInterval(interval);
    }
    expect(firedAtStep).toBeGreaterThanOrEqual(1);
    expect(stepsAtTick.length).toBe(3);
    expect(stepsAtTick[0]).toBeGreaterThanOrEqual(1);
    expect(stepsAtTick[2]).toBeGreaterThan(stepsAtTick[0]);
    expect(opt.steps).toBe(stepsAtTick[2]);
  });

  test('one fit at a time per trainer', async () => {
    const { trainer } = setup();
    const first = trainer.fit(loader(), { epochs: 2, progress: false });
    await expect(trainer.fit(loader(), { epochs: 1, progress: false })).rejects.toThrow(/Trainer.fit: expected one fit at a time on a Trainer/);
    await first;
    await expect(trainer.fit(loader(), { epochs: 1, progress: false })).resolves.toMatchObject({ stopReason: 'completed' });
  });
});

// ---- progress output -----------------------------------------------------------------------

describe('progress', () => {
  const run = async (progress: unknown, epochs = 3) => {
    manualSeed(0);
    const model = mlp();
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0.1), loss: new StandInCrossEntropy(), metrics: ['accuracy'] });
    const val = new data.DataLoader(blobs(20, 2), { batchSize: 8 });
    return trainer.fit(new data.DataLoader(blobs(40, 1), { batchSize: 10 }), { epochs, validation: val, progress: progress as boolean });
  };
  const line = (e: number, n: number) => new RegExp(`^Epoch ${e}/${n} - loss \\d+\\.\\d{4} - accuracy \\d\\.\\d{4} - val_loss \\d+\\.\\d{4} - val_accuracy \\d\\.\\d{4} - lr 0\\.1 - \\d+\\.\\ds \\(\\d+ samples/s\\)\\n$`);

  test('not on a terminal: one plain line per epoch', async () => {
    const out = sink(false);
    const history = await run(out);
    expect(out.chunks.length).toBe(3);
    out.chunks.forEach((c, i) => expect(c).toMatch(line(i + 1, 3)));
    expect(out.chunks[2]).toContain(`loss ${history.loss[2].toFixed(4)}`);
  });

  test('progress: true writes to stderr (lines when it is not a TTY); false writes nothing', async () => {
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const outSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    try {
      await run(false);
      expect(err).not.toHaveBeenCalled();
      expect(outSpy).not.toHaveBeenCalled();
      await run(undefined, 2);
      expect(err.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(line(1, 2)), expect.stringMatching(line(2, 2))]);
      expect(outSpy).not.toHaveBeenCalled();
    } finally {
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
      err.mockRestore();
      outSpy.mockRestore();
    }
  });

  test('on a terminal: a cli-progress bar with epoch, batches, running loss and speed, then the epoch line', async () => {
    const out = sink(true);
    await run(out, 2);
    const text = out.chunks.join('');
    expect(text).toMatch(/Epoch 1\/2 \|[█░]+\| 0\/4 \| loss - \| - samples\/s/);
    expect(text).toMatch(/Epoch 2\/2 \|[█░]+\| [1-4]\/4 \| loss \d+\.\d{4} \| \d+ samples\/s \| ETA/);
    // What a terminal shows: each line from its last return to column 1 (ESC[1G), escapes removed.
    const lines = text.split('\n').map((l) => l.split('\x1b[1G').pop()!.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[78])/g, ''));
    expect(lines.filter((l) => /^Epoch \d\/2 - loss/.test(l)).length).toBe(2);
  });
});

// ---- evaluate and predict ------------------------------------------------------------------

describe('evaluate and predict', () => {
  /** A 2 -> 2 identity layer, so outputs are the inputs and argmax is known. */
  const identity = () => {
    const m = new nn.Linear(2, 2, { bias: false });
    m.weight.data.set([1, 0, 0, 1]);
    return m;
  };

  test('evaluate: sample-weighted mean loss and accuracy over uneven batches, in eval mode, mode restored', () => {
    const model = identity();
    const x = tensor([[1, 0], [0, 1], [2, 1], [0, 3], [5, 4]]);
    const y = tensor([0, 1, 1, 1, 0]); // argmax: 0, 1, 0, 1, 0 -> 4 of 5 right
    const seen: boolean[] = [];
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0.1), loss: (o, t) => (seen.push(model.training), new StandInCrossEntropy().forward(o, t)), metrics: ['accuracy'] });
    const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 2 });
    const result = trainer.evaluate(loader);
    expect(result.accuracy).toBeCloseTo(0.8, 12);
    expect(result.loss).toBeCloseTo(new StandInCrossEntropy().forward(x, y).item(), 6);
    expect(seen).toEqual([false, false, false]);
    expect(model.training).toBe(true);
    expect(model.weight.grad).toBeNull();
    model.eval();
    trainer.evaluate(loader);
    expect(model.training).toBe(false);
  });

  test('accuracy for a single logit per sample: positive means class 1', () => {
    const model = new nn.Linear(1, 1, { bias: false });
    model.weight.data[0] = 1;
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0.1), loss: mse, metrics: ['accuracy'] });
    const ds = new data.TensorDataset(tensor([[2], [-1], [3], [-4]]), tensor([1, 0, 0, 0]));
    expect(trainer.evaluate(new data.DataLoader(ds, { batchSize: 4 })).accuracy).toBe(0.75);
  });

  test('predict: the output under noGrad in eval mode, mode restored', () => {
    const model = identity();
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0.1), loss: mse });
    const out = trainer.predict(tensor([[3, 4]]));
    expect(out.requiresGrad).toBe(false);
    expect(out.gradFn).toBeNull();
    expect(Array.from(out.data)).toEqual([3, 4]);
    expect(model.training).toBe(true);
    model.eval();
    trainer.predict(tensor([[1, 1]]));
    expect(model.training).toBe(false);
    expectError(() => trainer.predict([[1, 2]] as unknown as Tensor), 'TypeError', /Trainer.predict: expected a Tensor for x, got an array/);
  });

  test('evaluate errors: empty loader, not iterable, bad batch, targets that do not fit the accuracy metric', () => {
    const model = identity();
    const trainer = new Trainer(model, { optimizer: new PlainSGD(model.parameters(), 0.1), loss: mse, metrics: ['accuracy'] });
    expectError(() => trainer.evaluate([]), 'RangeError', /Trainer.evaluate: expected at least one batch for loader, got none/);
    expectError(() => trainer.evaluate(3 as unknown as []), 'TypeError', /Trainer.evaluate: expected an iterable of \[input, target\] batches \(a DataLoader\) for loader, got 3/);
    expectError(() => trainer.evaluate([[tensor([[1, 2]])]] as unknown as []), 'TypeError', /expected a batch \[input, target\] of two Tensors for batch 0/);
    expectError(() => trainer.evaluate([[tensor([[1, 2]]), tensor([[1, 0]])]]), 'RangeError', /expected targets of shape \[1\] \(class indices\) for the accuracy metric, got \[1, 2\] with outputs \[1, 2\]/);
  });
});

// ---- option errors -------------------------------------------------------------------------

describe('Trainer option errors', () => {
  const model = new nn.Linear(3, 1);
  const optimizer = new PlainSGD(model.parameters(), 0.1);
  const ok = { optimizer, loss: mse };
  const make = (o: object) => () => new Trainer(model, o as never);

  test('constructor: types, values, names', () => {
    expectError(() => new Trainer({} as nn.Module, ok), 'TypeError', /Trainer: expected a Module for model, got an object/);
    expectError(make({ loss: mse }), 'TypeError', /Trainer: expected an optimizer \(an object with zeroGrad\(\), step\(\) and paramGroups\) for optimizer, got undefined/);
    expectError(make({ ...ok, optimizer: { step() {} } }), 'TypeError', /for optimizer, got an object/);
    expectError(make({ optimizer }), 'TypeError', /Trainer: expected a loss \(a Module with forward\(output, target\), or a function\) for loss, got undefined/);
    expectError(make({ ...ok, loss: nn.Linear }), 'TypeError', /did you mean new Linear\(\)\?/);
    expectError(make({ ...ok, metrics: ['f1'] }), 'RangeError', /Trainer: expected 'accuracy' for metrics\[0\], got 'f1'/);
    expectError(make({ ...ok, metrics: 'accuracy' }), 'TypeError', /expected an array of metric names/);
    expectError(make({ ...ok, clipGradNorm: 0 }), 'RangeError', /Trainer: expected a positive number for clipGradNorm, got 0/);
    expectError(make({ ...ok, clipGradNorm: NaN }), 'RangeError', /expected a finite number for clipGradNorm, got NaN/);
    expectError(make({ ...ok, clipGradNorm: '1' }), 'TypeError', /expected a number for clipGradNorm, got '1'/);
    expectError(make({ ...ok, l1: -0.1 }), 'RangeError', /Trainer: expected a non-negative number for l1, got -0.1/);
    expectError(make({ ...ok, l2: Infinity }), 'RangeError', /expected a finite number for l2, got Infinity/);
    expectError(make({ ...ok, scheduler: {} }), 'TypeError', /expected a scheduler \(an object with step\(\)\) for scheduler/);
    expectError(make({ ...ok, lr: 0.1 }), 'TypeError', /Trainer: expected an option among optimizer, loss, metrics, scheduler, clipGradNorm, l1, l2 for option name, got 'lr'/);
    expectError(() => new Trainer(model, undefined as never), 'TypeError', /expected an options object with optimizer and loss for options, got undefined/);
  });

  test('fit: rejections in kiln format', async () => {
    const trainer = new Trainer(model, ok);
    const loader = new data.DataLoader(regressionData(), { batchSize: 32 });
    const cases: [unknown, object | undefined, string, RegExp][] = [
      [loader, { epochs: 0 }, 'RangeError', /Trainer.fit: expected an integer >= 1 for epochs, got 0/],
      [loader, { epochs: 1.5 }, 'RangeError', /for epochs, got 1.5/],
      [loader, {}, 'TypeError', /expected an integer for epochs, got undefined/],
      [loader, undefined, 'TypeError', /expected an options object with epochs for options, got undefined/],
      [42, { epochs: 1 }, 'TypeError', /expected an iterable of \[input, target\] batches \(a DataLoader\) for trainLoader, got 42/],
      [loader, { epochs: 1, validation: {} }, 'TypeError', /for validation, got an object/],
      [loader, { epochs: 1, callbacks: {} }, 'TypeError', /expected an array of callbacks for callbacks/],
      [loader, { epochs: 1, callbacks: [{ onEpochEnd: 3 }] }, 'TypeError', /expected a function for callbacks\[0\].onEpochEnd, got 3/],
      [loader, { epochs: 1, callbacks: [null] }, 'TypeError', /expected a callback object for callbacks\[0\], got null/],
      [loader, { epochs: 1, progress: 'yes' }, 'TypeError', /expected a boolean or a stream for progress, got 'yes'/],
      [loader, { epochs: 1, signal: {} }, 'TypeError', /expected an AbortSignal for signal/],
      [loader, { epochs: 1, epoch: 1 }, 'TypeError', /for option name, got 'epoch'/],
      [[], { epochs: 1 }, 'RangeError', /expected at least one batch for trainLoader, got none/],
      [[[tensor([[1, 2, 3]]), 5]], { epochs: 1 }, 'TypeError', /expected a batch \[input, target\] of two Tensors for batch 0, got an array/],
    ];
    for (const [l, o, name, message] of cases) {
      const err = await trainer.fit(l as data.DataLoader, o === undefined ? (undefined as never) : ({ progress: false, ...o } as never)).then(
        () => null,
        (e: Error) => e,
      );
      expect(err).not.toBeNull();
      expect(err!.name).toBe(name);
      expect(err!.message).toMatch(message);
    }
  });

  test('fit: a loss that is not one element, a model that returns no Tensor', async () => {
    const loader = new data.DataLoader(regressionData(), { batchSize: 8 });
    const bad = new Trainer(model, { optimizer, loss: (o: Tensor) => o });
    await expect(bad.fit(loader, { epochs: 1, progress: false })).rejects.toMatchObject({
      name: 'RangeError',
      message: expect.stringMatching(/Trainer.fit: expected the loss to return a one-element Tensor for loss\(output, target\), got a Tensor of shape \[8, 1\]/),
    });
    class Broken extends nn.Module {
      override forward() {
        return [1];
      }
    }
    const broken = new Broken();
    await expect(new Trainer(broken, ok).fit(loader, { epochs: 1, progress: false })).rejects.toMatchObject({
      name: 'TypeError',
      message: expect.stringMatching(/expected the model to return a Tensor for model.forward\(x\), got \[1\]/),
    });
    expect(model.training).toBe(true);
  });
});
