// DataLoader: batches of a dataset, optionally shuffled, as torch.utils.data.DataLoader.
import { Tensor } from '../tensor';
import { Generator, generatorFrom } from '../random';
import { formatShape, numelOf, sameShape } from '../shape';
import { checkBoolean, checkInt, checkOptions, typeError } from '../errors';
import { expectArity } from '../options';
import { Dataset, TensorDataset } from './dataset';
import { randperm } from './randperm';

/**
 * Options of {@link DataLoader}; unknown names are a TypeError.
 * @example new kiln.data.DataLoader(ds, { batchSize: 64, shuffle: true, dropLast: true, generator: new kiln.Generator(0) });
 */
export interface DataLoaderOptions {
  /** Samples per batch, an integer >= 1 (the last batch may be smaller). @defaultValue 1 */
  batchSize?: number;
  /** Draw a fresh random order of the samples at each pass. @defaultValue false */
  shuffle?: boolean;
  /** Leave out the last batch when it would be smaller than batchSize. @defaultValue false */
  dropLast?: boolean;
  /** The stream the shuffles draw from; a seeded one replays the same epochs. @defaultValue the default generator */
  generator?: Generator;
}

const OPTION_NAMES = ['batchSize', 'shuffle', 'dropLast', 'generator'] as const;

/**
 * Iterates over a dataset in batches of `[x, y]`, as torch's DataLoader with the default
 * collate: each batch stacks samples along a new first dimension, so a TensorDataset with
 * x (N, 784) and y (N,) gives x (B, 784) and y (B,) (y stays a tensor of class indices).
 *
 * Iterating is synchronous and each pass is one epoch. With `shuffle`, every pass draws a
 * fresh permutation from the generator, so a seeded Generator replays the same epochs.
 * Batches are copies (rows gathered with typed-array copies), never views of the dataset.
 * @param dataset a TensorDataset, or any `{ length, get(i) }` returning [Tensor, Tensor]
 * @param opts `{ batchSize = 1, shuffle = false, dropLast = false, generator = the default generator }` (see {@link DataLoaderOptions})
 * @throws {TypeError} for a dataset without length and get(i), a wrongly typed option or an unknown option name.
 * @throws {RangeError} for a batchSize that is not an integer >= 1, or a dataset length that is not a non-negative integer.
 * @example
 * const loader = new kiln.data.DataLoader(ds, { batchSize: 64, shuffle: true, generator: new kiln.Generator(0) });
 * for (const [x, y] of loader) { ... }
 */
export class DataLoader implements Iterable<[Tensor, Tensor]> {
  /** The dataset batches are drawn from. */
  readonly dataset: Dataset;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether each pass draws a fresh order. */
  readonly shuffle: boolean;
  /** Whether a smaller last batch is left out. */
  readonly dropLast: boolean;
  /** The stream shuffles draw from. */
  readonly generator: Generator;

  constructor(dataset: Dataset, opts: DataLoaderOptions = {}) {
    expectArity('DataLoader', arguments, 1, true);
    const where = 'DataLoader';
    const o = checkOptions(where, opts, OPTION_NAMES);
    if (
      dataset === null ||
      typeof dataset !== 'object' ||
      typeof (dataset as Dataset).get !== 'function' ||
      typeof (dataset as Dataset).length !== 'number'
    ) {
      throw typeError(where, 'a dataset (a TensorDataset or an object with length and get(i))', 'dataset', dataset);
    }
    checkInt(where, 'dataset.length', dataset.length);
    this.dataset = dataset;
    this.batchSize = checkInt(where, 'batchSize', o.batchSize ?? 1, 1);
    this.shuffle = checkBoolean(where, 'shuffle', o.shuffle ?? false);
    this.dropLast = checkBoolean(where, 'dropLast', o.dropLast ?? false);
    this.generator = generatorFrom(where, o);
  }

  /**
   * The number of batches in one pass: ceil(N / batchSize), or floor with dropLast.
   * @example new kiln.data.DataLoader(ds100, { batchSize: 32 }).length; // 4
   */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /**
   * One pass (epoch) over the dataset: batches `[x, y]` with the samples stacked along a new
   * first dimension.
   * @throws {TypeError} when a custom dataset's get(i) does not return [Tensor, Tensor].
   * @throws {RangeError} when a custom dataset's samples in one batch differ in shape.
   * @example for (const [x, y] of loader) trainStep(x, y);
   */
  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    const n = this.dataset.length;
    const order = this.shuffle ? randperm(n, this.generator) : null;
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const start = b * this.batchSize;
      const end = Math.min(start + this.batchSize, n);
      yield this.dataset instanceof TensorDataset
        ? [gather(this.dataset.x, order, start, end), gather(this.dataset.y, order, start, end)]
        : collate(this.dataset, order, start, end);
    }
  }

  /**
   * The batch count and options.
   * @example String(loader); // 'DataLoader(batches=4, batchSize=32, shuffle=false, dropLast=false)'
   */
  toString(): string {
    return `DataLoader(batches=${this.length}, batchSize=${this.batchSize}, shuffle=${this.shuffle}, dropLast=${this.dropLast})`;
  }
}

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

/** Stacks dataset.get(i) for the batch's indices; every sample must have the first one's shapes. */
function collate(dataset: Dataset, order: Int32Array | null, start: number, end: number): [Tensor, Tensor] {
  const where = 'DataLoader';
  const count = end - start;
  let xs: Float32Array | null = null;
  let ys: Float32Array | null = null;
  let xShape: number[] = [];
  let yShape: number[] = [];
  for (let i = start; i < end; i++) {
    const index = order === null ? i : order[i];
    const item = dataset.get(index);
    if (!Array.isArray(item) || item.length !== 2 || !(item[0] instanceof Tensor) || !(item[1] instanceof Tensor)) {
      throw typeError(where, 'dataset.get to return [Tensor, Tensor]', `dataset.get(${index})`, item);
    }
    const [x, y] = item;
    if (xs === null || ys === null) {
      xShape = x.shape.slice();
      yShape = y.shape.slice();
      xs = new Float32Array(count * numelOf(xShape));
      ys = new Float32Array(count * numelOf(yShape));
    } else if (!sameShape(x.shape, xShape) || !sameShape(y.shape, yShape)) {
      throw new RangeError(
        `${where}: expected every sample of a batch to have the shapes of the first (x ${formatShape(xShape)}, y ${formatShape(yShape)}) for dataset.get(${index}), ` +
          `got x ${formatShape(x.shape)}, y ${formatShape(y.shape)}`,
      );
    }
    xs.set(x.data, (i - start) * x.numel);
    ys.set(y.data, (i - start) * y.numel);
  }
  return [new Tensor(xs!, [count, ...xShape]), new Tensor(ys!, [count, ...yShape])];
}
