// Elementwise add, sub, mul, div with NumPy broadcasting, and their backward passes.
// Broadcasting is done through index maps (which input element feeds each output element),
// cached per shape pair: the same maps then reduce gradients back to each input's shape.
import { Tensor, fromOp, checkTensor } from '../tensor';
import { broadcastShapes, broadcastStrides, numelOf, sameShape, stridedRows } from '../shape';
import { typeError } from '../errors';

const ADD = 0, SUB = 1, MUL = 2, DIV = 3;
type Op = typeof ADD | typeof SUB | typeof MUL | typeof DIV;
const NAMES = ['add', 'sub', 'mul', 'div'];

interface Broadcast {
  shape: number[];
  ia: Int32Array;
  ib: Int32Array;
}

const cache = new Map<string, Broadcast>();
// What the backward passes read, for the version check (fromOp's `saved`): add and sub and
// every scalar op nothing; mul and div both operands.
const NO_SAVED: readonly Float32Array[] = [];

/** For each element of outShape, the offset of the element of `shape` broadcast to it. */
export function indexMap(shape: readonly number[], outShape: number[], n: number): Int32Array {
  const map = new Int32Array(n);
  stridedRows(broadcastStrides(shape, outShape), outShape, (i, off, len, step) => {
    for (let k = 0; k < len; k++) map[i + k] = off + k * step;
  });
  return map;
}

function broadcast(where: string, a: number[], b: number[]): Broadcast {
  const key = `${a.join(',')}|${b.join(',')}`;
  let bc = cache.get(key);
  if (!bc) {
    const shape = broadcastShapes(where, a, b);
    const n = numelOf(shape);
    bc = { shape, ia: indexMap(a, shape, n), ib: indexMap(b, shape, n) };
    if (cache.size > 256) cache.clear();
    cache.set(key, bc);
  }
  return bc;
}

/** Sums `g` (in the broadcast shape) back into an input of `size` elements through its map. */
function reduceTo(g: Float32Array, map: Int32Array | null, size: number): Float32Array {
  if (map === null) return g;
  const out = new Float32Array(size);
  for (let i = 0; i < g.length; i++) out[map[i]] += g[i];
  return out;
}

function compute(op: Op, a: Float32Array, b: Float32Array, out: Float32Array, ia: Int32Array | null, ib: Int32Array | null): void {
  const n = out.length;
  if (ia === null || ib === null) {
    switch (op) {
      case ADD: for (let i = 0; i < n; i++) out[i] = a[i] + b[i]; break;
      case SUB: for (let i = 0; i < n; i++) out[i] = a[i] - b[i]; break;
      case MUL: for (let i = 0; i < n; i++) out[i] = a[i] * b[i]; break;
      case DIV: for (let i = 0; i < n; i++) out[i] = a[i] / b[i]; break;
    }
    return;
  }
  switch (op) {
    case ADD: for (let i = 0; i < n; i++) out[i] = a[ia[i]] + b[ib[i]]; break;
    case SUB: for (let i = 0; i < n; i++) out[i] = a[ia[i]] - b[ib[i]]; break;
    case MUL: for (let i = 0; i < n; i++) out[i] = a[ia[i]] * b[ib[i]]; break;
    case DIV: for (let i = 0; i < n; i++) out[i] = a[ia[i]] / b[ib[i]]; break;
  }
}

function scalarOp(op: Op, a: Tensor, s: number): Tensor {
  const x = a.data;
  const n = x.length;
  const out = new Float32Array(n);
  switch (op) {
    case ADD: for (let i = 0; i < n; i++) out[i] = x[i] + s; break;
    case SUB: for (let i = 0; i < n; i++) out[i] = x[i] - s; break;
    case MUL: for (let i = 0; i < n; i++) out[i] = x[i] * s; break;
    case DIV: for (let i = 0; i < n; i++) out[i] = x[i] / s; break;
  }
  return fromOp(out, a.shape.slice(), [a], NAMES[op], (g) => {
    if (op === ADD || op === SUB) return [g];
    const k = op === MUL ? s : 1 / s;
    const ga = new Float32Array(n);
    for (let i = 0; i < n; i++) ga[i] = g[i] * k;
    return [ga];
  }, NO_SAVED);
}

