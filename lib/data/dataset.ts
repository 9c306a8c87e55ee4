// Datasets: indexable collections of (input, target) pairs, as torch.utils.data.Dataset.
import { Tensor } from '../tensor';
import { formatShape } from '../shape';
import { checkInt, typeError } from '../errors';
import { expectArity } from '../options';

/**
 * Anything a DataLoader can batch: a length and the i-th (input, target) pair, as
 * torch.utils.data.Dataset's `__len__` and `__getitem__`.
 * @example
 * ```ts
 * const squares: kiln.data.Dataset = {
 *   length: 100,
 *   get: (i) => [kiln.tensor([i]), kiln.tensor([i * i])],
 * };
 * const loader = new kiln.data.DataLoader(squares, { batchSize: 10 });
 * ```
 */
export interface Dataset {
  /** The number of samples. */
  readonly length: number;
  /**
   * Sample i, for i in [0, length): the input and the target. Every sample must have the
   * same shapes, as the DataLoader stacks them.
   */
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
 * @throws {TypeError} when x or y is not a Tensor.
 * @throws {RangeError} when either is 0-D or their first dimensions differ.
 * @example const ds = new kiln.data.TensorDataset(kiln.randn([100, 4]), kiln.tensor(labels)); ds.get(0);
 */
export class TensorDataset implements Dataset {
  /** The inputs, shape (N, ...). */
  readonly x: Tensor;
  /** The targets, shape (N, ...). */
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

  /**
   * Sample i as copies: [x[i], y[i]] (y[i] has shape [] when y is (N,)). Negative i counts from the end.
   * @throws {TypeError} when i is not a number.
   * @throws {RangeError} when i is not an integer in [-N, N - 1].
   * @example const [x0, y0] = ds.get(0);
   */
  get(i: number): [Tensor, Tensor] {
    if (arguments.length > 1) expectArity('TensorDataset.get', arguments, 1);
    const n = this.length;
    checkInt('TensorDataset.get', 'i', i, -n, n - 1);
    const k = i < 0 ? i + n : i;
    return [rowOf(this.x, k), rowOf(this.y, k)];
  }

  /**
   * The shapes of x and y.
   * @example String(ds); // 'TensorDataset(x=[100, 4], y=[100])'
   */
  toString(): string {
    return `TensorDataset(x=${formatShape(this.x.shape)}, y=${formatShape(this.y.shape)})`;
  }
}
