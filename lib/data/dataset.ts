// Datasets, as torch.utils.data: map-style (length and get(i)), iterable-style (a stream of
// samples), and the wrappers that index into them (Subset, ConcatDataset, randomSplit).
import { Tensor } from '../tensor';
import { formatShape } from '../shape';
import { Generator, generatorFrom } from '../random';
import { checkInt, checkOptions, rangeError, typeError } from '../errors';
import { rangeErrorText } from '../errors';
import { expectArity } from '../options';
import { randperm } from './randperm';
import type { Transform } from './transforms';
import { applyTransform, checkTransform } from './apply';

/**
 * A map-style dataset, as torch.utils.data.Dataset: a length and the i-th sample. Subclass it
 * (implement `length` and `get(i)`), or pass any object with those two members to a DataLoader.
 * @typeParam T the sample type, `[input, target]` by default
 * @example
 * class Squares extends data.Dataset<[Tensor, Tensor]> {
 *   get length() { return 10; }
 *   get(i: number): [Tensor, Tensor] { return [tensor([i]), tensor(i * i)]; }
 * }
 */
export abstract class Dataset<T = [Tensor, Tensor]> {
  /** The number of samples. */
  abstract readonly length: number;
  /**
   * Sample i, for i in [0, length).
   * @param i the sample's index
   * @example const [x0, y0] = new kiln.data.TensorDataset(kiln.randn([10, 4]), kiln.arange(10)).get(0); // x0 shape [4], y0 shape []
   */
  abstract get(i: number): T;
}

/**
 * An iterable-style dataset, as torch.utils.data.IterableDataset: a stream of samples with no
 * random access (lines of a file, rows of a query). Subclass it and implement
 * `[Symbol.iterator]`; a DataLoader batches the samples in iteration order (shuffle is an
 * error, as in PyTorch). For sources that produce samples asynchronously, use
 * data.AsyncDataLoader.
 * @typeParam T the sample type, `[input, target]` by default
 * @example
 * class Counter extends data.IterableDataset<[Tensor, Tensor]> {
 *   *[Symbol.iterator]() { for (let i = 0; i < 5; i++) yield [tensor([i]), tensor(i)] as [Tensor, Tensor]; }
 * }
 * for (const [x, y] of new data.DataLoader(new Counter(), { batchSize: 2 })) { ... }
 */
export abstract class IterableDataset<T = [Tensor, Tensor]> implements Iterable<T> {
  /**
   * A fresh iterator over the samples; each call starts a new pass (an epoch).
   * @example
   * class Counter extends kiln.data.IterableDataset<number> { *[Symbol.iterator]() { for (let i = 0; i < 3; i++) yield i; } }
   * [...new Counter()]; // [0, 1, 2]
   */
  abstract [Symbol.iterator](): Iterator<T>;
}

/** Whether `d` is a map-style dataset: a `get` method and a numeric length. */
export function isMapStyle(d: unknown): d is Dataset<unknown> {
  return d !== null && typeof d === 'object' && typeof (d as Dataset<unknown>).get === 'function' && typeof (d as Dataset<unknown>).length === 'number';
}

/** `i` as an index into a dataset of n samples; negative i counts from the end, as Python's lists. */
function resolveIndex(where: string, i: unknown, n: number): number {
  const k = checkInt(where, 'i', i, -n, n - 1);
  return k < 0 ? k + n : k;
}

/** One sample (row i) of a tensor along its first dimension, copied. */
export function rowOf(t: Tensor, i: number): Tensor {
  const row = t.shape.length === 0 ? 1 : t.numel / t.shape[0];
  return new Tensor(t.data.slice(i * row, (i + 1) * row), t.shape.slice(1));
}

/** Options of TensorDataset: per-sample transforms, as torchvision datasets take them. */
export interface TensorDatasetOptions {
  /** Applied to each input sample x[i] as it is read (see data.transforms). */
  transform?: Transform;
  /** Applied to each target sample y[i] as it is read. */
  targetTransform?: Transform;
}

/**
 * A dataset over two tensors that share their first dimension, as torch's TensorDataset:
 * sample i is (x[i], y[i]). For classification, y holds class indices, shape (N,).
 * As torchvision's datasets, it takes an optional `transform` (applied to x[i]) and
 * `targetTransform` (applied to y[i]) that run per sample each time it is read, so a random
 * augmentation draws afresh every epoch.
 * @param x inputs, shape (N, ...)
 * @param y targets, shape (N, ...)
 * @param opts `{ transform?, targetTransform? }`: a function of a Tensor or an object with forward(x), such as data.transforms.Compose
 * @throws {TypeError} when x or y is not a Tensor, or a transform is not a function.
 * @throws {RangeError} when either is 0-D or their first dimensions differ.
 * @example const ds = new kiln.data.TensorDataset(kiln.randn([100, 4]), kiln.tensor(labels), { transform: new kiln.data.transforms.Normalize(0.5, 0.25) }); ds.get(0);
 */