function binaryOp(op: Op, a: Tensor, other: Tensor | number): Tensor {
  const where = `Tensor.${NAMES[op]}`;
  checkTensor(where, 'input', a);
  if (typeof other === 'number') return scalarOp(op, a, other);
  if (!(other instanceof Tensor)) throw typeError(where, 'a Tensor or a number', 'other', other);
  checkTensor(where, 'other', other);
  const b = other;
  let shape: number[];
  let ia: Int32Array | null = null;
  let ib: Int32Array | null = null;
  if (sameShape(a.shape, b.shape)) {
    shape = a.shape.slice();
  } else {
    const bc = broadcast(where, a.shape, b.shape);
    shape = bc.shape.slice();
    ia = bc.ia;
    ib = bc.ib;
  }
  const n = numelOf(shape);
  const out = new Float32Array(n);
  compute(op, a.data, b.data, out, ia, ib);
  const aSame = ia === null || a.numel === n;
  const bSame = ib === null || b.numel === n;
  return fromOp(out, shape, [a, b], NAMES[op], (g) => {
    const mapA = aSame ? null : ia;
    const mapB = bSame ? null : ib;
    const A = a.data;
    const B = b.data;
    switch (op) {
      case ADD:
        return [a.requiresGrad ? reduceTo(g, mapA, a.numel) : null, b.requiresGrad ? reduceTo(g, mapB, b.numel) : null];
      case SUB: {
        let gb: Float32Array | null = null;
        if (b.requiresGrad) {
          const neg = new Float32Array(n);
          for (let i = 0; i < n; i++) neg[i] = -g[i];
          gb = reduceTo(neg, mapB, b.numel);
        }
        return [a.requiresGrad ? reduceTo(g, mapA, a.numel) : null, gb];
      }
      case MUL: {
        let ga: Float32Array | null = null;
        let gb: Float32Array | null = null;
        if (a.requiresGrad) {
          const t = new Float32Array(n);
          if (ib === null) for (let i = 0; i < n; i++) t[i] = g[i] * B[i];
          else for (let i = 0; i < n; i++) t[i] = g[i] * B[ib[i]];
          ga = reduceTo(t, mapA, a.numel);
        }
        if (b.requiresGrad) {
          const t = new Float32Array(n);
          if (ia === null) for (let i = 0; i < n; i++) t[i] = g[i] * A[i];
          else for (let i = 0; i < n; i++) t[i] = g[i] * A[ia[i]];
          gb = reduceTo(t, mapB, b.numel);
        }
        return [ga, gb];
      }
      default: {
        // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
        let ga: Float32Array | null = null;
        let gb: Float32Array | null = null;
        if (a.requiresGrad) {
          const t = new Float32Array(n);
          if (ib === null) for (let i = 0; i < n; i++) t[i] = g[i] / B[i];
          else for (let i = 0; i < n; i++) t[i] = g[i] / B[ib[i]];
          ga = reduceTo(t, mapA, a.numel);
        }
        if (b.requiresGrad) {
          const t = new Float32Array(n);
          for (let i = 0; i < n; i++) {
            const bv = ib === null ? B[i] : B[ib[i]];
            const av = ia === null ? A[i] : A[ia[i]];
            t[i] = (-g[i] * av) / (bv * bv);
          }
          gb = reduceTo(t, mapB, b.numel);
        }
        return [ga, gb];
      }
    }
  }, op === ADD || op === SUB ? NO_SAVED : [a.data, b.data]);
}

export const add = (a: Tensor, b: Tensor | number): Tensor => binaryOp(ADD, a, b);
export const sub = (a: Tensor, b: Tensor | number): Tensor => binaryOp(SUB, a, b);
export const mul = (a: Tensor, b: Tensor | number): Tensor => binaryOp(MUL, a, b);
export const div = (a: Tensor, b: Tensor | number): Tensor => binaryOp(DIV, a, b);
