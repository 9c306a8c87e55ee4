// data.AsyncDataLoader and async loaders in Trainer.fit / evaluate: batches of a stream, pulled
// only when the trainer is ready for them (backpressure, counted, no clocks), and the same
// training as a DataLoader over the same samples.
import { Generator, Tensor, Trainer, data, nn, optim, randn, tensor } from '../lib';
import { expectClose, expectError } from './helpers';

const mse = (o: Tensor, t: Tensor) => o.sub(t.reshape(o.shape)).pow(2).mean();

function samples(n: number): [Tensor, Tensor][] {
  const g = new Generator(1);
  const x = randn([n, 3], { generator: g });
  return Array.from({ length: n }, (_, i) => [new Tensor(x.data.slice(3 * i, 3 * i + 3), [3]), tensor(i % 5)] as [Tensor, Tensor]);
}

/** A source that counts the samples pulled from it and whether it was closed, as a database cursor would. */
function countingSource(rows: [Tensor, Tensor][]) {
  const state = { pulled: 0, opened: 0, closed: 0 };
  const open = async function* () {
    state.opened++;
    try {
      for (const r of rows) {
        await Promise.resolve(); // an asynchronous read
        state.pulled++;
        yield r;
      }
    } finally {
      state.closed++;
    }
  };
  return { state, open };
}

/** A Linear model that records, at each forward, how many samples the source had given. */
class Probe extends nn.Module {
  readonly lin = new nn.Linear(3, 1);
  readonly seen: number[] = [];
  constructor(private readonly pulled: () => number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    this.seen.push(this.pulled());
    return this.lin.forward(x);
  }
}

function trainerFor(model: nn.Module) {
  return new Trainer(model, { optimizer: new optim.SGD(model.parameters(), { lr: 0.05 }), loss: mse });
}

