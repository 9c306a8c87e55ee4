// DataLoader: batches of a dataset, optionally shuffled, as torch.utils.data.DataLoader; and
// AsyncDataLoader: batches of an asynchronous stream, pulled only as they are consumed.
import { Tensor } from '../tensor';
import { Generator, generatorFrom } from '../random';
import { formatShape, numelOf, sameShape } from '../shape';
import { checkBoolean, checkInt, checkOptions, rangeError, typeError } from '../errors';
import { rangeErrorText } from '../errors';
import { expectArity } from '../options';
import { Dataset, IterableDataset, TensorDataset, isMapStyle } from './dataset';
import { randperm } from './randperm';

/** A sample the default collate batches: an [input, target] pair of Tensors (or numbers, which become 0-d). */
export type Sample = [Tensor | number, Tensor | number];

/**
 * Options of {@link DataLoader}; unknown names are a TypeError.
 * @example new kiln.data.DataLoader(ds, { batchSize: 64, shuffle: true, dropLast: true, generator: new kiln.Generator(0) });
 */
export interface DataLoaderOptions<B = [Tensor, Tensor]> {
  /** Samples per batch, an integer >= 1 (the last batch may be smaller). @defaultValue 1 */
  batchSize?: number;
  /** Draw a fresh random order of the samples at each pass (map-style datasets only). @defaultValue false */
  shuffle?: boolean;
  /** Leave out the last batch when it would be smaller than batchSize. @defaultValue false */
  dropLast?: boolean;
  /** The stream the shuffles draw from; a seeded one replays the same epochs. @defaultValue the default generator */
  generator?: Generator;
  /** Turns the list of a batch's samples into the batch (default: data.defaultCollate). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collateFn?: (samples: any[]) => B;
}

const OPTION_NAMES = ['batchSize', 'shuffle', 'dropLast', 'generator', 'collateFn'];
const ASYNC_OPTION_NAMES = ['batchSize', 'dropLast', 'collateFn'];

/**
 * Stacks a batch's samples along a new first dimension, as torch's default_collate on
 * (input, target) pairs: [x_0 .. x_{B-1}] of shape S become one (B, ...S) tensor, and numbers
 * become a (B,) tensor. Every sample must have the first one's shapes.
 * @param samples a non-empty array of [input, target] pairs of Tensors or numbers
 * @returns `[inputs, targets]`
 * @throws TypeError for a sample that is not such a pair; RangeError for an empty array or samples of different shapes.
 * @example const [x, y] = data.defaultCollate([ds.get(0), ds.get(1)]); // x (2, ...), y (2,)
 */
export function defaultCollate(samples: Sample[]): [Tensor, Tensor] {
  if (!Array.isArray(samples)) throw typeError('data.defaultCollate', 'an array of samples', 'samples', samples);
  if (samples.length === 0) throw rangeError('data.defaultCollate', 'at least one sample', 'samples', samples);
  return collate('data.defaultCollate', samples, (i) => `samples[${i}]`);
}

/** A number as a 0-d tensor; anything else as it is. */
function asTensor(v: unknown): unknown {
  return typeof v === 'number' ? new Tensor(new Float32Array([v]), []) : v;
}

/** Stacks [x, y] samples; `label(i)` names sample i in errors (dataset.get(7), sample 3). */
function collate(where: string, samples: unknown[], label: (i: number) => string): [Tensor, Tensor] {
  const count = samples.length;
  let xs: Float32Array | null = null;
  let ys: Float32Array | null = null;
  let xShape: number[] = [];
  let yShape: number[] = [];
  for (let i = 0; i < count; i++) {
    const item = samples[i];
    const x = Array.isArray(item) ? asTensor(item[0]) : null;
    const y = Array.isArray(item) ? asTensor(item[1]) : null;
    if (!Array.isArray(item) || item.length !== 2 || !(x instanceof Tensor) || !(y instanceof Tensor)) {
      throw typeError(where, 'a sample [input, target] of Tensors or numbers', label(i), item);
    }
    if (xs === null || ys === null) {
      xShape = x.shape.slice();
      yShape = y.shape.slice();
      xs = new Float32Array(count * numelOf(xShape));
      ys = new Float32Array(count * numelOf(yShape));
    } else if (!sameShape(x.shape, xShape) || !sameShape(y.shape, yShape)) {
      throw rangeErrorText(
        where, `every sample of a batch to have the shapes of the first (x ${formatShape(xShape)}, y ${formatShape(yShape)})`, label(i),
        `x ${formatShape(x.shape)}, y ${formatShape(y.shape)}`,
      );
    }
    xs.set(x.data, i * x.numel);
    ys.set(y.data, i * y.numel);
  }
  return [new Tensor(xs!, [count, ...xShape]), new Tensor(ys!, [count, ...yShape])];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCollate = (samples: any[]) => unknown;

function checkCollate(where: string, fn: unknown): AnyCollate | null {
  if (fn === undefined) return null;
  if (typeof fn !== 'function') throw typeError(where, 'a function of the list of samples', 'collateFn', fn);
  return fn as AnyCollate;
}

/**
 * Iterates over a dataset in batches, as torch's DataLoader. With the default collate each
 * batch is `[x, y]`, the samples stacked along a new first dimension, so a TensorDataset with
 * x (N, 784) and y (N,) gives x (B, 784) and y (B,) (y stays a tensor of class indices); a
 * `collateFn` receives the list of a batch's samples and returns the batch instead.
 *
 * Iterating is synchronous and each pass is one epoch. A map-style dataset (a TensorDataset,
 * a Subset, or any `{ length, get(i) }`) is read in index order, or with `shuffle` in a fresh
 * permutation drawn from the generator each pass, so a seeded Generator replays the same
 * epochs. An IterableDataset is batched in iteration order, and `shuffle` is an error, as in
 * PyTorch. Batches are copies, never views of the dataset. For an asynchronous source (a
 * database cursor, a file stream), use data.AsyncDataLoader.
 * @param dataset a map-style dataset or an IterableDataset
 * @param opts `{ batchSize = 1, shuffle = false, dropLast = false, generator = the default generator, collateFn = data.defaultCollate }`
 * @throws TypeError for a wrong type or an unknown option; RangeError for batchSize < 1 or shuffle with an IterableDataset.
 * @example
 * const loader = new kiln.data.DataLoader(ds, { batchSize: 64, shuffle: true, generator: new kiln.Generator(0) });
 * for (const [x, y] of loader) { ... }
 */
export class DataLoader<B = [Tensor, Tensor]> implements Iterable<B> {
  /** The dataset batches are read from. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly dataset: Dataset<any> | IterableDataset<any>;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether each pass draws a fresh order. */
  readonly shuffle: boolean;
  /** Whether a smaller last batch is left out. */
  readonly dropLast: boolean;
  /** The stream shuffles draw from. */
  readonly generator: Generator;
  /** The user's collate function, or null for the default. */
  readonly collateFn: ((samples: unknown[]) => B) | null;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(dataset: Dataset<any> | IterableDataset<any>, opts: DataLoaderOptions<B> = {}) {
    expectArity('DataLoader', arguments, 1, true);
    const where = 'DataLoader';
    const o = checkOptions(where, opts, OPTION_NAMES as (keyof DataLoaderOptions<B> & string)[]);
    const iterable = dataset instanceof IterableDataset;
    if (!iterable && !isMapStyle(dataset)) {
      throw typeError(where, 'a dataset (a TensorDataset, an IterableDataset, or an object with length and get(i))', 'dataset', dataset);
    }
    if (!iterable) checkInt(where, 'dataset.length', (dataset as Dataset<unknown>).length);
    this.dataset = dataset;
    this.batchSize = checkInt(where, 'batchSize', o.batchSize ?? 1, 1);
    this.shuffle = checkBoolean(where, 'shuffle', o.shuffle ?? false);
    if (iterable && this.shuffle) throw rangeError(where, 'false with an IterableDataset (it has no indices to permute)', 'shuffle', true);
    this.dropLast = checkBoolean(where, 'dropLast', o.dropLast ?? false);
    this.generator = generatorFrom(where, o);
    this.collateFn = checkCollate(where, o.collateFn) as ((samples: unknown[]) => B) | null;
  }

  /**
   * The number of batches in one pass: ceil(N / batchSize), or floor with dropLast; undefined
   * for an IterableDataset without a numeric length.
   * @example new kiln.data.DataLoader(ds100, { batchSize: 32 }).length; // 4
   */
  get length(): number | undefined {
    const n = (this.dataset as { length?: unknown }).length;
    if (typeof n !== 'number') return undefined;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /**
   * One pass (epoch) over the dataset: batches `[x, y]` with the samples stacked along a new
   * first dimension (or what collateFn makes of them).
   * @throws {TypeError} when a custom dataset's get(i) does not return [Tensor, Tensor].
   * @throws {RangeError} when a custom dataset's samples in one batch differ in shape.
   * @example for (const [x, y] of loader) trainStep(x, y);
   */
  *[Symbol.iterator](): Iterator<B> {
    if (this.dataset instanceof IterableDataset) {
      yield* batchesOf(this.dataset, this.batchSize, this.dropLast, (samples, first) => this.batchOf(samples, (i) => `sample ${first + i}`));
      return;
    }
    const dataset = this.dataset as Dataset<unknown>;
    const n = dataset.length;
    const order = this.shuffle ? randperm(n, this.generator) : null;
    const batches = this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    const fast = dataset instanceof TensorDataset && !dataset.transform && !dataset.targetTransform && this.collateFn === null;
    for (let b = 0; b < batches; b++) {
      const start = b * this.batchSize;
      const end = Math.min(start + this.batchSize, n);
      if (fast) {
        const ds = dataset as TensorDataset;
        yield [gather(ds.x, order, start, end), gather(ds.y, order, start, end)] as unknown as B;
        continue;
      }
      const indices: number[] = [];
      for (let i = start; i < end; i++) indices.push(order === null ? i : order[i]);
      yield this.batchOf(indices.map((index) => dataset.get(index)), (i) => `dataset.get(${indices[i]})`);
    }
  }

  private batchOf(samples: unknown[], label: (i: number) => string): B {
    return this.collateFn ? this.collateFn(samples) : (collate('DataLoader', samples, label) as unknown as B);
  }

  /**
   * The batch count and options.
   * @example String(loader); // 'DataLoader(batches=4, batchSize=32, shuffle=false, dropLast=false)'
   */
  toString(): string {
    return `DataLoader(batches=${this.length ?? 'unknown'}, batchSize=${this.batchSize}, shuffle=${this.shuffle}, dropLast=${this.dropLast})`;
  }
}

/** Groups a stream of samples into batches (the last may be short unless dropLast). */
function* batchesOf<B>(source: Iterable<unknown>, size: number, dropLast: boolean, make: (samples: unknown[], first: number) => B): Generator_<B> {
  let samples: unknown[] = [];
  let first = 0;
  for (const s of source) {
    samples.push(s);
    if (samples.length === size) {
      yield make(samples, first);
      first += size;
      samples = [];
    }
  }
  if (samples.length > 0 && !dropLast) yield make(samples, first);
}

type Generator_<T> = globalThis.Generator<T, void, unknown>;

/** Rows order[start..end) of t (rows start..end when order is null) as a new tensor. */
function gather(t: Tensor, order: Int32Array | null, start: number, end: number): Tensor {
  const row = t.numel / t.shape[0];
  const shape = [end - start, ...t.shape.slice(1)];
  const src = t.data;
  if (order === null) return new Tensor(src.slice(start * row, end * row), shape);
  const out = new Float32Array((end - start) * row);
  if (row === 1) {
    for (let i = start; i < end; i++) out[i - start] = src[order[i]];
  } else {
    for (let i = start; i < end; i++) {
      const r = order[i] * row;
      out.set(src.subarray(r, r + row), (i - start) * row);
    }
  }
  return new Tensor(out, shape);
}

/** What AsyncDataLoader reads: an async or sync stream of samples, or a function that opens one per epoch. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AsyncSource = AsyncIterable<any> | IterableDataset<any> | Dataset<any> | (() => AsyncIterable<any> | Iterable<any>);

/** Options of AsyncDataLoader. */
export interface AsyncDataLoaderOptions<B = [Tensor, Tensor]> {
  /** Samples per batch. Default 1. */
  batchSize?: number;
  /** Drop the last batch when it is smaller than batchSize. Default false. */
  dropLast?: boolean;
  /** Turns the list of a batch's samples into the batch (default: data.defaultCollate). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collateFn?: (samples: any[]) => B;
}

/**
 * Batches an asynchronous stream of samples, such as the rows of a database query or the
 * records of a file stream, as an AsyncIterable: `for await (const [x, y] of loader)`.
 * Trainer.fit and Trainer.evaluate consume it. It has backpressure: a batch's samples are
 * pulled from the source only when that batch is asked for, so at most one batch is read ahead
 * of the training step, whatever the stream's length.
 *
 * Each pass (epoch) iterates the source afresh. An async generator object can be iterated
 * only once; for several epochs, pass a function that opens the stream, such as
 * `() => db.query(sql)`, or an object whose `[Symbol.asyncIterator]()` starts over.
 * @param source an AsyncIterable of samples, an IterableDataset, a map-style dataset (read in order), or a function returning an (async) iterable
 * @param opts `{ batchSize = 1, dropLast = false, collateFn = data.defaultCollate }`
 * @throws TypeError for a wrong type or an unknown option; RangeError for batchSize < 1. Iterating rejects with a TypeError when a function source returns something that is not iterable, or a sample the collate cannot batch.
 * @example
 * async function* rows() { for await (const r of cursor) yield [tensor(r.features), r.label]; }
 * const loader = new data.AsyncDataLoader(() => rows(), { batchSize: 32 });
 * await trainer.fit(loader, { epochs: 3 });
 */
export class AsyncDataLoader<B = [Tensor, Tensor]> implements AsyncIterable<B> {
  /** Where samples come from. */
  readonly source: AsyncSource;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether a last, smaller batch is dropped. */
  readonly dropLast: boolean;
  /** The user's collate function, or null for the default. */
  readonly collateFn: ((samples: unknown[]) => B) | null;

  constructor(source: AsyncSource, opts: AsyncDataLoaderOptions<B> = {}) {
    expectArity('AsyncDataLoader', arguments, 1, true);
    const where = 'AsyncDataLoader';
    const o = checkOptions(where, opts as Record<string, unknown> | undefined, ASYNC_OPTION_NAMES) as AsyncDataLoaderOptions<B>;
    const ok =
      typeof source === 'function' ||
      source instanceof IterableDataset ||
      isMapStyle(source) ||
      (source !== null && typeof source === 'object' && typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function');
    if (!ok) throw typeError(where, 'an AsyncIterable of samples, an IterableDataset, a dataset, or a function returning an iterable', 'source', source);
    if (isMapStyle(source)) checkInt(where, 'source.length', source.length);
    this.source = source;
    this.batchSize = checkInt(where, 'batchSize', o.batchSize ?? 1, 1);
    this.dropLast = checkBoolean(where, 'dropLast', o.dropLast ?? false);
    this.collateFn = checkCollate(where, o.collateFn) as ((samples: unknown[]) => B) | null;
  }

  /** The stream of one pass: samples are pulled one at a time, one batch at a time. */
  private open(): AsyncIterator<unknown> | Iterator<unknown> {
    const where = 'AsyncDataLoader';
    let s: unknown = this.source;
    if (typeof s === 'function') {
      s = (s as () => unknown)();
      const iterable = s !== null && typeof s === 'object' && (typeof (s as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' || typeof (s as Iterable<unknown>)[Symbol.iterator] === 'function');
      if (!iterable) throw typeError(where, 'source() to return an AsyncIterable or an Iterable of samples', 'source()', s);
    } else if (isMapStyle(s)) {
      const d = s;
      s = (function* () {
        for (let i = 0; i < d.length; i++) yield d.get(i);
      })();
    }
    const it = s as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
    return typeof it[Symbol.asyncIterator] === 'function' ? it[Symbol.asyncIterator]!() : it[Symbol.iterator]!();
  }

  /**
   * One pass (epoch) over the source: each batch's samples are pulled when that batch is asked for.
   * @throws {TypeError} (the iteration rejects) when a function source returns something that is not iterable, or a sample the collate cannot batch.
   * @example
   * const loader = new kiln.data.AsyncDataLoader(new kiln.data.TensorDataset(kiln.randn([10, 4]), kiln.arange(10)), { batchSize: 4 });
   * for await (const [x, y] of loader) console.log(x.shape); // [4, 4], [4, 4], [2, 4]
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<B, void, unknown> {
    const it = this.open();
    let first = 0;
    let finished = false;
    try {
      while (!finished) {
        const samples: unknown[] = [];
        while (samples.length < this.batchSize) {
          const r = await it.next();
          if (r.done) {
            finished = true;
            break;
          }
          samples.push(r.value);
        }
        if (samples.length === 0 || (finished && this.dropLast && samples.length < this.batchSize)) break;
        const start = first;
        yield this.collateFn ? this.collateFn(samples) : (collate('AsyncDataLoader', samples, (i) => `sample ${start + i}`) as unknown as B);
        first += samples.length;
      }
    } finally {
      // Stopped early (a break in for await, an abort, an error): let the source close its cursor.
      if (!finished) await it.return?.();
    }
  }

  /**
   * The batch size and dropLast.
   * @example String(new kiln.data.AsyncDataLoader(rows, { batchSize: 32 })); // 'AsyncDataLoader(batchSize=32, dropLast=false)'
   */
  toString(): string {
    return `AsyncDataLoader(batchSize=${this.batchSize}, dropLast=${this.dropLast})`;
  }
}
