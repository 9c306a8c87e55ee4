// Shape ops. Tensors are always contiguous, so reshape shares the buffer and transpose copies.
import { Tensor, fromOp, checkTensor } from '../tensor';
import { formatShape, normalizeDim, numelOf, stridedRows } from '../shape';
import { rangeError, typeError } from '../errors';
import { rangeErrorText, shapeError } from '../errors';

export function clone(t: Tensor): Tensor {
  checkTensor('Tensor.clone', 'input', t);
  return fromOp(t.data.slice(), t.shape.slice(), [t], 'clone', (g) => [g], []);
}

/** The same data in a new shape; one size may be -1 (inferred). Shares the buffer. */
export function reshape(t: Tensor, shape: number | number[]): Tensor {
  const where = 'Tensor.reshape';
  checkTensor(where, 'input', t);
  const dims = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(dims)) throw typeError(where, 'a number or an array of sizes', 'shape', shape);
  let infer = -1;
  let known = 1;
  dims.forEach((d, i) => {
    if (typeof d !== 'number') throw typeError(where, 'an array of sizes', 'shape', shape);
    if (d === -1 && infer < 0) infer = i;
    else if (!Number.isInteger(d) || d < 0) throw rangeError(where, 'non-negative integer sizes (one may be -1)', 'shape', dims);
    else known *= d;
  });
  const out = dims.slice();
  if (infer >= 0) {
    if (known === 0 || t.numel % known !== 0) throw shapeError(where, `a shape of ${t.numel} elements (the input's size)`, 'shape', dims);
    out[infer] = t.numel / known;
  }
  if (numelOf(out) !== t.numel) throw shapeError(where, `a shape of ${t.numel} elements (the input's size)`, 'shape', dims);
  return fromOp(t.data, out, [t], 'reshape', (g) => [g], []);
}

/** Merges dimensions startDim..endDim into one. */
export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  const where = 'Tensor.flatten';
  checkTensor(where, 'input', t);
  // A 0-d tensor has one dimension's worth of indices, [-1, 0], as PyTorch's: flatten(0) and
  // flatten(-1) give shape [1], but startDim 1 (nn.Flatten's default) is out of range.
  const s = normalizeDim(where, startDim, t.ndim, 'startDim');
  const e = normalizeDim(where, endDim, t.ndim, 'endDim');
  if (t.ndim === 0) return reshape(t, [1]);
  if (s > e) throw rangeError(where, `a dimension >= startDim (${s})`, 'endDim', endDim);
  const shape = [...t.shape.slice(0, s), numelOf(t.shape.slice(s, e + 1)), ...t.shape.slice(e + 1)];
  return reshape(t, shape);
}

export function squeeze(t: Tensor, dim?: number): Tensor {
  checkTensor('Tensor.squeeze', 'input', t);
  if (dim === undefined) return reshape(t, t.shape.filter((s) => s !== 1));
  const d = normalizeDim('Tensor.squeeze', dim, t.ndim);
  if (t.shape[d] !== 1) return reshape(t, t.shape.slice());
  return reshape(t, t.shape.filter((_, i) => i !== d));
}

export function unsqueeze(t: Tensor, dim: number): Tensor {
  checkTensor('Tensor.unsqueeze', 'input', t);
  const d = normalizeDim('Tensor.unsqueeze', dim, t.ndim + 1);
  const shape = t.shape.slice();
  shape.splice(d, 0, 1);
  return reshape(t, shape);
}

function permuteData(x: Float32Array, shape: number[], perm: number[]): Float32Array {
  const nd = shape.length;
  const out = new Float32Array(x.length);
  const inStrides = new Array<number>(nd);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  if (nd === 2 && perm[0] === 1) {
    const [r, c] = shape;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j];
    return out;
  }
  const outShape = perm.map((p) => shape[p]);
  const strides = perm.map((p) => inStrides[p]);
  stridedRows(strides, outShape, (i, off, len, step) => {
    for (let k = 0; k < len; k++) out[i + k] = x[off + k * step];
  });
  return out;
}

/** Reorders dimensions: result dim i is input dim dims[i]. Copies. */
export function permute(t: Tensor, dims: number[]): Tensor {
  const where = 'Tensor.permute';
  checkTensor(where, 'input', t);
  if (!Array.isArray(dims)) throw typeError(where, 'an array of dimensions', 'dims', dims);
  if (dims.length !== t.ndim) throw rangeError(where, `${t.ndim} dimensions`, 'dims', dims);
  const perm = dims.map((d, i) => normalizeDim(where, d, t.ndim, `dims[${i}]`));
  if (new Set(perm).size !== perm.length) throw rangeError(where, 'a permutation', 'dims', dims);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  const outShape = perm.map((p) => t.shape[p]);
  return fromOp(permuteData(t.data, t.shape, perm), outShape, [t], 'permute', (g) => [permuteData(g, outShape, inverse)], []);
}

/** Swaps two dimensions. Copies. */
export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  const where = 'Tensor.transpose';
  checkTensor(where, 'input', t);
  const a = normalizeDim(where, dim0, t.ndim, 'dim0');
  const b = normalizeDim(where, dim1, t.ndim, 'dim1');
  const perm = t.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(t, perm);
}

/** Transpose of a matrix; 0-D and 1-D tensors are returned as they are, as torch.t. */
export function t(x: Tensor): Tensor {
  checkTensor('Tensor.t', 'input', x);
  if (x.ndim > 2) throw rangeErrorText('Tensor.t', 'at most 2 dimensions', 'input', `shape ${formatShape(x.shape)}`);
  if (x.ndim < 2) return reshape(x, x.shape.slice());
  return transpose(x, 0, 1);
}