export class TensorDataset extends Dataset<[Tensor, Tensor]> {
  /** The inputs, shape (N, ...). */
  readonly x: Tensor;
  /** The targets, shape (N, ...). */
  readonly y: Tensor;
  /** The per-sample input transform, or null. */
  readonly transform: Transform | null;
  /** The per-sample target transform, or null. */
  readonly targetTransform: Transform | null;

  constructor(x: Tensor, y: Tensor, opts: TensorDatasetOptions = {}) {
    super();
    expectArity('TensorDataset', arguments, 2, true);
    const where = 'TensorDataset';
    if (!(x instanceof Tensor)) throw typeError(where, 'a Tensor', 'x', x);
    if (!(y instanceof Tensor)) throw typeError(where, 'a Tensor', 'y', y);
    if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
      throw rangeErrorText(where, 'the same first dimension', 'x and y', `x of shape ${formatShape(x.shape)} and y of shape ${formatShape(y.shape)}`);
    }
    const o = checkOptions(where, opts, ['transform', 'targetTransform']);
    this.x = x;
    this.y = y;
    this.transform = o.transform === undefined ? null : checkTransform(where, 'transform', o.transform);
    this.targetTransform = o.targetTransform === undefined ? null : checkTransform(where, 'targetTransform', o.targetTransform);
  }

  /** The number of samples, N. */
  get length(): number {
    return this.x.shape[0];
  }

  /**
   * Sample i as copies: [x[i], y[i]] (y[i] has shape [] when y is (N,)), after the transforms.
   * @param i the index; negative i counts from the end
   * @throws {TypeError} when i is not a number.
   * @throws {RangeError} when i is not an integer in [-N, N - 1].
   * @example const [x0, y0] = ds.get(0);
   */
  override get(i: number): [Tensor, Tensor] {
    if (arguments.length > 1) expectArity('TensorDataset.get', arguments, 1);
    const k = resolveIndex('TensorDataset.get', i, this.length);
    let x = rowOf(this.x, k);
    let y = rowOf(this.y, k);
    if (this.transform) x = applyTransform('TensorDataset.get', 'transform', this.transform, x);
    if (this.targetTransform) y = applyTransform('TensorDataset.get', 'targetTransform', this.targetTransform, y);
    return [x, y];
  }

  /**
   * The shapes of x and y.
   * @example String(ds); // 'TensorDataset(x=[100, 4], y=[100])'
   */
  override toString(): string {
    return `TensorDataset(x=${formatShape(this.x.shape)}, y=${formatShape(this.y.shape)}${this.transform ? ', transform' : ''})`;
  }
}

function checkMapStyle(where: string, name: string, d: unknown): Dataset<unknown> {
  if (!isMapStyle(d)) throw typeError(where, 'a dataset (an object with length and get(i))', name, d);
  checkInt(where, `${name}.length`, d.length);
  return d;
}

/**
 * The samples of `dataset` at `indices`, in that order, as torch.utils.data.Subset:
 * subset.get(i) is dataset.get(indices[i]).
 * @param dataset a map-style dataset
 * @param indices integer indices into dataset (negative ones count from its end)
 * @throws TypeError for a dataset without length and get(i) or indices that are not an array; RangeError for an index out of the dataset's range.
 * @example const firstHundred = new data.Subset(train, Array.from({ length: 100 }, (_, i) => i));
 */
export class Subset<T = [Tensor, Tensor]> extends Dataset<T> {
  /** The wrapped dataset. */
  readonly dataset: Dataset<T>;
  /** The dataset's indices, in the subset's order. */
  readonly indices: number[];

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    super();
    const where = 'Subset';
    const d = checkMapStyle(where, 'dataset', dataset);
    if (!Array.isArray(indices) && !(ArrayBuffer.isView(indices) && !(indices instanceof DataView))) {
      throw typeError(where, 'an array of integer indices', 'indices', indices);
    }
    const n = d.length;
    this.indices = Array.from(indices as ArrayLike<number>, (v, i) => checkInt(where, `indices[${i}]`, v, -n, n - 1));
    this.dataset = dataset;
  }

  /** The number of indices. */
  get length(): number {
    return this.indices.length;
  }

  /**
   * dataset.get(indices[i]).
   * @param i the index into the subset; negative i counts from the end
   * @throws {TypeError} when i is not a number.
   * @throws {RangeError} when i is not an integer in [-length, length - 1].
   * @example new kiln.data.Subset(new kiln.data.TensorDataset(kiln.randn([10, 4]), kiln.arange(10)), [3, 1, 4]).get(-1)[1].item(); // 4
   */
  override get(i: number): T {
    return this.dataset.get(this.indices[resolveIndex('Subset.get', i, this.length)]);
  }

  /**
   * The subset's length.
   * @example String(new kiln.data.Subset(ds, [3, 1, 4])); // 'Subset(length=3)'
   */
  override toString(): string {
    return `Subset(length=${this.length})`;
  }
}

