// Shape arithmetic shared by tensors and layers.
import { describe, rangeError, typeError } from './errors';
import { rangeErrorText, typeErrorText } from './errors';

/** The largest element count a tensor may have: kernels index with 32-bit ints. */
export const MAX_NUMEL = 2 ** 31 - 1;

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Validates a shape given as a number or an array of sizes; returns a fresh array. */
export function checkShape(where: string, shape: unknown, name = 'shape'): number[] {
  const dims = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(dims)) throw typeError(where, 'a number or an array of sizes', name, shape);
  let n = 1;
  for (const d of dims) {
    if (typeof d !== 'number') throw typeError(where, 'an array of sizes', name, shape);
    if (!Number.isInteger(d) || d < 0) throw rangeError(where, 'non-negative integer sizes', name, dims);
    // Each size too, not only the product: [2^40, 0] has no elements, but loops over its
    // sizes (toArray, reductions) would run 2^40 times.
    if (d > MAX_NUMEL) throw rangeError(where, `sizes of at most ${MAX_NUMEL}`, name, dims);
    n *= d;
  }
  if (n > MAX_NUMEL) throw rangeErrorText(where, `at most ${MAX_NUMEL} elements`, name, `${describe(dims)} (${n})`);
  return dims.slice();
}

/**
 * PyTorch's two spellings of a shape: one number or array, or the sizes as separate arguments
 * (`zeros(2, 3)`, `x.view(-1, 784)`). Returns what checkShape (or reshape) then validates.
 * @throws TypeError when an array comes with more arguments, or a separate size is not a number.
 */
export function shapeFromArgs(where: string, args: readonly unknown[], name = 'shape'): unknown {
  if (args.length <= 1) return args[0];
  args.forEach((d) => {
    if (typeof d !== 'number') {
      const what = Array.isArray(args[0]) ? 'one array of sizes, or the sizes as separate numbers' : 'sizes as separate numbers (or one array of sizes)';
      throw typeErrorText(where, what, name, args.map(describe).join(', '));
    }
  });
  return args.slice();
}

/** Normalises a possibly negative dimension index against ndim. */
export function normalizeDim(where: string, dim: unknown, ndim: number, name = 'dim'): number {
  if (typeof dim !== 'number') throw typeError(where, 'an integer', name, dim);
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) throw rangeError(where, `an integer in [${lo}, ${hi}]`, name, dim);
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** NumPy broadcasting of two shapes; `names` are the arguments the shapes belong to, for the error. */
export function broadcastShapes(where: string, a: readonly number[], b: readonly number[], names: [string, string] = ['input', 'other']): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw rangeErrorText(where, 'shapes that broadcast together', `${names[0]} and ${names[1]}`, `${formatShape(a)} and ${formatShape(b)}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` when viewed in broadcast `outShape` (0 along broadcast dimensions). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const n = outShape.length;
  const strides = new Array<number>(n).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const oi = i + n - shape.length;
    strides[oi] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/**
 * The strided walk over `outShape` in row-major order, one call per row of its last dimension:
 * `row(i, off, len, step)` gets the flat index i of the row's first element, the offset
 * sum(idx[d] * strides[d]) of its source, and the row's length and stride: element k of the row
 * comes from off + k * step. Broadcasting (strides 0 where a dimension repeats) and permutation
 * (the input's strides in the new order) are both this walk; a row at a time keeps the
 * callers' inner loops monomorphic and tight.
 */
export function stridedRows(
  strides: readonly number[],
  outShape: readonly number[],
  row: (i: number, off: number, len: number, step: number) => void,
): void {
  const nd = outShape.length;
  const len = nd === 0 ? 1 : outShape[nd - 1];
  const step = nd === 0 ? 0 : strides[nd - 1];
  let n = 1;
  for (const s of outShape) n *= s;
  if (n === 0) return;
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let i = 0; i < n; i += len) {
    row(i, off, len, step);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < outShape[d]) break;
      off -= strides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Splits a shape around `dim` into (outer, size, inner) for reductions along it. */
export function splitAt(shape: readonly number[], dim: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < dim; i++) outer *= shape[i];
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape.length === 0 ? 1 : shape[dim], inner];
}
