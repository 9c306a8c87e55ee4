// sort, argsort and topk along a dimension. Ties keep their original order (a stable sort, as
// PyTorch's CPU sort) and NaN counts as larger than every number, as PyTorch. The gradient of
// the values goes back to the positions they came from.
import { Tensor, fromOp, checkTensor } from '../tensor';
import { formatShape, normalizeDim, splitAt } from '../shape';
import { checkBoolean, checkInt, checkOptions } from '../errors';
import { rangeError } from '../errors';

/** Options of sort and argsort. */
export interface SortOptions {
  /** The dimension to sort along [-1]. */
  dim?: number;
  /** Largest first [false]. */
  descending?: boolean;
  /** Keep tied elements in their original order [false; kiln's sort is always stable]. */
  stable?: boolean;
}

/** Options of topk. */
export interface TopkOptions {
  /** The dimension to select along [-1]. */
  dim?: number;
  /** The k largest (true) or smallest (false) [true]. */
  largest?: boolean;
  /** Return them in sorted order [true; kiln always does]. */
  sorted?: boolean;
}

/** Values and the indices they came from (as float32 integers). */
export interface ValuesIndices {
  /** The selected values (differentiable). */
  values: Tensor;
  /** Their positions along the dimension, as float32 integers (no gradient). */
  indices: Tensor;
}

/** NaN as the largest value, as PyTorch's sort. */
function ascending(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts every row along dim `d`, keeping the first `k` of each; returns the values, positions and shape. */
function sortRows(t: Tensor, d: number, descending: boolean, k: number, name: string): ValuesIndices {
  const [outer, size, inner] = splitAt(t.shape, d);
  const x = t.data;
  const outShape = t.shape.slice();
  if (t.ndim > 0) outShape[d] = k;
  const m = outer * k * inner;
  const vals = new Float32Array(m);
  const idx = new Float32Array(m);
  const src = new Int32Array(m);
  const order = new Array<number>(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      for (let s = 0; s < size; s++) order[s] = s;
      // Array.prototype.sort is stable (ES2019): ties stay in index order either way.
      order.sort(descending ? (a, b) => ascending(x[base + b * inner], x[base + a * inner]) : (a, b) => ascending(x[base + a * inner], x[base + b * inner]));
      for (let s = 0; s < k; s++) {
        const at = (o * k + s) * inner + i;
        src[at] = base + order[s] * inner;
        vals[at] = x[src[at]];
        idx[at] = order[s];
      }
    }
  }
  const values = fromOp(vals, outShape, [t], name, (g) => {
    const gx = new Float32Array(x.length);
    for (let j = 0; j < m; j++) gx[src[j]] += g[j];
    return [gx];
  });
  return { values, indices: new Tensor(idx, outShape.slice()) };
}

function sortOptions(at: string, t: Tensor, opts: SortOptions | undefined): { d: number; descending: boolean } {
  checkTensor(at, 'input', t);
  const o = checkOptions(at, opts, ['dim', 'descending', 'stable']);
  const d = normalizeDim(at, o.dim ?? -1, t.ndim);
  const descending = o.descending === undefined ? false : checkBoolean(at, 'descending', o.descending);
  if (o.stable !== undefined && o.stable !== null) checkBoolean(at, 'stable', o.stable);
  return { d, descending };
}

/** Sorts along `dim` (stable); returns `{ values, indices }` as torch.sort. */
export function sort(t: Tensor, opts?: SortOptions): ValuesIndices {
  const { d, descending } = sortOptions('Tensor.sort', t, opts);
  return sortRows(t, d, descending, t.ndim === 0 ? 1 : t.shape[d], 'sort');
}

/** The indices that sort along `dim` (stable), as torch.argsort. */
export function argsort(t: Tensor, opts?: SortOptions): Tensor {
  const { d, descending } = sortOptions('Tensor.argsort', t, opts);
  return sortRows(t, d, descending, t.ndim === 0 ? 1 : t.shape[d], 'argsort').indices;
}

/** The k largest (or smallest) elements along `dim` and their indices, as torch.topk. */
export function topk(t: Tensor, k: number, opts?: TopkOptions): ValuesIndices {
  const at = 'Tensor.topk';
  checkTensor(at, 'input', t);
  checkInt(at, 'k', k, 0, 2 ** 31 - 1);
  const o = checkOptions(at, opts, ['dim', 'largest', 'sorted']);
  const d = normalizeDim(at, o.dim ?? -1, t.ndim);
  const largest = o.largest === undefined ? true : checkBoolean(at, 'largest', o.largest);
  if (o.sorted !== undefined) checkBoolean(at, 'sorted', o.sorted);
  const size = t.ndim === 0 ? 1 : t.shape[d];
  if (k > size) throw rangeError(at, `an integer in [0, ${size}] (the size of dim ${d} of shape ${formatShape(t.shape)})`, 'k', k);
  return sortRows(t, d, largest, k, 'topk');
}