/**
 * Several map-style datasets end to end, as torch.utils.data.ConcatDataset: indices
 * 0..len(a)-1 read a, the next len(b) read b, and so on.
 * @param datasets a non-empty array of map-style datasets (an IterableDataset is refused, as in PyTorch)
 * @throws TypeError for a non-array, an IterableDataset or an entry without length and get(i); RangeError for an empty array.
 * @example const all = new data.ConcatDataset([trainA, trainB]); all.get(trainA.length); // trainB's first sample
 */
export class ConcatDataset<T = [Tensor, Tensor]> extends Dataset<T> {
  /** The datasets, in order. */
  readonly datasets: Dataset<T>[];
  /** Running totals of their lengths, as PyTorch's cumulative_sizes. */
  readonly cumulativeSizes: number[];

  constructor(datasets: Dataset<T>[]) {
    super();
    const where = 'ConcatDataset';
    if (!Array.isArray(datasets)) throw typeError(where, 'an array of datasets', 'datasets', datasets);
    if (datasets.length === 0) throw rangeError(where, 'a non-empty array of datasets', 'datasets', datasets);
    let total = 0;
    this.cumulativeSizes = datasets.map((d, i) => {
      if (d instanceof IterableDataset) throw typeError(where, 'a map-style dataset (ConcatDataset does not support IterableDataset)', `datasets[${i}]`, d);
      total += checkMapStyle(where, `datasets[${i}]`, d).length;
      return total;
    });
    this.datasets = datasets.slice();
  }

  /** The sum of the datasets' lengths. */
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

  /**
   * Sample i of the concatenation.
   * @param i the index; negative i counts from the end
   * @throws {TypeError} when i is not a number.
   * @throws {RangeError} when i is not an integer in [-length, length - 1].
   * @example new kiln.data.ConcatDataset([a, b]).get(a.length); // b.get(0)
   */
  override get(i: number): T {
    const k = resolveIndex('ConcatDataset.get', i, this.length);
    // Binary search for the first dataset whose running total exceeds k (bisect_right).
    let lo = 0;
    let hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid] <= k) lo = mid + 1;
      else hi = mid;
    }
    return this.datasets[lo].get(lo === 0 ? k : k - this.cumulativeSizes[lo - 1]);
  }

  /**
   * The number of datasets and the total length.
   * @example String(new kiln.data.ConcatDataset([ds10, ds3])); // 'ConcatDataset(datasets=2, length=13)'
   */
  override toString(): string {
    return `ConcatDataset(datasets=${this.datasets.length}, length=${this.length})`;
  }
}

/** Python's math.isclose with its defaults (rel_tol 1e-9, abs_tol 0). */
function isClose(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Splits a dataset into non-overlapping random subsets, as torch.utils.data.random_split
 * (torch 1.13): `lengths` are sizes summing to the dataset's length, or fractions summing to 1,
 * in which case each split gets floor(n * fraction) samples and the remaining ones are handed
 * out round-robin from the first split. The indices are a permutation of 0..n-1 drawn from the
 * generator, cut into consecutive runs: split k is perm[offset_k, offset_k + lengths[k]).
 * @param dataset a map-style dataset
 * @param lengths integer sizes, or fractions in [0, 1] summing to 1
 * @param opts `{ generator = the default generator }`
 * @returns one Subset per entry of lengths
 * @throws TypeError for a bad dataset, non-array lengths or an unknown option; RangeError for a negative size, a fraction outside [0, 1], or sizes not summing to the dataset's length.
 * @example const [train, val] = data.randomSplit(ds, [0.8, 0.2], { generator: new Generator(42) });
 */
export function randomSplit<T = [Tensor, Tensor]>(dataset: Dataset<T>, lengths: number[], opts: { generator?: Generator } = {}): Subset<T>[] {
  const where = 'data.randomSplit';
  const d = checkMapStyle(where, 'dataset', dataset);
  if (!Array.isArray(lengths)) throw typeError(where, 'an array of lengths or fractions', 'lengths', lengths);
  const o = checkOptions(where, opts, ['generator']);
  const generator = generatorFrom(where, o);
  lengths.forEach((v, i) => {
    if (typeof v !== 'number') throw typeError(where, 'a number', `lengths[${i}]`, v);
    if (!Number.isFinite(v)) throw rangeError(where, 'a finite number', `lengths[${i}]`, v);
  });
  const n = d.length;
  let sizes = lengths.slice();
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sizes.length > 0 && isClose(sum, 1) && sum <= 1) {
    sizes = lengths.map((frac, i) => Math.floor(n * checkInRangeFrac(where, i, frac)));
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
  }
  sizes.forEach((v, i) => checkInt(where, `lengths[${i}]`, v));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== n) throw rangeError(where, `sizes summing to the dataset's length ${n} (or fractions summing to 1)`, 'lengths', lengths);
  const perm = randperm(n, generator);
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const size of sizes) {
    out.push(new Subset(dataset, Array.from(perm.subarray(offset, offset + size))));
    offset += size;
  }
  return out;
}

function checkInRangeFrac(where: string, i: number, frac: number): number {
  if (frac < 0 || frac > 1) throw rangeError(where, 'a fraction in [0, 1]', `lengths[${i}]`, frac);
  return frac;
}