describe('AsyncDataLoader', () => {
  test('batches a stream in order (last batch short, or dropped), with the default or a user collate', async () => {
    const rows = samples(7);
    const { open } = countingSource(rows);
    const loader = new data.AsyncDataLoader(open, { batchSize: 3 });
    const out: [Tensor, Tensor][] = [];
    for await (const b of loader) out.push(b);
    expect(out.map(([x, y]) => [x.shape, y.shape])).toEqual([[[3, 3], [3]], [[3, 3], [3]], [[1, 3], [1]]]);
    expect(out.flatMap(([, y]) => Array.from(y.data))).toEqual([0, 1, 2, 3, 4, 0, 1]);
    const dropped: unknown[] = [];
    for await (const b of new data.AsyncDataLoader(open, { batchSize: 3, dropLast: true })) dropped.push(b);
    expect(dropped.length).toBe(2);
    const ids: number[][] = [];
    for await (const b of new data.AsyncDataLoader(open, { batchSize: 4, collateFn: (s: [Tensor, Tensor][]) => s.map(([, y]) => y.item()) })) ids.push(b);
    expect(ids).toEqual([[0, 1, 2, 3], [4, 0, 1]]);
  });

  test('sources: a map-style dataset (in order), an IterableDataset, a re-iterable AsyncIterable, a function per epoch', async () => {
    const ds = new data.TensorDataset(tensor([[1], [2], [3]]), tensor([0, 1, 2]));
    const collect = async (l: AsyncIterable<[Tensor, Tensor]>) => {
      const r: number[] = [];
      for await (const [x] of l) r.push(...x.data);
      return r;
    };
    expect(await collect(new data.AsyncDataLoader(ds, { batchSize: 2 }))).toEqual([1, 2, 3]);
    class It extends data.IterableDataset {
      *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
        yield [tensor([9]), tensor(0)];
      }
    }
    expect(await collect(new data.AsyncDataLoader(new It()))).toEqual([9]);
    const reiterable = { async *[Symbol.asyncIterator]() { yield [tensor([4]), tensor(1)]; } };
    const l = new data.AsyncDataLoader(reiterable);
    expect([await collect(l), await collect(l)]).toEqual([[4], [4]]);
  });

  test('a break in for await closes the source, having pulled one batch', async () => {
    const { state, open } = countingSource(samples(10));
    for await (const [x] of new data.AsyncDataLoader(open, { batchSize: 4 })) {
      expect(x.shape).toEqual([4, 3]);
      break;
    }
    expect(state).toEqual({ pulled: 4, opened: 1, closed: 1 });
  });

  test('errors: bad source, options, a function returning no iterable, unbatchable samples', async () => {
    expectError(() => new data.AsyncDataLoader(5 as never), 'TypeError', /AsyncDataLoader: expected an AsyncIterable of samples, an IterableDataset, a dataset, or a function returning an iterable for source, got 5/);
    expectError(() => new data.AsyncDataLoader([[tensor(1), tensor(1)]] as never), 'TypeError', /for source, got an array of length 1/);
    expectError(() => new data.AsyncDataLoader(Promise.resolve(1) as never), 'TypeError', /for source, got a Promise/);
    expectError(() => new data.AsyncDataLoader(async function* () {}, { batchSize: 0 }), 'RangeError', /AsyncDataLoader: expected an integer >= 1 for batchSize, got 0/);
    expectError(() => new data.AsyncDataLoader(async function* () {}, { shuffle: true } as never), 'TypeError', /expected an option among batchSize, dropLast, collateFn for option name, got 'shuffle'/);
    expectError(() => new data.AsyncDataLoader(async function* () {}, { collateFn: 1 } as never), 'TypeError', /for collateFn, got 1/);
    const noIter = new data.AsyncDataLoader((() => 3) as never);
    await expect(noIter[Symbol.asyncIterator]().next()).rejects.toThrow(/AsyncDataLoader: expected source\(\) to return an AsyncIterable or an Iterable of samples for source\(\), got 3/);
    const junk = new data.AsyncDataLoader(async function* () {
      yield [tensor([1]), tensor(0)];
      yield 'row';
    }, { batchSize: 2 });
    await expect(junk[Symbol.asyncIterator]().next()).rejects.toThrow(/AsyncDataLoader: expected a sample \[input, target\] of Tensors or numbers for sample 1, got 'row'/);
  });
});

