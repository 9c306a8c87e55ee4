// torch.nn.Flatten.
import { Tensor, checkTensor } from '../tensor';
import { Module } from './module';
import { checkInt, typeError } from '../errors';
import { shapeError } from '../errors';
import { expectArity } from '../options';
import { formatShape, normalizeDim } from '../shape';

/** Flattens dimensions startDim..endDim (by default all but the batch). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    expectArity('Flatten', arguments, 2);
    checkInt('Flatten', 'startDim', startDim, -64, 64);
    checkInt('Flatten', 'endDim', endDim, -64, 64);
  }
  override forward(x: Tensor): Tensor {
    checkTensor('Flatten.forward', 'input', x);
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Splits dimension `dim` into `sizes`, as torch.nn.Unflatten (the inverse of Flatten). */
export class Unflatten extends Module {
  readonly sizes: number[];
  constructor(readonly dim: number, sizes: number[]) {
    super();
    expectArity('Unflatten', arguments, 2);
    checkInt('Unflatten', 'dim', dim, -64, 64);
    if (!Array.isArray(sizes) || sizes.length === 0) throw typeError('Unflatten', 'a non-empty array of sizes', 'sizes', sizes);
    sizes.forEach((s, i) => checkInt('Unflatten', `sizes[${i}]`, s, 1, 2 ** 31 - 1));
    this.sizes = sizes.slice();
  }
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
