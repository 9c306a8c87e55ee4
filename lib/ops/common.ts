// Helpers shared by the comparison, selection, joining and indexing ops: broadcasting of any
// number of operands, gradient reduction back to an input's shape, reductions over a set of
// dimensions, element maps (out[i] = x[map[i]]) and integer index arguments.
import { Tensor, tensor, checkTensor } from '../tensor';
import { broadcastShapes, formatShape, normalizeDim, numelOf, sameShape } from '../shape';
import { describe, rangeError, typeError } from '../errors';
import { indexMap } from './binary';
import { rangeErrorText } from '../errors';

/** Nested arrays of integers (index lists of any shape). */
export type NestedIndices = number | NestedIndices[];

/**
 * An integer index argument, as API.md's integer inputs: a float32 Tensor holding integers, an
 * Int32Array (1-D), or nested arrays of integers.
 */
export type Indices = Tensor | Int32Array | NestedIndices[];

/** A number operand as a 0-d tensor (rounded to float32, as PyTorch wraps a Python scalar). */
export function operand(where: string, name: string, v: unknown): Tensor {
  if (typeof v === 'number') return new Tensor(new Float32Array([v]), []);
  if (!(v instanceof Tensor)) throw typeError(where, 'a Tensor or a number', name, v);
  return checkTensor(where, name, v);
}

/** The broadcast shape of several operands, and for each the map of its elements (null: same shape). */
export function broadcastAll(where: string, ts: Tensor[], names: string[]): { shape: number[]; n: number; maps: (Int32Array | null)[] } {
  let shape = ts[0].shape.slice();
  let shapeName = names[0];
  for (let k = 1; k < ts.length; k++) {
    if (!sameShape(shape, ts[k].shape)) shape = broadcastShapes(where, shape, ts[k].shape, [shapeName, names[k]]);
    shapeName = names.slice(0, k + 1).join(', ');
  }
  const n = numelOf(shape);
  return { shape, n, maps: ts.map((t) => (sameShape(t.shape, shape) ? null : indexMap(t.shape, shape, n))) };
}

/** Sums `g` (in the broadcast shape) back into an input of `size` elements through its map. */
export function sumTo(g: Float32Array, map: Int32Array | null, size: number): Float32Array {
  if (map === null) return g;
  const out = new Float32Array(size);
  for (let i = 0; i < g.length; i++) out[map[i]] += g[i];
  return out;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let k = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = k;
    k *= shape[i];
  }
  return s;
}

/**
 * The map of a walk over `shape`: element (i0, i1, ...) gets base + contrib[0][i0] +
 * contrib[1][i1] + ..., in row-major order. Slicing, selection, expansion and repetition are
 * all such walks with per-dimension offset tables.
 */
export function buildMap(shape: readonly number[], contrib: ArrayLike<number>[], base = 0): Int32Array {
  const n = numelOf(shape);
  const map = new Int32Array(n);
  const nd = shape.length;
  if (n === 0) return map;
  if (nd === 0) {
    map[0] = base;
    return map;
  }
  const idx = new Array<number>(nd).fill(0);
  let rowOff = base;
  for (let d = 0; d < nd - 1; d++) rowOff += contrib[d][0];
  const last = contrib[nd - 1];
  const len = shape[nd - 1];
  for (let i = 0; i < n; i += len) {
    for (let k = 0; k < len; k++) map[i + k] = rowOff + last[k];
    for (let d = nd - 2; d >= 0; d--) {
      rowOff -= contrib[d][idx[d]];
      idx[d]++;
      if (idx[d] < shape[d]) {
        rowOff += contrib[d][idx[d]];
        break;
      }
      idx[d] = 0;
      rowOff += contrib[d][0];
    }
  }
  return map;
}

/** Offsets k * stride for k < size: the contribution of an untouched dimension to buildMap. */
export function ramp(size: number, stride: number, start = 0, step = 1): Int32Array {
  const a = new Int32Array(size);
  for (let k = 0; k < size; k++) a[k] = (start + k * step) * stride;
  return a;
}

/** The dimensions a reduction runs over (all when dim is omitted), sorted and distinct. */
export function reduceDims(where: string, t: Tensor, dim: unknown): number[] {
  if (dim === undefined || dim === null) return t.shape.map((_, i) => i);
  const dims = typeof dim === 'number' ? [dim] : dim;
  if (!Array.isArray(dims)) throw typeError(where, 'an integer or an array of integers', 'dim', dim);
  if (dims.length === 0) return t.shape.map((_, i) => i);
  const out = dims.map((d) => normalizeDim(where, d, t.ndim));
  if (new Set(out).size !== out.length) throw rangeError(where, 'distinct dimensions', 'dim', dims);
  return out.sort((a, b) => a - b);
}

/**
 * A reduction over `dims`: the output shape (with or without the reduced dimensions), its size,
 * how many input elements meet in each output element, and for each input element the output
 * element it reduces into.
 */
export function reduction(t: Tensor, dims: number[], keepDim: boolean): { outShape: number[]; outN: number; count: number; map: Int32Array } {
  const kept = t.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const outShape = keepDim ? kept : t.shape.filter((_, i) => !dims.includes(i));
  const outN = numelOf(kept);
  let count = 1;
  for (const d of dims) count *= t.shape[d];
  return { outShape, outN, count, map: indexMap(kept, t.shape, t.numel) };
}

/**
 * An integer index argument: a float32 Tensor holding integers, an Int32Array (1-D) or nested
 * number[], as API.md's integer inputs. Values are checked to be integers in [lo, hi].
 * @throws TypeError for anything else; RangeError for a non-integer or out-of-range value, naming its position.
 */
export function indexArg(where: string, name: string, v: unknown, lo: number, hi: number, context = ''): { idx: Int32Array; shape: number[] } {
  let values: ArrayLike<number>;
  let shape: number[];
  if (v instanceof Tensor) {
    checkTensor(where, name, v);
    values = v.data;
    shape = v.shape.slice();
  } else if (v instanceof Int32Array) {
    values = v;
    shape = [v.length];
  } else if (Array.isArray(v)) {
    let t: Tensor;
    try {
      t = tensor(v as number[]);
    } catch {
      throw typeError(where, 'a Tensor, an Int32Array or nested arrays of integers', name, v);
    }
    values = t.data;
    shape = t.shape;
  } else {
    throw typeError(where, 'a Tensor, an Int32Array or nested arrays of integers', name, v);
  }
  const idx = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isInteger(x) || x < lo || x > hi) {
      const what = (hi < lo ? 'no index (the dimension is empty)' : `integers in [${lo}, ${hi}]`) + context;
      throw rangeErrorText(where, `${what}`, `${name}`, `${describe(x)} at flat position ${i}${shape.length > 1 ? ` of shape ${formatShape(shape)}` : ''}`);
    }
    idx[i] = x;
  }
  return { idx, shape };
}

/** A list of sizes given variadically (expand(2, 3)) or as one array (expand([2, 3])). */
export function sizesArg(where: string, name: string, args: unknown[]): number[] {
  const sizes = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  for (const s of sizes) {
    if (typeof s !== 'number') throw typeError(where, 'integer sizes (variadic or as one array)', name, args.length === 1 ? args[0] : args);
  }
  return sizes as number[];
}