describe('Trainer with async loaders', () => {
  test('backpressure: fit pulls a batch only when it is ready to train on it, never more than one batch ahead', async () => {
    const rows = samples(10);
    const { state, open } = countingSource(rows);
    const val = countingSource(rows.slice(0, 5));
    const model = new Probe(() => state.pulled + val.state.pulled);
    const history = await trainerFor(model).fit(new data.AsyncDataLoader(open, { batchSize: 3 }), {
      epochs: 2,
      progress: false,
      validation: new data.AsyncDataLoader(val.open, { batchSize: 2 }),
    });
    expect(history.epochs.length).toBe(2);
    // At each training step k of an epoch, exactly (k + 1) * 3 samples (capped at 10) have been
    // pulled in that epoch: the batch being trained on, nothing of the next. Validation (5
    // samples, batches of 2) likewise pulls 2, 4, 5 before its three forwards.
    expect(model.seen).toEqual([3, 6, 9, 10, 10 + 2, 10 + 4, 10 + 5, 10 + 5 + 3, 10 + 5 + 6, 10 + 5 + 9, 20 + 5, 20 + 5 + 2, 20 + 5 + 4, 20 + 10]);
    expect(state).toEqual({ pulled: 20, opened: 2, closed: 2 });
    expect(val.state).toEqual({ pulled: 10, opened: 2, closed: 2 });
  });

  test('the same training as a DataLoader over the same samples; evaluate of an async loader resolves to the same result', async () => {
    const rows = samples(12);
    const ds = new data.TensorDataset(new Tensor(Float32Array.from(rows.flatMap(([x]) => Array.from(x.data))), [12, 3]), tensor(rows.map(([, y]) => y.item())));
    const make = () => {
      const m = new nn.Linear(3, 1);
      m.weight.data.set([0.1, -0.2, 0.3]);
      m.bias!.data.set([0.05]);
      return m;
    };
    const a = make();
    const b = make();
    const ha = await trainerFor(a).fit(new data.DataLoader(ds, { batchSize: 5 }), { epochs: 3, progress: false, validation: new data.DataLoader(ds, { batchSize: 4 }) });
    const hb = await trainerFor(b).fit(new data.AsyncDataLoader(countingSource(rows).open, { batchSize: 5 }), {
      epochs: 3,
      progress: false,
      validation: new data.AsyncDataLoader(ds, { batchSize: 4 }),
    });
    expect(hb.loss).toEqual(ha.loss);
    expect(hb.val_loss).toEqual(ha.val_loss);
    expect(Array.from(b.weight.data)).toEqual(Array.from(a.weight.data));
    const t = trainerFor(b);
    const pending = t.evaluate(new data.AsyncDataLoader(ds, { batchSize: 5 }));
    expect(pending).toBeInstanceOf(Promise);
    b.train();
    const r = await pending;
    expect(b.training).toBe(true);
    expectClose([r.loss], [t.evaluate(new data.DataLoader(ds, { batchSize: 5 })).loss], { rtol: 1e-6 });
  });

  test('an abort mid-epoch stops pulling and closes the source; a plain async generator of batches works too', async () => {
    const { state, open } = countingSource(samples(12));
    const controller = new AbortController();
    const trainer = trainerFor(new nn.Linear(3, 1));
    const history = await trainer.fit(new data.AsyncDataLoader(open, { batchSize: 4 }), {
      epochs: 3,
      progress: false,
      signal: controller.signal,
      callbacks: [{ onBatchEnd: (b: number) => void (b === 1 && controller.abort()) }],
    });
    expect(history.stopReason).toBe('aborted');
    expect(state).toEqual({ pulled: 8, opened: 1, closed: 1 });
    async function* batches() {
      yield [randn([2, 3]), randn([2])] as [Tensor, Tensor];
      yield [randn([2, 3]), randn([2])] as [Tensor, Tensor];
    }
    const h = await trainer.fit(batches(), { epochs: 1, progress: false });
    expect(h.epochs.length).toBe(1);
  });

  test('errors reach fit as rejections: a failing stream, a one-shot generator asked for a second epoch, bad batches', async () => {
    const trainer = trainerFor(new nn.Linear(3, 1));
    async function* failing() {
      yield [randn([3]), tensor(0)] as [Tensor, Tensor];
      throw new Error('connection reset');
    }
    await expect(trainer.fit(new data.AsyncDataLoader(failing, { batchSize: 1 }), { epochs: 1, progress: false })).rejects.toThrow('connection reset');
    const once = new data.AsyncDataLoader(failing(), { batchSize: 2 });
    await expect(trainer.fit(once, { epochs: 2, progress: false })).rejects.toThrow('connection reset');
    async function* one() {
      yield [randn([3]), tensor(0)] as [Tensor, Tensor];
    }
    const oneShot = new data.AsyncDataLoader(one(), { batchSize: 2 });
    await expect(trainer.fit(oneShot, { epochs: 2, progress: false })).rejects.toThrow(/Trainer.fit: expected at least one batch for trainLoader, got none/);
    async function* junk() {
      yield 5;
    }
    await expect(trainer.fit(junk() as never, { epochs: 1, progress: false })).rejects.toThrow(/Trainer.fit: expected a batch \[input, target\] of two Tensors for batch 0, got 5/);
    await expect(trainer.evaluate(junk() as never)).rejects.toThrow(/Trainer.evaluate: expected a batch \[input, target\] of two Tensors for batch 0, got 5/);
  });
});
