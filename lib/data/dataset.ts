// Datasets: indexable collections of (input, target) pairs, as torch.utils.data.Dataset.
import { Tensor } from '../tensor';
import { formatShape } from '../shape';
import { checkInt, typeError } from '../errors';
import { expectArity } from '../options';

/** Anything a DataLoader can batch: a length and the i-th (input, target) pair. */
export interface Dataset {
  readonly length: number;
  get(i: number): [Tensor, Tensor];
}

/** One sample (row i) of a tensor along its first dimension, copied. */
export function rowOf(t: Tensor, i: number): Tensor {
  const row = t.shape.length === 0 ? 1 : t.numel / t.shape[0];
  return new Tensor(t.data.slice(i * row, (i + 1) * row), t.shape.slice(1));
}

/**
 * A dataset over two tensors that share their first dimension, as torch's TensorDataset:
 * sample i is (x[i], y[i]). For classification, y holds class indices, shape (N,).
 * @param x inputs, shape (N, ...)
 * @param y targets, shape (N, ...)
 * @throws TypeError when x or y is not a Tensor; RangeError when their first dimensions differ.
 * @example const ds = new data.TensorDataset(randn([100, 4]), tensor(labels)); ds.get(0);
 */
export class TensorDataset implements Dataset {
  readonly x: Tensor;
  readonly y: Tensor;

  constructor(x: Tensor, y: Tensor) {
    expectArity('TensorDataset', arguments, 2);
    if (!(x instanceof Tensor)) throw typeError('TensorDataset', 'a Tensor', 'x', x);
    if (!(y instanceof Tensor)) throw typeError('TensorDataset', 'a Tensor', 'y', y);
    if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
      throw new RangeError(
        `TensorDataset: expected x and y with the same first dimension, got x of shape ${formatShape(x.shape)} and y of shape ${formatShape(y.shape)}`,
      );
    }
    this.x = x;
    this.y = y;
  }

  /** The number of samples, N. */
  get length(): number {
    return this.x.shape[0];
  }

  /** Sample i as copies: [x[i], y[i]] (y[i] has shape [] when y is (N,)). Negative i counts from the end. */
  get(i: number): [Tensor, Tensor] {
    const n = this.length;
    checkInt('TensorDataset.get', 'i', i, -n, n - 1);
    const k = i < 0 ? i + n : i;
    return [rowOf(this.x, k), rowOf(this.y, k)];
  }

  toString(): string {
    return `TensorDataset(x=${formatShape(this.x.shape)}, y=${formatShape(this.y.shape)})`;
  }
}
