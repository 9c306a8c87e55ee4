// torch.nn.Flatten.
import { Tensor, checkTensor } from '../tensor';
import { Module } from './module';
import { checkInt, typeError } from '../errors';
import { shapeError } from '../errors';
import { expectArity } from '../options';
import { formatShape, normalizeDim } from '../shape';

/**
 * Flattens dimensions startDim..endDim (both included) into one, as torch.nn.Flatten: by
 * default all but the batch dimension, (N, C, H, W) -> (N, C * H * W), the step between
 * convolutional layers and Linear ones.
 * @param startDim [1] the first dimension to flatten; negative counts from the end.
 * @param endDim [-1] the last dimension to flatten; negative counts from the end.
 * @throws {TypeError} when startDim or endDim is not a number, or more than two arguments are given.
 * @throws {RangeError} when startDim or endDim is not an integer in [-64, 64].
 * @example
 * const net = new kiln.nn.Sequential(new kiln.nn.Conv2d(1, 8, 3), new kiln.nn.Flatten(), new kiln.nn.Linear(8 * 26 * 26, 10));
 */
export class Flatten extends Module {
  /**
   * @param startDim the first dimension flattened; negative counts from the end.
   * @param endDim the last dimension flattened; negative counts from the end.
   */
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    expectArity('Flatten', arguments, 2);
    checkInt('Flatten', 'startDim', startDim, -64, 64);
    checkInt('Flatten', 'endDim', endDim, -64, 64);
  }
  /**
   * x with dimensions startDim..endDim merged, sharing x's data.
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when startDim or endDim is not a dimension of x, or startDim comes after endDim.
   * @example new kiln.nn.Flatten().forward(kiln.zeros([2, 3, 4, 5])).shape; // [2, 60]
   */
  override forward(x: Tensor): Tensor {
    checkTensor('Flatten.forward', 'input', x);
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dimension `dim` into `sizes`, as torch.nn.Unflatten (the inverse of Flatten).
 * @param dim the dimension to split; negative counts from the end.
 * @param sizes the sizes it becomes, each >= 1; their product must equal that dimension.
 * @throws {TypeError} when dim or a size is not a number, or sizes is not a non-empty array.
 * @throws {RangeError} when dim is not an integer in [-64, 64], or a size is not an integer >= 1.
 * @example new kiln.nn.Unflatten(1, [2, 5]).forward(kiln.zeros([3, 10])).shape; // [3, 2, 5]
 */
export class Unflatten extends Module {
  /** The sizes the dimension is split into. */
  readonly sizes: number[];
  /** @param dim the dimension split; negative counts from the end. */
  constructor(readonly dim: number, sizes: number[]) {
    super();
    expectArity('Unflatten', arguments, 2);
    checkInt('Unflatten', 'dim', dim, -64, 64);
    if (!Array.isArray(sizes) || sizes.length === 0) throw typeError('Unflatten', 'a non-empty array of sizes', 'sizes', sizes);
    sizes.forEach((s, i) => checkInt('Unflatten', `sizes[${i}]`, s, 1, 2 ** 31 - 1));
    this.sizes = sizes.slice();
  }
  /**
   * x with dimension dim split into sizes, sharing x's data.
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x has no dimension dim, or its size there is not the product of sizes.
   * @example new kiln.nn.Unflatten(-1, [28, 28]).forward(kiln.zeros([64, 784])).shape; // [64, 28, 28]
   */
  override forward(x: Tensor): Tensor {
    const where = 'Unflatten.forward';
    checkTensor(where, 'input', x);
    // The input must have the dimension this module unflattens: an error about the input (its
    // rank), not about the module's dim, which was valid when it was built.
    const lo = x.ndim === 0 ? -1 : -x.ndim;
    const hi = x.ndim === 0 ? 0 : x.ndim - 1;
    if (this.dim < lo || this.dim > hi) {
      throw shapeError(where, `a dimension ${this.dim} (dim)`, 'input', x.shape);
    }
    const d = normalizeDim(where, this.dim, x.ndim);
    const n = this.sizes.reduce((a, b) => a * b, 1);
    if (x.shape[d] !== n) {
      throw shapeError(where, `dimension ${d} of size ${n} (${formatShape(this.sizes)})`, 'input', x.shape);
    }
    return x.reshape([...x.shape.slice(0, d), ...this.sizes, ...x.shape.slice(d + 1)]);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.sizes.join(', ')})`;
  }
}
